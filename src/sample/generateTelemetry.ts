/**
 * Deterministic sample telemetry, laid out like a real `~/.claude` folder.
 *
 *   import { generateTelemetry } from '../src/sample/generateTelemetry';
 *   const corpus = generateTelemetry({ outDir: '/tmp/x', eventsPerSource: 200, seed: 7, now: Date.parse('2026-01-28T12:00:00Z') });
 *   corpus.root            // '/tmp/x/.claude' — pass it to `migrate`/`audit`, or to telemetryLens.sources
 *   corpus.files[i]        // { path, kind, table, freshness, lines, rows, blank, rejected: {json, timestamp, success},
 *                          //   pending, pendingRest (append it to finish the half-written line), bytes, first/lastEventMs }
 *   corpus.tables          // expected rows per table after one migrate (all files together)
 * More: appendTelemetryLines (live appends, appendTelemetry.ts), writeBigRoutingMetrics (1M-line
 * benchmark file, bigRoutingMetrics.ts); CLI: `npm run sample -- --out DIR --events N`.
 *
 * Every shape of docs/telemetry-formats.md is written, with its messy cases: two shapes
 * per file, every timestamp form (s, float s, ms, numeric string, ISO Z/offset/zone-less, git %ci,
 * date only), camelCase keys, booleans as strings and 1/0, a BOM, CRLF line ends, a git message cut
 * inside a UTF-8 character, a git message ending in a lone backslash (a `json` reject), a bad
 * timestamp (a `timestamp` reject), a self-heal line with no outcome (a `success` reject), blank
 * lines, a genuine duplicate event, a half-written last line (pending), rotated siblings, an
 * unknown `*.jsonl` (inferred table), the `skill_metrics.json` document and a non-telemetry
 * `settings.json` that must be ignored. Each file's mtime is its last event's time.
 *
 * Counts follow the ingest reconciliation: `lines` = rows + blank + all rejects + pending (the
 * half-written tail counts as a line, pending). For skill_metrics.json, lines = rows = invocations. The same
 * options always give byte-identical files. Zone-less timestamps are UTC wall-clock times.
 * Freshness: each source's last event is `now` minus a few minutes (live), 3 days (stale) or
 * 45 days (frozen), so a status summary comes out mixed; a rotated sibling carries its stream's
 * freshness (its own events end two weeks earlier).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Prng } from './prng';
import type { RejectReason } from './messyLines';
export type { RejectReason } from './messyLines';
import * as r from './records';
import { SampleRecord } from './records';
import { gitSpecials, json, selfHealSpecials, toolUsageSpecials, type SpecialLine } from './messyLines';

export type Freshness = 'live' | 'stale' | 'frozen';

export interface GenerateOptions {
  /** Folder that receives `.claude/` (created if missing). */
  outDir: string;
  /** Ordinary events per source file (default 200; rotated siblings get half). Messy extras come on top. */
  eventsPerSource?: number;
  /** PRNG seed (default 42). */
  seed?: number;
  /** The instant freshness is relative to (epoch ms or Date; default the real now). */
  now?: number | Date;
}

export interface GeneratedFile {
  path: string;
  kind: string;
  table: string;
  freshness: Freshness;
  lines: number;
  rows: number;
  blank: number;
  rejected: Record<RejectReason, number>;
  pending: number;
  /** The bytes that complete the half-written last line (append them to finish the write), when pending. */
  pendingRest?: string;
  bytes: number;
  firstEventMs: number;
  lastEventMs: number;
}

export interface GeneratedCorpus {
  root: string;
  nowMs: number;
  files: GeneratedFile[];
  tables: Record<string, number>;
  /** Files present in the folder that are not telemetry (must be ignored by discovery). */
  ignored: string[];
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const LAST_EVENT_AGE: Record<Freshness, number> = { live: 2 * MINUTE, stale: 3 * DAY, frozen: 45 * DAY };

interface FileSpec {
  rel: string;
  kind: string;
  table: string;
  freshness: Freshness;
  build: r.RecordBuilder;
  events: number;
  /** Span of event time covered by the file, ending at its last event. */
  spanMs: number;
  /** Shift the whole file earlier (rotated siblings hold older events). */
  olderByMs?: number;
  bom?: boolean;
  crlf?: boolean;
  pendingTail?: boolean;
  specials?: (rng: Prng, times: number[]) => SpecialLine[];
}

function fileSpecs(n: number): FileSpec[] {
  const half = Math.max(2, Math.floor(n / 2));
  const d = '.claude/data';
  return [
    { rel: `${d}/routing-metrics.jsonl`, kind: 'routing-metrics', table: 'routing_metrics_events', freshness: 'live', build: r.routingMetrics, events: n, spanMs: 14 * DAY },
    { rel: `${d}/routing-metrics.jsonl.1`, kind: 'routing-metrics', table: 'routing_metrics_events', freshness: 'live', build: r.routingMetrics, events: half, spanMs: 14 * DAY, olderByMs: 15 * DAY },
    { rel: `${d}/self-heal-outcomes.jsonl`, kind: 'self-heal-outcomes', table: 'self_heal_events', freshness: 'stale', build: r.selfHeal, events: n, spanMs: 20 * DAY, specials: selfHealSpecials },
    { rel: `${d}/recovery-outcomes.jsonl`, kind: 'recovery-outcomes', table: 'recovery_events', freshness: 'frozen', build: r.recovery, events: n, spanMs: 30 * DAY },
    { rel: `${d}/git-activity.jsonl`, kind: 'git-activity', table: 'git_events', freshness: 'live', build: r.gitActivity, events: n, spanMs: 10 * DAY, specials: gitSpecials },
    { rel: `${d}/coordination-log.jsonl`, kind: 'coordination-log', table: 'coordinator_events', freshness: 'stale', build: r.coordination, events: n, spanMs: 10 * DAY, crlf: true },
    { rel: `${d}/expertise-routing.jsonl`, kind: 'expertise-routing', table: 'expertise_routing_events', freshness: 'frozen', build: r.expertiseRouting, events: n, spanMs: 20 * DAY },
    { rel: `${d}/tool-usage.jsonl`, kind: 'tool-usage', table: 'tool_events', freshness: 'live', build: r.toolUsage, events: n, spanMs: 7 * DAY, specials: toolUsageSpecials },
    { rel: `${d}/tool-usage-2026-01-28.jsonl`, kind: 'tool-usage', table: 'tool_events', freshness: 'live', build: r.toolUsage, events: half, spanMs: 7 * DAY, olderByMs: 8 * DAY },
    { rel: `${d}/tool-success.jsonl`, kind: 'tool-success', table: 'tool_events', freshness: 'stale', build: r.toolSuccess, events: n, spanMs: 7 * DAY, bom: true },
    { rel: `${d}/activity-events.jsonl`, kind: 'activity-events', table: 'activity_events', freshness: 'live', build: r.activity, events: n, spanMs: 3 * DAY, pendingTail: true },
    { rel: `${d}/session-outcomes.jsonl`, kind: 'session-outcomes', table: 'session_outcome_events', freshness: 'stale', build: r.sessionOutcomes, events: n, spanMs: 20 * DAY },
    { rel: `${d}/skill-invocations.jsonl`, kind: 'skill-invocations', table: 'skill_invocation', freshness: 'frozen', build: r.skillInvocationLine, events: n, spanMs: 30 * DAY },
    { rel: `.claude/logs/permission_events.jsonl`, kind: 'inferred', table: 'permission_events', freshness: 'live', build: r.permissionEvent, events: n, spanMs: 5 * DAY },
  ];
}

/** Event instants for one file: spread over the span, slightly jittered, strictly the last at `lastMs`. */
function eventTimes(rng: Prng, count: number, lastMs: number, spanMs: number): number[] {
  const step = spanMs / Math.max(1, count - 1);
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const jitter = i === count - 1 ? 0 : Math.floor(rng.next() * step * 0.5);
    times.push(Math.floor(lastMs - spanMs + i * step + jitter));
  }
  return times;
}

function emptyRejects(): Record<RejectReason, number> {
  return { json: 0, timestamp: 0, success: 0 };
}

function writeJsonlFile(root: string, spec: FileSpec, rng: Prng, nowMs: number): GeneratedFile {
  const lastMs = nowMs - LAST_EVENT_AGE[spec.freshness] - (spec.olderByMs ?? 0);
  const times = eventTimes(rng, spec.events, lastMs, spec.spanMs);
  const specials = spec.specials?.(rng, times) ?? [];
  const eol = Buffer.from(spec.crlf ? '\r\n' : '\n');
  const parts: Buffer[] = spec.bom ? [Buffer.from([0xef, 0xbb, 0xbf])] : [];
  const out: GeneratedFile = { path: path.join(root, spec.rel), kind: spec.kind, table: spec.table, freshness: spec.freshness, lines: 0, rows: 0, blank: 0, rejected: emptyRejects(), pending: 0, bytes: 0, firstEventMs: times[0], lastEventMs: times[times.length - 1] };
  const emit = (bytes: Buffer, effect: SpecialLine['effect']): void => {
    parts.push(bytes, eol);
    out.lines++;
    if (effect === 'row') out.rows++;
    else if (effect === 'blank') out.blank++;
    else out.rejected[effect]++;
  };
  times.forEach((t, i) => {
    for (const s of specials) if (s.at === i) emit(s.bytes, s.effect);
    emit(json(spec.build(rng, t, i)), 'row');
  });
  if (spec.pendingTail) {
    // the writer is mid-line: no newline and the JSON is cut
    const next = json(spec.build(rng, nowMs - MINUTE / 2, times.length));
    const cut = Math.floor(next.length / 2);
    parts.push(next.subarray(0, cut));
    out.pendingRest = next.subarray(cut).toString('utf8') + (spec.crlf ? '\r\n' : '\n');
    out.pending = 1;
    out.lines++;
  }
  const body = Buffer.concat(parts);
  writeWithMtime(out.path, body, out.lastEventMs);
  out.bytes = body.length;
  return out;
}

function writeSkillMetricsDocument(root: string, rng: Prng, n: number, nowMs: number): GeneratedFile {
  const lastMs = nowMs - LAST_EVENT_AGE.live;
  const times = eventTimes(rng, n, lastMs, 30 * DAY);
  const invocations = times.map((t, i) => r.skillInvocation(rng, t, i));
  // the writer's own totals (not imported; verify compares them with the derived skill_metrics)
  const skills: Record<string, SampleRecord> = {};
  for (const inv of invocations) {
    const name = String(inv.skill_name);
    const s = (skills[name] ??= { total_invocations: 0, completed_invocations: 0, abandoned_invocations: 0, total_duration_seconds: 0 }) as Record<string, number>;
    s.total_invocations++;
    if (inv.completed) {
      s.completed_invocations++;
      s.total_duration_seconds = Math.round((s.total_duration_seconds + Number(inv.duration_seconds)) * 10) / 10;
    } else s.abandoned_invocations++;
  }
  const doc = { invocations, skills, last_updated: new Date(lastMs).toISOString() };
  const file = path.join(root, '.claude/data/skill_metrics.json');
  const body = Buffer.from(JSON.stringify(doc, null, 2) + '\n', 'utf8');
  writeWithMtime(file, body, lastMs);
  return { path: file, kind: 'skill-metrics', table: 'skill_invocation', freshness: 'live', lines: n, rows: n, blank: 0, rejected: emptyRejects(), pending: 0, bytes: body.length, firstEventMs: times[0], lastEventMs: lastMs };
}

function writeWithMtime(file: string, body: Buffer, mtimeMs: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
  fs.utimesSync(file, new Date(mtimeMs), new Date(mtimeMs));
}

export function generateTelemetry(options: GenerateOptions): GeneratedCorpus {
  const n = Math.max(8, Math.floor(options.eventsPerSource ?? 200));
  const nowMs = options.now === undefined ? Date.now() : Number(options.now);
  const rng = new Prng(options.seed ?? 42);
  const outDir = path.resolve(options.outDir);
  const files = fileSpecs(n).map((spec) => writeJsonlFile(outDir, spec, rng, nowMs));
  files.push(writeSkillMetricsDocument(outDir, rng, n, nowMs));
  const settings = path.join(outDir, '.claude/settings.json');
  fs.writeFileSync(settings, JSON.stringify({ hooks: { PostToolUse: [{ matcher: '*', command: '~/.claude/hooks/log-tool.sh' }] } }, null, 2) + '\n');
  const tables: Record<string, number> = {};
  for (const f of files) tables[f.table] = (tables[f.table] ?? 0) + f.rows;
  return { root: path.join(outDir, '.claude'), nowMs, files, tables, ignored: [settings] };
}
