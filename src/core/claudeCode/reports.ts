/**
 * Usage reports over claude_code_responses (daily, weekly, monthly, session, blocks) with
 * ccusage's JSON field names, so scripts written for it keep working. Tokens are summed in SQL
 * per (local day or session, model, long-context flag); cost = those sums × the current price
 * table, so a price override applies to the whole history without re-importing. A model
 * without a price keeps its tokens; its cost is null and it is named in `unpricedModels`.
 */
import type { SqlDatabase } from '../db/database';
import { dayKeyBounds, dayNumberToKey, offsetSegments, offsetSql } from '../time/dayBuckets';
import { ROLLUP_BUCKET_MS } from './ingest';
import { LONG_CONTEXT_THRESHOLD, type PriceTable } from './prices';
import { addTokenGroup, emptyTokenCost, type TokenCost, type TokenGroup } from './tokenCost';

export interface UsageQuery {
  /** IANA zone for days, weeks and months */
  tz: string;
  /** YYYYMMDD or YYYY-MM-DD, inclusive, in `tz` */
  since?: string;
  until?: string;
  prices: PriceTable;
}

export interface TokenTotals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  /** USD of the priced models (null when no model in the row has a price) */
  totalCost: number | null;
  /** extras beyond ccusage's fields: the cache-write split */
  cacheCreation5mTokens: number;
  cacheCreation1hTokens: number;
}

export interface ModelBreakdown {
  modelName: string;
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  /** null: no price for this model ("no price"), never a silent 0 */
  cost: number | null;
}

export interface PeriodRow extends TokenTotals {
  modelsUsed: string[];
  modelBreakdowns: ModelBreakdown[];
  /** models of this row without a price */
  unpricedModels?: string[];
}

export interface PeriodReport<K extends string> {
  rows: (PeriodRow & Record<K, string>)[];
  totals: TokenTotals & { unpricedModels: string[] };
  warnings: string[];
}

/** A report row's sums: its own, and per model for the breakdown. */
interface Acc extends TokenCost {
  unpriced: Set<string>;
  models: Map<string, TokenCost>;
}

function newAcc(): Acc {
  return { ...emptyTokenCost(), unpriced: new Set(), models: new Map() };
}

/** One SQL group: tokens of one model in one bucket, split by long-context requests. */
interface GroupRow extends TokenGroup {
  bucket: string;
}

function addGroup(acc: Acc, g: GroupRow, prices: PriceTable): void {
  if (addTokenGroup(acc, g, prices) === undefined) acc.unpriced.add(g.model);
  const m = acc.models.get(g.model) ?? emptyTokenCost();
  addTokenGroup(m, g, prices);
  acc.models.set(g.model, m);
}

function totalsOf(acc: Acc): TokenTotals {
  const cacheCreation = acc.w5 + acc.w1;
  return {
    inputTokens: acc.input,
    outputTokens: acc.output,
    cacheCreationTokens: cacheCreation,
    cacheReadTokens: acc.cr,
    totalTokens: acc.input + acc.output + cacheCreation + acc.cr,
    totalCost: acc.priced ? acc.cost : acc.unpriced.size ? null : 0,
    cacheCreation5mTokens: acc.w5,
    cacheCreation1hTokens: acc.w1,
  };
}

function rowOf(acc: Acc): PeriodRow {
  const costOfModel = (m: TokenCost) => (m.priced ? m.cost : null);
  const models = [...acc.models.entries()].sort((a, b) => (costOfModel(b[1]) ?? -1) - (costOfModel(a[1]) ?? -1) || (a[0] < b[0] ? -1 : 1));
  const row: PeriodRow = {
    ...totalsOf(acc),
    modelsUsed: models.map(([m]) => m),
    modelBreakdowns: models.map(([modelName, m]) => ({ modelName, inputTokens: m.input, outputTokens: m.output, cacheCreationTokens: m.w5 + m.w1, cacheReadTokens: m.cr, cost: costOfModel(m) })),
  };
  if (acc.unpriced.size) row.unpricedModels = [...acc.unpriced].sort();
  return row;
}

export function hasUsageTables(db: SqlDatabase): boolean {
  return db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'claude_code_responses'").length > 0;
}

/** YYYYMMDD / YYYY-MM-DD → YYYY-MM-DD (throws RangeError naming the value). */
export function normaliseDay(value: string): string {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})$/.exec(value.trim());
  if (!m) throw new RangeError(`not a date (YYYYMMDD): ${value}`);
  const day = `${m[1]}-${m[2]}-${m[3]}`;
  if (Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) throw new RangeError(`not a date (YYYYMMDD): ${value}`);
  return day;
}

/** [fromMs, toMs) of the query's since/until in its zone (open ends when absent). */
export function rangeMs(q: UsageQuery): { from: number; to: number } {
  return {
    from: q.since ? dayKeyBounds(normaliseDay(q.since), q.tz).from * 1000 : -8.64e15,
    to: q.until ? dayKeyBounds(normaliseDay(q.until), q.tz).to * 1000 : 8.64e15,
  };
}

const LONG_SQL = `(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens > ${LONG_CONTEXT_THRESHOLD})`;

function queryGroups(db: SqlDatabase, bucketSql: string, where: string, params: (number | string)[]): GroupRow[] {
  const res = db.exec(
    `SELECT ${bucketSql} AS bucket, COALESCE(model, 'unknown') AS model, ${LONG_SQL} AS long,
            SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_write_5m_tokens), SUM(cache_write_1h_tokens)
     FROM claude_code_responses WHERE ${where} GROUP BY bucket, model, long ORDER BY bucket`,
    params,
  );
  return (res[0]?.values ?? []).map((v) => ({ bucket: String(v[0]), model: String(v[1]), long: Number(v[2]), input: Number(v[3]), output: Number(v[4]), cr: Number(v[5]), w5: Number(v[6]), w1: Number(v[7]) }));
}

/**
 * Per local day (YYYY-MM-DD in the query's zone): the grouped token sums, from the 15-minute
 * rollup (every zone's offset is a multiple of 15 minutes, so a bucket never straddles a local
 * midnight). since/until bounds are whole local days, hence whole buckets too.
 */
function dailyGroups(db: SqlDatabase, q: UsageQuery): GroupRow[] {
  const { from, to } = rangeMs(q);
  const b0 = Math.max(-1e12, Math.floor(from / ROLLUP_BUCKET_MS));
  const b1 = Math.min(1e12, Math.ceil(to / ROLLUP_BUCKET_MS));
  const span = db.exec('SELECT min(bucket), max(bucket) FROM claude_code_usage_15m WHERE bucket >= ? AND bucket < ?', [b0, b1])[0]?.values[0];
  if (!span || span[0] === null) return [];
  const secondsOf = (b: number) => (b * ROLLUP_BUCKET_MS) / 1000;
  const segments = offsetSegments(q.tz, secondsOf(Number(span[0])) - 86400, secondsOf(Number(span[1])) + 86400);
  const seconds = `(bucket * ${ROLLUP_BUCKET_MS / 1000})`;
  const local = `(${seconds} + ${offsetSql(seconds, segments)})`;
  // floor division, right for times before 1970 too
  const dayNumber = `((${local} - ((${local} % 86400) + 86400) % 86400) / 86400)`;
  const res = db.exec(
    `SELECT ${dayNumber} AS day, model, long_context, sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens)
     FROM claude_code_usage_15m WHERE bucket >= ? AND bucket < ? GROUP BY day, model, long_context ORDER BY day`,
    [b0, b1],
  );
  return (res[0]?.values ?? []).map((v) => ({ bucket: dayNumberToKey(Number(v[0])), model: String(v[1]), long: Number(v[2]), input: Number(v[3]), output: Number(v[4]), cr: Number(v[5]), w5: Number(v[6]), w1: Number(v[7]) }));
}

function report<K extends string>(groups: GroupRow[], keyOf: (day: string) => string, key: K, prices: PriceTable): PeriodReport<K> {
  const byKey = new Map<string, Acc>();
  const all = newAcc();
  for (const g of groups) {
    const k = keyOf(g.bucket);
    const acc = byKey.get(k) ?? newAcc();
    byKey.set(k, acc);
    addGroup(acc, g, prices);
    addGroup(all, g, prices);
  }
  const rows = [...byKey.keys()].sort().map((k) => ({ [key]: k, ...rowOf(byKey.get(k)!) }) as PeriodRow & Record<K, string>);
  const unpricedModels = [...all.unpriced].sort();
  return { rows, totals: { ...totalsOf(all), unpricedModels }, warnings: unpricedWarnings(unpricedModels) };
}

export function unpricedWarnings(models: string[]): string[] {
  return models.map((m) => `no price for model "${m}": its tokens are counted, its cost is not (add it to the price file)`);
}

/** Sunday-start week (ccusage's default), as the date of its Sunday. */
export function weekOf(day: string): string {
  const n = Math.floor(Date.parse(`${day}T00:00:00Z`) / 86400000);
  return dayNumberToKey(n - ((n + 4) % 7));
}

export function dailyReport(db: SqlDatabase, q: UsageQuery): PeriodReport<'date'> {
  return report(hasUsageTables(db) ? dailyGroups(db, q) : [], (d) => d, 'date', q.prices);
}

export function weeklyReport(db: SqlDatabase, q: UsageQuery): PeriodReport<'week'> {
  return report(hasUsageTables(db) ? dailyGroups(db, q) : [], weekOf, 'week', q.prices);
}

export function monthlyReport(db: SqlDatabase, q: UsageQuery): PeriodReport<'month'> {
  return report(hasUsageTables(db) ? dailyGroups(db, q) : [], (d) => d.slice(0, 7), 'month', q.prices);
}

export interface SessionRow extends PeriodRow {
  sessionId: string;
  projectPath: string | null;
  cwd: string | null;
  gitBranch: string | null;
  version: string | null;
  firstActivity: string | null;
  lastActivity: string | null;
  prompts: number;
  toolCalls: number;
  toolErrors: number;
}

export function sessionReport(db: SqlDatabase, q: UsageQuery): { sessions: SessionRow[]; totals: PeriodReport<'x'>['totals']; warnings: string[] } {
  if (!hasUsageTables(db)) return { sessions: [], totals: { ...totalsOf(newAcc()), unpricedModels: [] }, warnings: [] };
  const { from, to } = rangeMs(q);
  const groups = queryGroups(db, `COALESCE(session_id, '')`, 'ts_ms >= ? AND ts_ms < ?', [from, to]);
  const base = report(groups, (s) => s, 'sessionId', q.prices);
  const meta = new Map<string, unknown[]>();
  for (const v of db.exec('SELECT session_id, project, cwd, git_branch, version, first_ts_ms, last_ts_ms FROM claude_code_sessions')[0]?.values ?? []) meta.set(String(v[0]), v);
  const counts = (sql: string) => new Map((db.exec(sql)[0]?.values ?? []).map((v) => [String(v[0]), [Number(v[1]), Number(v[2] ?? 0)]] as const));
  const prompts = counts('SELECT session_id, count(*), 0 FROM claude_code_prompts GROUP BY session_id');
  const tools = counts('SELECT session_id, count(*), sum(is_error = 1) FROM claude_code_tool_calls WHERE tool IS NOT NULL GROUP BY session_id');
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString());
  const sessions = base.rows.map((r) => {
    const m = meta.get(r.sessionId);
    return {
      ...r,
      projectPath: m ? ((m[1] as string | null) ?? null) : null,
      cwd: m ? ((m[2] as string | null) ?? null) : null,
      gitBranch: m ? ((m[3] as string | null) ?? null) : null,
      version: m ? ((m[4] as string | null) ?? null) : null,
      firstActivity: m ? iso(m[5]) : null,
      lastActivity: m ? iso(m[6]) : null,
      prompts: prompts.get(r.sessionId)?.[0] ?? 0,
      toolCalls: tools.get(r.sessionId)?.[0] ?? 0,
      toolErrors: tools.get(r.sessionId)?.[1] ?? 0,
    } as SessionRow;
  });
  sessions.sort((a, b) => ((a.lastActivity ?? '') < (b.lastActivity ?? '') ? 1 : -1));
  return { sessions, totals: base.totals, warnings: base.warnings };
}

export const BLOCK_MS = 5 * 3600_000;

export interface UsageBlock {
  id: string;
  startTime: string;
  endTime: string;
  actualEndTime: string | null;
  isActive: boolean;
  isGap: boolean;
  entries: number;
  tokenCounts: { inputTokens: number; outputTokens: number; cacheCreationInputTokens: number; cacheReadInputTokens: number };
  totalTokens: number;
  costUSD: number | null;
  models: string[];
  /** active block only: tokens per minute and USD per hour so far */
  burnRate: { tokensPerMinute: number; costPerHour: number | null } | null;
  /** active block only: where the block ends at the current burn rate (an estimate) */
  projection: { estimate: true; totalTokens: number; totalCost: number | null; remainingMinutes: number } | null;
  unpricedModels?: string[];
}

/**
 * 5-hour windows (Claude's usage limits): a block starts at the hour of its first response and
 * ends 5 hours later; a response more than 5 hours after the block start or after the previous
 * response starts a new one; the time between blocks is a gap block.
 */
export function blocksReport(db: SqlDatabase, q: UsageQuery, nowMs = Date.now()): { blocks: UsageBlock[]; warnings: string[] } {
  if (!hasUsageTables(db)) return { blocks: [], warnings: [] };
  const { from, to } = rangeMs(q);
  const res = db.exec(
    `SELECT ts_ms, COALESCE(model, 'unknown'), input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens
     FROM claude_code_responses WHERE ts_ms >= ? AND ts_ms < ? ORDER BY ts_ms`,
    [from, to],
  );
  const blocks: UsageBlock[] = [];
  const unpricedAll = new Set<string>();
  let cur: { start: number; last: number; acc: Acc; entries: number } | null = null;
  const close = () => {
    if (!cur) return;
    const t = totalsOf(cur.acc);
    const end = cur.start + BLOCK_MS;
    const isActive = nowMs - cur.last < BLOCK_MS && nowMs < end;
    const block: UsageBlock = {
      id: new Date(cur.start).toISOString(),
      startTime: new Date(cur.start).toISOString(),
      endTime: new Date(end).toISOString(),
      actualEndTime: new Date(cur.last).toISOString(),
      isActive,
      isGap: false,
      entries: cur.entries,
      tokenCounts: { inputTokens: t.inputTokens, outputTokens: t.outputTokens, cacheCreationInputTokens: t.cacheCreationTokens, cacheReadInputTokens: t.cacheReadTokens },
      totalTokens: t.totalTokens,
      costUSD: t.totalCost,
      models: [...cur.acc.models.keys()],
      burnRate: null,
      projection: null,
    };
    if (cur.acc.unpriced.size) block.unpricedModels = [...cur.acc.unpriced].sort();
    if (isActive) {
      const minutes = Math.max(1, (nowMs - cur.start) / 60_000);
      const remainingMinutes = Math.max(0, Math.round((end - nowMs) / 60_000));
      const tokensPerMinute = t.totalTokens / minutes;
      const costPerHour = t.totalCost === null ? null : (t.totalCost / minutes) * 60;
      block.burnRate = { tokensPerMinute, costPerHour };
      block.projection = {
        estimate: true,
        totalTokens: Math.round(t.totalTokens + tokensPerMinute * remainingMinutes),
        totalCost: t.totalCost === null || costPerHour === null ? null : t.totalCost + (costPerHour * remainingMinutes) / 60,
        remainingMinutes,
      };
    }
    blocks.push(block);
  };
  for (const v of res[0]?.values ?? []) {
    const ts = Number(v[0]);
    if (!cur || ts - cur.start > BLOCK_MS || ts - cur.last > BLOCK_MS) {
      const prevLast = cur?.last;
      close();
      const start = Math.floor(ts / 3600_000) * 3600_000;
      if (prevLast !== undefined && start > prevLast + BLOCK_MS) {
        const gapStart = prevLast + BLOCK_MS;
        blocks.push({
          id: `gap-${new Date(gapStart).toISOString()}`,
          startTime: new Date(gapStart).toISOString(),
          endTime: new Date(start).toISOString(),
          actualEndTime: null,
          isActive: false,
          isGap: true,
          entries: 0,
          tokenCounts: { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 },
          totalTokens: 0,
          costUSD: 0,
          models: [],
          burnRate: null,
          projection: null,
        });
      }
      cur = { start, last: ts, acc: newAcc(), entries: 0 };
    }
    cur.last = ts;
    cur.entries++;
    const g = { bucket: '', model: String(v[1]), input: Number(v[2]), output: Number(v[3]), cr: Number(v[4]), w5: Number(v[5]), w1: Number(v[6]), long: 0 };
    g.long = g.input + g.cr + g.w5 + g.w1 > LONG_CONTEXT_THRESHOLD ? 1 : 0;
    addGroup(cur.acc, g, q.prices);
    for (const m of cur.acc.unpriced) unpricedAll.add(m);
  }
  close();
  return { blocks, warnings: unpricedWarnings([...unpricedAll].sort()) };
}
