/**
 * The Usage tab: Claude Code's tokens and cost per day, model, project and session, the cache
 * read/write split, tool calls and error rate per tool, and the 5-hour block in progress
 * (docs/claude-code.md). Read from claude_code_responses / claude_code_tool_calls (V5); cost is
 * tokens × the current price table (as the CLI reports do), so a model without a price keeps
 * its tokens and shows "no price" — never a silent $0.
 *
 * Drill-downs are opaque keys minted here (`drillKey`, codec in drillTargets.ts): the webview
 * hands one back unread, so no table or column name ever comes from the page.
 */
import type { SqlDatabase as Database, SqlValue } from '../db/database';
import { BUNDLED_PRICES, LONG_CONTEXT_THRESHOLD, type PriceTable } from '../claudeCode/prices';
import { unpricedWarnings } from '../claudeCode/reports';
import { addTokenGroup, emptyTokenCost, type TokenCost, type TokenGroup } from '../claudeCode/tokenCost';
import { DrillDownError, drillWindow, mintDrillKey } from './drillTargets';
import { num, numOrNull, percent, queryOne, queryRows, strOrNull, tableExists } from '../db/queryHelpers';
import { dayKeyBounds, dayNumberToKey, offsetSegments, offsetSql, resolveTimeZone } from '../time/dayBuckets';
import type { DrillDownResult, DrillWindow, MetricsOptions, TimeRange, UsageBlockSummary, UsageData, UsageTokens } from './types';

/** Sessions listed in the tab (most recent first). */
export const USAGE_SESSIONS_SHOWN = 50;
const BLOCK_MS = 5 * 3600_000;

export interface UsageOptions extends MetricsOptions {
  /** bundled + the user's override file; default the bundled table */
  prices?: PriceTable;
}

// ---------------------------------------------------------------- drill keys

/** Where each kind of Claude Code drill-down reads: the tool calls of a session or a tool, the responses of a model. */
const DRILL_KINDS = {
  session: { table: 'claude_code_tool_calls', column: 'session_id' },
  tool: { table: 'claude_code_tool_calls', column: 'tool' },
  model: { table: 'claude_code_responses', column: 'model' },
} as const;

// ---------------------------------------------------------------- the tab's data

function add(acc: TokenCost, g: TokenGroup, prices: PriceTable, unpriced: Set<string>): void {
  if (addTokenGroup(acc, g, prices) === undefined) unpriced.add(g.model);
}

function tokensOf(acc: TokenCost): UsageTokens {
  return {
    inputTokens: acc.input,
    outputTokens: acc.output,
    cacheReadTokens: acc.cr,
    cacheWrite5mTokens: acc.w5,
    cacheWrite1hTokens: acc.w1,
    totalTokens: acc.input + acc.output + acc.cr + acc.w5 + acc.w1,
    costUsd: acc.priced ? acc.cost : null,
  };
}

const LONG_SQL = `(input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens > ${LONG_CONTEXT_THRESHOLD})`;
const SUMS = 'sum(input_tokens) AS i, sum(output_tokens) AS o, sum(cache_read_tokens) AS cr, sum(cache_write_5m_tokens) AS w5, sum(cache_write_1h_tokens) AS w1';
type SumRow = { model: string | null; long: number; i: number; o: number; cr: number; w5: number; w1: number };
const groupOf = (r: SumRow): TokenGroup => ({ model: r.model ?? 'unknown', long: num(r.long), input: num(r.i), output: num(r.o), cr: num(r.cr), w5: num(r.w5), w1: num(r.w1) });

function rangeWhere(range: TimeRange, column = 'ts_ms'): { sql: string; params: SqlValue[] } {
  const where: string[] = [];
  const params: SqlValue[] = [];
  if (range.from !== undefined) (where.push(`${column} >= ?`), params.push(Math.floor(range.from) * 1000));
  if (range.to !== undefined) (where.push(`${column} < ?`), params.push(Math.ceil(range.to) * 1000));
  return { sql: where.length ? where.join(' AND ') : '1', params };
}

function emptyUsage(range: TimeRange, zone: string, prices: PriceTable): UsageData {
  const zero = tokensOf(emptyTokenCost());
  return {
    range: { fromSeconds: range.from ?? null, toSeconds: range.to ?? null, timeZone: zone },
    bucket: 'day',
    totals: { ...zero, costUsd: 0, responses: 0, sessions: 0, toolCalls: 0, toolErrors: 0, cacheHitPercent: null },
    unpricedModels: [],
    warnings: [],
    prices: { asOf: prices.asOf, source: prices.source },
    perDay: [],
    models: [],
    projects: [],
    sessions: [],
    tools: [],
    activeBlock: null,
  };
}

/** Claude Code usage in the range (empty when the database has no V5 tables yet). */
export function getUsage(db: Database, range: TimeRange, options: UsageOptions = {}): UsageData {
  const zone = resolveTimeZone(options.timeZone);
  const prices = options.prices ?? BUNDLED_PRICES;
  const out = emptyUsage(range, zone, prices);
  if (!tableExists(db, 'claude_code_responses')) return out;
  const w = rangeWhere(range);
  const unpriced = new Set<string>();

  // per local day × model: the zone's offset as a CASE over its changes in the data span
  const span = queryOne<{ a: number | null; b: number | null; n: number; s: number }>(
    db,
    `SELECT min(ts_ms) AS a, max(ts_ms) AS b, count(*) AS n, count(DISTINCT session_id) AS s FROM claude_code_responses WHERE ${w.sql}`,
    w.params,
  );
  if (!span || span.a === null || span.b === null) return withTools(db, out, range);
  const seconds = '(ts_ms / 1000)';
  const segments = offsetSegments(zone, Math.floor(num(span.a) / 1000) - 86400, Math.ceil(num(span.b) / 1000) + 86400);
  const local = `(${seconds} + ${offsetSql(seconds, segments)})`;
  const dayNumber = `((${local} - ((${local} % 86400) + 86400) % 86400) / 86400)`;
  const all = emptyTokenCost();
  const perDay = new Map<string, TokenCost>();
  // per model: the same groups summed over the days (one scan of the responses, not two)
  const models = new Map<string, { acc: TokenCost; responses: number }>();
  for (const r of queryRows<SumRow & { d: number; n: number }>(
    db,
    `SELECT ${dayNumber} AS d, model, ${LONG_SQL} AS long, count(*) AS n, ${SUMS} FROM claude_code_responses WHERE ${w.sql} GROUP BY d, model, long ORDER BY d, model`,
    w.params,
  )) {
    const g = groupOf(r);
    const key = `${num(r.d)}\u0000${g.model}`;
    const acc = perDay.get(key) ?? emptyTokenCost();
    perDay.set(key, acc);
    add(acc, g, prices, unpriced);
    add(all, g, prices, new Set());
    const m = models.get(g.model) ?? { acc: emptyTokenCost(), responses: 0 };
    models.set(g.model, m);
    add(m.acc, g, prices, new Set());
    m.responses += num(r.n);
  }
  out.perDay = [...perDay.entries()].map(([k, acc]) => {
    const [d, model] = k.split('\u0000');
    return { day: dayNumberToKey(Number(d)), model, ...tokensOf(acc) };
  });

  out.models = [...models.entries()]
    .map(([model, m]) => ({ model, responses: m.responses, priced: m.acc.priced, drillKey: mintDrillKey('ccModel', model), ...tokensOf(m.acc) }))
    .sort((a, b) => (b.costUsd ?? -1) - (a.costUsd ?? -1) || b.totalTokens - a.totalTokens || (a.model < b.model ? -1 : 1));

  // per session (and from there per project): tokens and cost per model of the session
  const hasSessions = tableExists(db, 'claude_code_sessions');
  const sessions = new Map<string, TokenCost>();
  for (const r of queryRows<SumRow & { sid: string | null }>(
    db,
    `SELECT COALESCE(session_id, '') AS sid, model, ${LONG_SQL} AS long, ${SUMS} FROM claude_code_responses WHERE ${w.sql} GROUP BY sid, model, long`,
    w.params,
  )) {
    const sid = String(r.sid);
    const acc = sessions.get(sid) ?? emptyTokenCost();
    sessions.set(sid, acc);
    add(acc, groupOf(r), prices, new Set());
  }
  const meta = new Map<string, { project: string | null; first: number | null; last: number | null }>();
  if (hasSessions) {
    for (const r of queryRows<{ session_id: string; project: string | null; f: number | null; l: number | null }>(db, 'SELECT session_id, project, first_ts_ms AS f, last_ts_ms AS l FROM claude_code_sessions')) {
      meta.set(String(r.session_id), { project: strOrNull(r.project), first: numOrNull(r.f), last: numOrNull(r.l) });
    }
  }
  const toolCounts = new Map<string, { calls: number; errors: number }>();
  if (tableExists(db, 'claude_code_tool_calls')) {
    const tw = rangeWhere(range);
    for (const r of queryRows<{ sid: string; n: number; e: number }>(
      db,
      `SELECT session_id AS sid, count(*) AS n, total(is_error = 1) AS e FROM claude_code_tool_calls WHERE tool IS NOT NULL AND ${tw.sql} GROUP BY session_id`,
      tw.params,
    )) toolCounts.set(String(r.sid), { calls: num(r.n), errors: num(r.e) });
  }
  const projects = new Map<string, { acc: TokenCost; sessions: number; project: string | null }>();
  const sessionRows = [...sessions.entries()].map(([sid, acc]) => {
    const m = meta.get(sid);
    const projectKey = m?.project ?? '';
    const p = projects.get(projectKey) ?? { acc: emptyTokenCost(), sessions: 0, project: m?.project ?? null };
    projects.set(projectKey, p);
    for (const k of ['input', 'output', 'cr', 'w5', 'w1', 'cost'] as const) p.acc[k] += acc[k];
    p.acc.priced ||= acc.priced;
    p.sessions++;
    const first = m?.first ?? null;
    const last = m?.last ?? null;
    const t = toolCounts.get(sid);
    return {
      sessionId: sid,
      project: m?.project ?? null,
      firstAt: first === null ? null : Math.floor(first / 1000),
      lastAt: last === null ? null : Math.floor(last / 1000),
      durationSeconds: first === null || last === null ? null : Math.round((last - first) / 1000),
      toolCalls: t?.calls ?? 0,
      toolErrors: t?.errors ?? 0,
      drillKey: mintDrillKey('ccSession', sid),
      ...tokensOf(acc),
    };
  });
  sessionRows.sort((a, b) => (b.lastAt ?? 0) - (a.lastAt ?? 0) || (a.sessionId < b.sessionId ? -1 : 1));
  out.sessions = sessionRows.slice(0, USAGE_SESSIONS_SHOWN);
  out.projects = [...projects.values()]
    .map((p) => ({ project: p.project, sessions: p.sessions, ...tokensOf(p.acc) }))
    .sort((a, b) => b.totalTokens - a.totalTokens || ((a.project ?? '') < (b.project ?? '') ? -1 : 1));

  const uncachedInput = all.input + all.w5 + all.w1;
  out.totals = {
    ...tokensOf(all),
    costUsd: all.priced ? all.cost : unpriced.size ? null : 0,
    responses: num(span.n),
    sessions: num(span.s),
    toolCalls: 0,
    toolErrors: 0,
    cacheHitPercent: percent(all.cr, all.cr + uncachedInput),
  };
  out.unpricedModels = [...unpriced].sort();
  out.warnings = unpricedWarnings(out.unpricedModels);
  out.activeBlock = activeBlock(db, prices, options.nowSeconds === undefined ? Date.now() : options.nowSeconds * 1000);
  return withTools(db, out, range);
}

function withTools(db: Database, out: UsageData, range: TimeRange): UsageData {
  if (!tableExists(db, 'claude_code_tool_calls')) return out;
  const w = rangeWhere(range);
  out.tools = queryRows<{ tool: string; n: number; e: number; d: number | null }>(
    db,
    `SELECT tool, count(*) AS n, total(is_error = 1) AS e, avg(duration_ms) AS d FROM claude_code_tool_calls
     WHERE tool IS NOT NULL AND ${w.sql} GROUP BY tool ORDER BY n DESC, tool`,
    w.params,
  ).map((r) => ({
    tool: String(r.tool),
    calls: num(r.n),
    errors: num(r.e),
    errorRatePercent: percent(num(r.e), num(r.n)),
    avgDurationMs: r.d === null ? null : Math.round(num(r.d)),
    drillKey: mintDrillKey('ccTool', String(r.tool)),
  }));
  out.totals.toolCalls = out.tools.reduce((s, t) => s + t.calls, 0);
  out.totals.toolErrors = out.tools.reduce((s, t) => s + t.errors, 0);
  return out;
}

/**
 * The 5-hour block in progress at `nowMs`, by the CLI's rule (blocksReport): a block starts at
 * the hour of its first response; a response more than 5 hours after the block's start or the
 * previous response starts a new one. Only the last day's responses can be in it.
 */
function activeBlock(db: Database, prices: PriceTable, nowMs: number): UsageBlockSummary | null {
  const rows = queryRows<{ ts: number; model: string | null; long: number; i: number; o: number; cr: number; w5: number; w1: number }>(
    db,
    `SELECT ts_ms AS ts, model, ${LONG_SQL} AS long, input_tokens AS i, output_tokens AS o, cache_read_tokens AS cr,
            cache_write_5m_tokens AS w5, cache_write_1h_tokens AS w1
     FROM claude_code_responses WHERE ts_ms >= ? AND ts_ms <= ? ORDER BY ts_ms`,
    [nowMs - 2 * BLOCK_MS, nowMs],
  );
  let start = -Infinity;
  let last = -Infinity;
  let acc = emptyTokenCost();
  for (const r of rows) {
    const ts = num(r.ts);
    if (ts - start > BLOCK_MS || ts - last > BLOCK_MS) {
      start = Math.floor(ts / 3600_000) * 3600_000;
      acc = emptyTokenCost();
    }
    last = ts;
    add(acc, groupOf(r), prices, new Set());
  }
  const end = start + BLOCK_MS;
  if (!Number.isFinite(start) || nowMs >= end || nowMs - last >= BLOCK_MS) return null;
  const t = tokensOf(acc);
  const minutes = Math.max(1, (nowMs - start) / 60_000);
  const remaining = Math.max(0, (end - nowMs) / 60_000);
  const perMinute = t.totalTokens / minutes;
  return {
    startAt: Math.floor(start / 1000),
    endAt: Math.floor(end / 1000),
    totalTokens: t.totalTokens,
    costUsd: t.costUsd,
    tokensPerMinute: perMinute,
    projectedTokens: Math.round(t.totalTokens + perMinute * remaining),
    projectedCostUsd: t.costUsd === null ? null : t.costUsd + (t.costUsd / minutes) * remaining,
  };
}

// ---------------------------------------------------------------- drill-down

/** The rows behind a drill key, in the request's range (and day), newest first. */
export function getUsageDrillRows(db: Database, kind: keyof typeof DRILL_KINDS, value: string, request: DrillWindow): DrillDownResult {
  const { table, column } = DRILL_KINDS[kind];
  if (!tableExists(db, table)) throw new DrillDownError('this database has no Claude Code tables');
  const { from, to, limit, offset } = drillWindow(request);
  const w = rangeWhere({ from, to }, 't.ts_ms');
  const where = `t.${column} = ? AND ${w.sql}`;
  const params: SqlValue[] = [value, ...w.params];
  const columns =
    table === 'claude_code_tool_calls'
      ? ['time', 'tool', 'input_summary', 'is_error', 'duration_ms', 'session_id', 'is_subagent', 'tool_use_id']
      : ['time', 'model', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_5m_tokens', 'cache_write_1h_tokens', 'session_id', 'is_sidechain', 'is_subagent', 'message_id'];
  const dataColumns = columns.filter((c) => c !== 'time').map((c) => `t.${c}`);
  const total = num(queryOne<{ n: number }>(db, `SELECT count(*) AS n FROM ${table} AS t WHERE ${where}`, params)?.n);
  const files = tableExists(db, 'claude_code_files');
  const rows = queryRows(
    db,
    `SELECT t.rowid AS "__id", t.source_line AS "__line", ${files ? 'f.path' : 'NULL'} AS "__path", t.ts_ms AS "__ts", ${dataColumns.join(', ')}
     FROM ${table} AS t ${files ? 'LEFT JOIN claude_code_files AS f ON f.id = t.source_file' : ''}
     WHERE ${where} ORDER BY t.ts_ms DESC, t.rowid DESC LIMIT ${limit} OFFSET ${offset}`,
    params,
  ).map((r) => {
    const values: Record<string, string | number | null> = {};
    for (const c of columns) values[c] = c === 'time' ? (r.__ts === null ? null : new Date(num(r.__ts)).toISOString()) : ((r[c] as string | number | null) ?? null);
    return { values, source: { table, id: num(r.__id), path: strOrNull(r.__path), line: numOrNull(r.__line) } };
  });
  return { table, columns, rows, total, limit, offset };
}
