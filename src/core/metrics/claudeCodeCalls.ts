/**
 * Claude Code's own calls in the existing tabs (docs/claude-code.md "In the other tabs"):
 * - Activity: tool calls from the transcripts (claude_code_tool_calls) together with the users'
 *   post-tool hook (tool-usage.jsonl → tool_events);
 * - Skills: `Skill` tool calls from the transcripts together with the skill tracker
 *   (skill_metrics.json / skill-invocations.jsonl → skill_invocation);
 * - Routing: the model each response really used (claude_code_responses) beside the router's
 *   prediction (routing_metrics_events).
 *
 * A call both sides logged is shown once, with where it came from ('both'). Matching follows the
 * writer contract's natural keys (src/core/ingest/naturalKeys.ts, tool_events: the tool + time
 * within ±2 s + every column both hold equal): same tool (skill), same session when both hold
 * one, and the hook's time within ±2 s of the call — a post-tool hook fires when the result is
 * back, so the window runs from the tool_use to its result. Hook times are whole seconds.
 * Each row is matched at most once (nearest first), so two quick calls of one tool stay two.
 */
import type { SqlDatabase as Database, SqlValue } from '../db/database';
import { DEFAULT_TOLERANCE_SECONDS } from '../ingest/naturalKeys';
import { modelKey } from '../claudeCode/prices';
import { num, percent, queryRows, strOrNull, tableColumns, tableExists } from '../db/queryHelpers';
import type { CallSourceCounts, ClaudeCodeRoutingData, ReconciledCalls, TimeRange } from './types';

const TOLERANCE_MS = DEFAULT_TOLERANCE_SECONDS * 1000;
/** how long after a routing decision the response it routed may start */
const ROUTING_WINDOW_MS = 120_000;

/** One call as the transcript holds it. */
interface TranscriptCall {
  name: string;
  sessionId: string | null;
  startMs: number;
  endMs: number;
  isError: boolean | null;
}

/** One call as a hook logged it. */
interface HookCall {
  name: string;
  sessionId: string | null;
  atMs: number;
  isError: boolean | null;
}

export type CallSource = 'transcript' | 'hook' | 'both';

export interface ReconciledCall {
  name: string;
  sessionId: string | null;
  atMs: number;
  isError: boolean | null;
  source: CallSource;
}

function rangeParams(range: TimeRange, padMs: number): { lo: number; hi: number } {
  return {
    lo: range.from === undefined ? -8.64e15 : range.from * 1000 - padMs,
    hi: range.to === undefined ? 8.64e15 : range.to * 1000 + padMs,
  };
}

const inRange = (range: TimeRange, ms: number) => (range.from === undefined || ms >= range.from * 1000) && (range.to === undefined || ms < range.to * 1000);

/**
 * Pairs transcript calls with hook rows (one to one): per name, each hook row takes the
 * unmatched transcript call whose window [start − 2 s, end + 2 s] holds it and whose end is
 * nearest; sessions must agree when both sides hold one. Returns every call once.
 */
export function reconcileCalls(transcript: TranscriptCall[], hooks: HookCall[]): ReconciledCall[] {
  const byName = new Map<string, TranscriptCall[]>();
  for (const c of transcript) {
    const list = byName.get(c.name) ?? [];
    list.push(c);
    byName.set(c.name, list);
  }
  const longest = new Map<string, number>();
  for (const [name, list] of byName) {
    list.sort((a, b) => a.startMs - b.startMs);
    longest.set(name, list.reduce((m, c) => Math.max(m, c.endMs - c.startMs), 0));
  }
  const matched = new Set<TranscriptCall>();
  const out: ReconciledCall[] = [];
  // hook rows in time order, so an earlier row takes the earlier of two close calls
  for (const h of [...hooks].sort((a, b) => a.atMs - b.atMs)) {
    let best: TranscriptCall | undefined;
    let bestDistance = Infinity;
    const list = byName.get(h.name) ?? [];
    // the first call that can still hold this row: binary search on the start time
    const earliest = h.atMs - TOLERANCE_MS - (longest.get(h.name) ?? 0);
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].startMs < earliest) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < list.length; i++) {
      const c = list[i];
      if (c.startMs - TOLERANCE_MS - 999 > h.atMs) break;
      if (matched.has(c) || h.atMs > c.endMs + TOLERANCE_MS) continue;
      if (h.sessionId !== null && c.sessionId !== null && h.sessionId !== c.sessionId) continue;
      const distance = Math.abs(h.atMs - c.endMs);
      if (distance < bestDistance) (best = c), (bestDistance = distance);
    }
    if (best) {
      matched.add(best);
      out.push({ name: h.name, sessionId: best.sessionId ?? h.sessionId, atMs: best.startMs, isError: best.isError ?? h.isError, source: 'both' });
    } else out.push({ name: h.name, sessionId: h.sessionId, atMs: h.atMs, isError: h.isError, source: 'hook' });
  }
  for (const c of transcript) if (!matched.has(c)) out.push({ name: c.name, sessionId: c.sessionId, atMs: c.startMs, isError: c.isError, source: 'transcript' });
  return out.sort((a, b) => a.atMs - b.atMs || (a.name < b.name ? -1 : 1));
}

function transcriptCalls(db: Database, range: TimeRange, where: string, nameSql: string): TranscriptCall[] {
  if (!tableExists(db, 'claude_code_tool_calls')) return [];
  const { lo, hi } = rangeParams(range, 60_000);
  return queryRows<{ n: string; s: string | null; a: number; b: number | null; e: number | null }>(
    db,
    `SELECT ${nameSql} AS n, session_id AS s, ts_ms AS a, result_ts_ms AS b, is_error AS e FROM claude_code_tool_calls
     WHERE tool IS NOT NULL AND ts_ms >= ? AND ts_ms < ? AND ${where}`,
    [lo, hi],
  ).map((r) => ({ name: String(r.n), sessionId: strOrNull(r.s), startMs: num(r.a), endMs: r.b === null ? num(r.a) : Math.max(num(r.a), num(r.b)), isError: r.e === null ? null : num(r.e) === 1 }));
}

/** Where the hook rows live, and which of them are errors. */
interface HookSource {
  table: string;
  nameColumn: string;
  timeColumn: string;
  errorSql: string;
  where?: string;
}

/**
 * The hook rows that can match a transcript call: those within `span` (whole seconds, both
 * ends included; the range padded so calls at its edges find their rows). Only these are read
 * as rows — a busy hook table has far more rows than the transcripts have calls.
 */
function hookCalls(db: Database, range: TimeRange, h: HookSource, span: { lo: number; hi: number }): HookCall[] {
  if (!tableExists(db, h.table)) return [];
  const hasSession = tableColumns(db, h.table).includes('session_id');
  const { lo, hi } = rangeParams(range, 60_000);
  return queryRows<{ n: string; s: string | null; t: number; e: number | null }>(
    db,
    `SELECT ${h.nameColumn} AS n, ${hasSession ? 'session_id' : 'NULL'} AS s, ${h.timeColumn} AS t, ${h.errorSql} AS e FROM ${h.table}
     WHERE ${h.nameColumn} IS NOT NULL AND ${h.timeColumn} >= ? AND ${h.timeColumn} < ? AND ${h.timeColumn} >= ? AND ${h.timeColumn} <= ? AND ${h.where ?? '1'}`,
    [Math.floor(lo / 1000), Math.ceil(hi / 1000), span.lo, span.hi] as SqlValue[],
  ).map((r) => ({ name: String(r.n), sessionId: strOrNull(r.s), atMs: num(r.t) * 1000, isError: r.e === null ? null : num(r.e) === 1 }));
}

/**
 * The hook rows in the range that no transcript call can match (outside `span`): each is a
 * hook-only call, so they are counted per name in SQL instead of being read one by one.
 */
function hookOnlyCounts(db: Database, range: TimeRange, h: HookSource, span: { lo: number; hi: number }): { name: string; calls: number; errors: number }[] {
  if (!tableExists(db, h.table)) return [];
  const where = [`${h.nameColumn} IS NOT NULL`, `(${h.timeColumn} < ? OR ${h.timeColumn} > ?)`, h.where ?? '1'];
  const params: SqlValue[] = [span.lo, span.hi];
  if (range.from !== undefined) (where.push(`${h.timeColumn} * 1000 >= ?`), params.push(range.from * 1000));
  if (range.to !== undefined) (where.push(`${h.timeColumn} * 1000 < ?`), params.push(range.to * 1000));
  return queryRows<{ n: string; c: number; e: number | null }>(
    db,
    `SELECT ${h.nameColumn} AS n, count(*) AS c, sum(CASE WHEN ${h.errorSql} THEN 1 ELSE 0 END) AS e FROM ${h.table} WHERE ${where.join(' AND ')} GROUP BY ${h.nameColumn}`,
    params,
  ).map((r) => ({ name: String(r.n), calls: num(r.c), errors: num(r.e) }));
}

/** Seconds a hook row may lie in to match one of `calls` (reconcileCalls' window, rounded outwards); empty when there are none. */
function matchSpan(calls: TranscriptCall[]): { lo: number; hi: number } {
  if (!calls.length) return { lo: 1, hi: 0 };
  let lo = Infinity;
  let hi = -Infinity;
  for (const c of calls) (lo = Math.min(lo, c.startMs)), (hi = Math.max(hi, c.endMs));
  return { lo: Math.floor((lo - TOLERANCE_MS - 1000) / 1000), hi: Math.ceil((hi + TOLERANCE_MS) / 1000) };
}

/** Calls from both sources, each once: reconciled where they can match, counted in SQL where they cannot. */
function callsOnce(db: Database, range: TimeRange, transcript: TranscriptCall[], hook: HookSource): ReconciledCalls {
  const span = matchSpan(transcript);
  return summarise(reconcileCalls(transcript, hookCalls(db, range, hook, span)), range, hookOnlyCounts(db, range, hook, span));
}

const hasRows = (db: Database, table: string) => tableExists(db, table) && queryRows(db, `SELECT 1 FROM ${table} LIMIT 1`).length > 0;

function summarise(calls: ReconciledCall[], range: TimeRange, hookOnly: { name: string; calls: number; errors: number }[] = []): ReconciledCalls {
  const rows = new Map<string, CallSourceCounts & { name: string; errors: number }>();
  const totals: CallSourceCounts = { calls: 0, transcript: 0, hook: 0, both: 0 };
  for (const x of hookOnly) {
    const r = rows.get(x.name) ?? { name: x.name, calls: 0, transcript: 0, hook: 0, both: 0, errors: 0 };
    rows.set(x.name, r);
    r.calls += x.calls;
    r.hook += x.calls;
    r.errors += x.errors;
    totals.calls += x.calls;
    totals.hook += x.calls;
  }
  for (const c of calls) {
    if (!inRange(range, c.atMs)) continue;
    const r = rows.get(c.name) ?? { name: c.name, calls: 0, transcript: 0, hook: 0, both: 0, errors: 0 };
    rows.set(c.name, r);
    r.calls++;
    r[c.source]++;
    if (c.isError) r.errors++;
    totals.calls++;
    totals[c.source]++;
  }
  return {
    rows: [...rows.values()]
      .map((r) => ({ ...r, errorRatePercent: percent(r.errors, r.calls) }))
      .sort((a, b) => b.calls - a.calls || (a.name < b.name ? -1 : 1)),
    totals,
  };
}

/**
 * Tool calls in the range, each once: the transcripts' and the post-tool hook's (tool_events).
 * Undefined when no transcript was imported (the tab shows the hook's as before).
 */
export function claudeCodeToolCalls(db: Database, range: TimeRange): ReconciledCalls | undefined {
  if (!hasRows(db, 'claude_code_tool_calls')) return undefined;
  const transcript = transcriptCalls(db, range, '1', 'tool');
  return callsOnce(db, range, transcript, { table: 'tool_events', nameColumn: 'tool', timeColumn: 'timestamp', errorSql: 'CASE WHEN success IS NULL THEN NULL ELSE success = 0 END' });
}

/** The skill a `Skill` tool call loaded: its input summary is `skill: <name>` (or the bare name). */
const SKILL_NAME_SQL = `CASE WHEN input_summary LIKE 'skill: %' THEN substr(input_summary, 8) ELSE COALESCE(input_summary, '') END`;

/** `Skill` tool calls in the range, each once: the transcripts' and the skill tracker's (skill_invocation). */
export function claudeCodeSkillCalls(db: Database, range: TimeRange): ReconciledCalls | undefined {
  if (!hasRows(db, 'claude_code_tool_calls')) return undefined;
  const transcript = transcriptCalls(db, range, "tool = 'Skill'", SKILL_NAME_SQL);
  return callsOnce(db, range, transcript, { table: 'skill_invocation', nameColumn: 'skill_name', timeColumn: 'invoked_at', errorSql: "CASE WHEN error_type IS NOT NULL AND error_type <> '' THEN 1 ELSE NULL END" });
}

/** Whether a router's prediction ('sonnet', 'claude-opus-4-5') names the model a response used. */
export function predictionMatches(predicted: string, used: string): boolean {
  const p = modelKey(predicted);
  const u = modelKey(used);
  return p === u || u.split('-').includes(p) || u.startsWith(p + '-');
}

/**
 * Per router decision in the range: the model of the first main-chain response that started
 * within 2 minutes after it (the response it routed), beside the prediction.
 */
export function claudeCodeRouting(db: Database, range: TimeRange): ClaudeCodeRoutingData | undefined {
  if (!hasRows(db, 'claude_code_responses') || !tableExists(db, 'routing_metrics_events')) return undefined;
  const rangeWhere: string[] = ['predicted_model IS NOT NULL'];
  const rangeArgs: SqlValue[] = [];
  if (range.from !== undefined) (rangeWhere.push('timestamp >= ?'), rangeArgs.push(Math.floor(range.from)));
  if (range.to !== undefined) (rangeWhere.push('timestamp < ?'), rangeArgs.push(Math.ceil(range.to)));
  // the responses that can follow a decision in the range, in start order
  const lo = range.from === undefined ? -8.64e15 : Math.floor(range.from) * 1000;
  const hi = range.to === undefined ? 8.64e15 : Math.ceil(range.to) * 1000 + ROUTING_WINDOW_MS;
  const responses = queryRows<{ t: number; m: string }>(
    db,
    'SELECT ts_ms AS t, model AS m FROM claude_code_responses WHERE ts_ms >= ? AND ts_ms < ? AND is_sidechain = 0 AND model IS NOT NULL ORDER BY ts_ms, rowid',
    [lo, hi],
  ).map((r) => ({ t: num(r.t), m: String(r.m) }));
  // only decisions up to a window before a response can match one; the others are counted in SQL
  const span = responses.length ? { lo: Math.floor((responses[0].t - ROUTING_WINDOW_MS) / 1000), hi: Math.ceil(responses[responses.length - 1].t / 1000) } : { lo: 1, hi: 0 };
  const decisions = queryRows<{ t: number; p: string }>(
    db,
    `SELECT timestamp AS t, predicted_model AS p FROM routing_metrics_events WHERE ${rangeWhere.join(' AND ')} AND timestamp >= ? AND timestamp <= ? ORDER BY timestamp`,
    [...rangeArgs, span.lo, span.hi],
  );
  const pairs = new Map<string, { predicted: string; used: string | null; count: number }>();
  const count = (predicted: string, used: string | null, n: number) => {
    const key = `${predicted}\u0000${used ?? ''}`;
    const row = pairs.get(key) ?? { predicted, used, count: 0 };
    row.count += n;
    pairs.set(key, row);
  };
  let matched = 0;
  let agreed = 0;
  let next = 0;
  for (const d of decisions) {
    const at = num(d.t) * 1000;
    while (next < responses.length && responses[next].t < at) next++;
    const used = next < responses.length && responses[next].t < at + ROUTING_WINDOW_MS ? responses[next].m : null;
    const predicted = String(d.p);
    count(predicted, used, 1);
    if (used !== null) {
      matched++;
      if (predictionMatches(predicted, used)) agreed++;
    }
  }
  let unmatched = 0;
  for (const r of queryRows<{ p: string; n: number }>(
    db,
    `SELECT predicted_model AS p, count(*) AS n FROM routing_metrics_events WHERE ${rangeWhere.join(' AND ')} AND (timestamp IS NULL OR timestamp < ? OR timestamp > ?) GROUP BY predicted_model`,
    [...rangeArgs, span.lo, span.hi],
  )) {
    count(String(r.p), null, num(r.n));
    unmatched += num(r.n);
  }
  return {
    decisions: decisions.length + unmatched,
    matched,
    agreed,
    agreementPercent: percent(agreed, matched),
    pairs: [...pairs.values()].map((p) => ({ ...p, agrees: p.used === null ? null : predictionMatches(p.predicted, p.used) })).sort((a, b) => b.count - a.count || (a.predicted < b.predicted ? -1 : 1)),
    windowSeconds: ROUTING_WINDOW_MS / 1000,
  };
}

