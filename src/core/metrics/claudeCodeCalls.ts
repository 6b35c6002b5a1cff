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

function hookCalls(db: Database, range: TimeRange, table: string, nameColumn: string, timeColumn: string, errorSql: string, where = '1'): HookCall[] {
  if (!tableExists(db, table)) return [];
  const hasSession = tableColumns(db, table).includes('session_id');
  const { lo, hi } = rangeParams(range, 60_000);
  return queryRows<{ n: string; s: string | null; t: number; e: number | null }>(
    db,
    `SELECT ${nameColumn} AS n, ${hasSession ? 'session_id' : 'NULL'} AS s, ${timeColumn} AS t, ${errorSql} AS e FROM ${table}
     WHERE ${nameColumn} IS NOT NULL AND ${timeColumn} >= ? AND ${timeColumn} < ? AND ${where}`,
    [Math.floor(lo / 1000), Math.ceil(hi / 1000)] as SqlValue[],
  ).map((r) => ({ name: String(r.n), sessionId: strOrNull(r.s), atMs: num(r.t) * 1000, isError: r.e === null ? null : num(r.e) === 1 }));
}

function summarise(calls: ReconciledCall[], range: TimeRange): ReconciledCalls {
  const rows = new Map<string, CallSourceCounts & { name: string; errors: number }>();
  const totals: CallSourceCounts = { calls: 0, transcript: 0, hook: 0, both: 0 };
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
 * Undefined when the database has no Claude Code tables (the tab shows the hook's as before).
 */
export function claudeCodeToolCalls(db: Database, range: TimeRange): ReconciledCalls | undefined {
  if (!tableExists(db, 'claude_code_tool_calls')) return undefined;
  const transcript = transcriptCalls(db, range, '1', 'tool');
  const hooks = hookCalls(db, range, 'tool_events', 'tool', 'timestamp', 'CASE WHEN success IS NULL THEN NULL ELSE success = 0 END');
  return summarise(reconcileCalls(transcript, hooks), range);
}

/** The skill a `Skill` tool call loaded: its input summary is `skill: <name>` (or the bare name). */
const SKILL_NAME_SQL = `CASE WHEN input_summary LIKE 'skill: %' THEN substr(input_summary, 8) ELSE COALESCE(input_summary, '') END`;

/** `Skill` tool calls in the range, each once: the transcripts' and the skill tracker's (skill_invocation). */
export function claudeCodeSkillCalls(db: Database, range: TimeRange): ReconciledCalls | undefined {
  if (!tableExists(db, 'claude_code_tool_calls')) return undefined;
  const transcript = transcriptCalls(db, range, "tool = 'Skill'", SKILL_NAME_SQL);
  const hooks = hookCalls(db, range, 'skill_invocation', 'skill_name', 'invoked_at', "CASE WHEN error_type IS NOT NULL AND error_type <> '' THEN 1 ELSE NULL END");
  return summarise(reconcileCalls(transcript, hooks), range);
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
  if (!tableExists(db, 'claude_code_responses') || !tableExists(db, 'routing_metrics_events')) return undefined;
  const where: string[] = ['predicted_model IS NOT NULL'];
  const params: SqlValue[] = [];
  if (range.from !== undefined) (where.push('timestamp >= ?'), params.push(Math.floor(range.from)));
  if (range.to !== undefined) (where.push('timestamp < ?'), params.push(Math.ceil(range.to)));
  const decisions = queryRows<{ t: number; p: string }>(db, `SELECT timestamp AS t, predicted_model AS p FROM routing_metrics_events WHERE ${where.join(' AND ')} ORDER BY timestamp`, params);
  const pairs = new Map<string, { predicted: string; used: string | null; count: number }>();
  let matched = 0;
  let agreed = 0;
  const next = db.prepare('SELECT model FROM claude_code_responses WHERE ts_ms >= ? AND ts_ms < ? AND is_sidechain = 0 AND model IS NOT NULL ORDER BY ts_ms LIMIT 1');
  try {
    for (const d of decisions) {
      const at = num(d.t) * 1000;
      next.bind([at, at + ROUTING_WINDOW_MS]);
      const used = next.step() ? String(next.get()[0]) : null;
      next.reset();
      const predicted = String(d.p);
      const key = `${predicted}\u0000${used ?? ''}`;
      const row = pairs.get(key) ?? { predicted, used, count: 0 };
      row.count++;
      pairs.set(key, row);
      if (used !== null) {
        matched++;
        if (predictionMatches(predicted, used)) agreed++;
      }
    }
  } finally {
    next.free();
  }
  return {
    decisions: decisions.length,
    matched,
    agreed,
    agreementPercent: percent(agreed, matched),
    pairs: [...pairs.values()].map((p) => ({ ...p, agrees: p.used === null ? null : predictionMatches(p.predicted, p.used) })).sort((a, b) => b.count - a.count || (a.predicted < b.predicted ? -1 : 1)),
    windowSeconds: ROUTING_WINDOW_MS / 1000,
  };
}

