/**
 * The source catalogue: every known file of telemetry-formats.md with its table, field
 * aliases, value types and per-shape rules. `mapKnownRecord` turns one parsed JSON object into
 * the table's row + `extra`, or a reject reason.
 */
import type { RejectReason } from './types';
import { parseTimestamp } from './timestamps';
import { convertValue, putOwn, toBool, toNumber, type ColumnType } from './values';

export interface ColumnSpec {
  column: string;
  /** Field names in priority order: the first present (non-null) one wins. */
  from: string[];
  type: ColumnType;
  /** NOT NULL without a rule: a line lacking it is rejected with reason `required`. */
  required?: boolean;
  /** Value when no alias is present (applied before `derive`). */
  default?: string | number;
  /**
   * Other table columns that hold this value in tables the users' programs write (their hook
   * library's name for it): read as this column, and written too when the table has them
   * (docs/writer-contract.md). `tool_events.tool_name` is the tool.
   */
  tableAliases?: string[];
}

export interface KnownSource {
  kind: string;
  table: string;
  /** Lower-case file names (without rotation suffix). */
  files: string[];
  format: 'jsonl' | 'json-document';
  columns: ColumnSpec[];
  /** Table column holding the event time (for rollups, audit first/last). */
  timeColumn: string;
  /** Shape-specific rules after the alias mapping; returns a reject reason or undefined. */
  derive?: (row: Row, rec: Record<string, unknown>, used: UsedFields) => RejectReason | undefined;
  /**
   * Indexes of a table no built-in migration creates (a source added after V1): ingest creates
   * the table from `columns` (src/core/ingest/knownTables.ts) with these indexes, e.g.
   * `[['timestamp'], ['agent_id']]`. Default: the time column alone.
   */
  indexes?: string[][];
}

export type Row = Record<string, string | number | null>;

/** Which fields of a record a column took (a tiny array beats a Set for ~10 keys). */
export interface UsedFields {
  add(key: string): void;
}

const ts = (extra: string[] = []): ColumnSpec => ({ column: 'timestamp', from: ['timestamp', 'ts', ...extra], type: 'ts', required: true });
const text = (column: string, from: string[] = [column]): ColumnSpec => ({ column, from, type: 'text' });
const real = (column: string, from: string[] = [column]): ColumnSpec => ({ column, from, type: 'real' });
const int = (column: string, from: string[] = [column]): ColumnSpec => ({ column, from, type: 'int' });
const bool = (column: string, from: string[] = [column]): ColumnSpec => ({ column, from, type: 'bool' });

function has(rec: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(rec, key) && rec[key] !== null && rec[key] !== undefined;
}

export const KNOWN_SOURCES: KnownSource[] = [
  {
    kind: 'routing-metrics',
    table: 'routing_metrics_events',
    files: ['routing-metrics.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(),
      text('query_id', ['query_id', 'id', 'query_hash']),
      text('predicted_model', ['predicted_model', 'predicted', 'model']),
      text('actual_model', ['actual_model', 'actual']),
      real('dq_score', ['dq_score', 'dq', 'dqScore']),
      real('complexity'),
      bool('accuracy', ['accuracy', 'correct']),
      real('cost_saved', ['cost_saved', 'savings']),
      real('latency_ms'),
      text('reasoning'),
    ],
    derive: (row) => {
      if ((row.accuracy === null || row.accuracy === undefined) && typeof row.predicted_model === 'string' && typeof row.actual_model === 'string') {
        row.accuracy = row.predicted_model === row.actual_model ? 1 : 0;
      }
      return undefined;
    },
  },
  {
    kind: 'self-heal-outcomes',
    table: 'self_heal_events',
    files: ['self-heal-outcomes.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(),
      { column: 'error_pattern', from: ['error_pattern', 'pattern'], type: 'text', default: 'unknown' },
      text('fix_applied', ['fix_applied', 'fix']),
      bool('success'),
      int('execution_time_ms', ['execution_time_ms', 'duration_ms']),
      text('error_message'),
      text('context'),
    ],
    derive: (row, rec, used) => {
      if (row.success === undefined || row.success === null) {
        const fixed = has(rec, 'fixed') ? toNumber(rec.fixed) : undefined;
        if (fixed === undefined) return 'success';
        row.success = fixed > 0 ? 1 : 0;
        used.add('fixed');
      }
      if ((row.error_message === undefined || row.error_message === null) && typeof rec.error === 'string') {
        row.error_message = rec.error;
        used.add('error');
      }
      return undefined;
    },
  },
  {
    kind: 'recovery-outcomes',
    table: 'recovery_events',
    files: ['recovery-outcomes.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(),
      { column: 'error_type', from: ['error_type', 'category'], type: 'text', default: 'unknown' },
      text('recovery_strategy', ['recovery_strategy', 'action']),
      { column: 'success', from: ['success'], type: 'bool', default: 0 },
      { column: 'attempts', from: ['attempts'], type: 'int', default: 1 },
      int('time_to_recover_ms', ['time_to_recover_ms', 'duration_ms']),
      text('error_details', ['error_details', 'details']),
    ],
  },
  {
    kind: 'git-activity',
    table: 'git_events',
    files: ['git-activity.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(['date']),
      { column: 'event_type', from: ['event_type', 'type'], type: 'text', default: 'commit' },
      text('repo'),
      text('branch'),
      text('commit_hash', ['commit_hash', 'hash']),
      text('message'),
      int('files_changed', ['files_changed', 'files']),
      int('additions', ['additions', 'insertions']),
      int('deletions'),
    ],
  },
  {
    kind: 'coordination-log',
    table: 'coordinator_events',
    files: ['coordination-log.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(),
      text('agent_id', ['agent_id', 'task_id']),
      { column: 'action', from: ['action', 'status'], type: 'text', required: true },
      text('strategy'),
      text('file_path'),
      text('result'),
      int('duration_ms'),
    ],
    derive: (row, rec, used) => {
      if ((row.duration_ms === undefined || row.duration_ms === null) && has(rec, 'duration_seconds')) {
        const s = toNumber(rec.duration_seconds);
        if (s !== undefined) {
          row.duration_ms = Math.round(s * 1000);
          used.add('duration_seconds');
        }
      }
      return undefined;
    },
  },
  {
    kind: 'expertise-routing',
    table: 'expertise_routing_events',
    files: ['expertise-routing.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(),
      { column: 'domain', from: ['domain', 'detected_domain'], type: 'text', required: true },
      real('expertise_level', ['expertise_level', 'expertise_confidence']),
      real('query_complexity', ['query_complexity', 'base_complexity']),
      text('chosen_model', ['chosen_model', 'final_model']),
      text('reasoning'),
    ],
  },
  {
    kind: 'tool-usage',
    table: 'tool_events',
    files: ['tool-usage.jsonl', 'tool-success.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(),
      { column: 'tool', from: ['tool', 'tool_name'], type: 'text', required: true, tableAliases: ['tool_name'] },
      text('session_id', ['session_id', 'session', 'sessionId']),
      text('model'),
      bool('success'),
      int('exit_code'),
      text('file_path'),
      text('command'),
    ],
  },
  {
    kind: 'activity-events',
    table: 'activity_events',
    files: ['activity-events.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(),
      { column: 'event_type', from: ['event_type', 'type'], type: 'text', required: true },
      text('tool'),
      text('model'),
      text('query'),
      text('session_id', ['session_id', 'session', 'sessionId']),
      bool('success'),
    ],
  },
  {
    kind: 'session-outcomes',
    table: 'session_outcome_events',
    files: ['session-outcomes.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(['date']),
      { column: 'session_id', from: ['session_id', 'session'], type: 'text', required: true },
      text('outcome'),
      real('quality'),
      real('complexity'),
      text('intent'),
      text('model', ['model', 'optimal_model']),
      int('messages_count', ['messages_count', 'messages']),
      real('duration_minutes'),
      real('cost_usd'),
      bool('success'),
      text('summary', ['summary', 'summary_text', 'title']),
    ],
    derive: (row) => {
      if ((row.success === undefined || row.success === null) && typeof row.outcome === 'string') row.success = row.outcome === 'success' ? 1 : 0;
      return undefined;
    },
  },
  {
    // seed 003's agent permission grants/revocations (its CREATE TABLE permission_events); a Claude
    // Code permission log of the same name (tool decisions, no agent_id) stays an inferred table
    kind: 'permission-events',
    table: 'permission_events',
    files: ['permission_events.jsonl'],
    format: 'jsonl',
    timeColumn: 'timestamp',
    columns: [
      ts(),
      { column: 'event_type', from: ['event_type', 'event'], type: 'text', required: true },
      { column: 'agent_id', from: ['agent_id'], type: 'text', required: true },
      text('permission_level'),
      text('granted_by'),
      real('confidence'),
      text('justification'),
      text('approval_signature'),
      text('metadata_json', ['metadata_json', 'metadata']),
    ],
    indexes: [['timestamp'], ['agent_id']],
  },
  {
    kind: 'skill-invocations',
    table: 'skill_invocation',
    files: ['skill-invocations.jsonl'],
    format: 'jsonl',
    timeColumn: 'invoked_at',
    columns: skillColumns(),
  },
  {
    kind: 'skill-metrics',
    table: 'skill_invocation',
    files: ['skill_metrics.json'],
    format: 'json-document',
    timeColumn: 'invoked_at',
    columns: skillColumns(),
  },
];

function skillColumns(): ColumnSpec[] {
  return [
    { column: 'skill_name', from: ['skill_name', 'skill'], type: 'text', required: true },
    { column: 'invoked_at', from: ['invoked_at', 'timestamp', 'ts'], type: 'ts', required: true },
    text('workflow_path'),
    { column: 'completed', from: ['completed'], type: 'bool', default: 0 },
    real('duration_seconds'),
    text('error_type'),
    text('session_id'),
    text('follow_up_actions'),
  ];
}

const BY_FILE = new Map<string, KnownSource>();
export const KNOWN_TABLES = new Set<string>();

/** Rebuilds the file and table lookups from KNOWN_SOURCES (at load; tests that change the list call it). */
export function reindexCatalogue(): void {
  BY_FILE.clear();
  KNOWN_TABLES.clear();
  for (const s of KNOWN_SOURCES) {
    for (const f of s.files) BY_FILE.set(f, s);
    KNOWN_TABLES.add(s.table);
  }
}
reindexCatalogue();

/**
 * Does a record have the catalogue's shape: every `required` column without a default finds
 * one of its fields (the time is not looked at: a bad time is a bad line, not another shape)?
 * Two programs can write files of the same name in different shapes (a Claude Code
 * `permission_events.jsonl` holds tool decisions, seed 003's holds agent grants): a stream whose
 * first record does not fit is imported as an inferred table instead (src/core/ingest/streamKinds.ts).
 */
export function fitsShape(src: KnownSource, rec: Record<string, unknown>): boolean {
  for (const c of src.columns) {
    if (!c.required || c.type === 'ts' || c.default !== undefined) continue;
    if (!c.from.some((a) => has(rec, a))) return false;
  }
  return true;
}

const ROTATED_NUMBER = /^(.*\.jsonl?)\.\d+$/i; // x.jsonl.1
const ROTATED_DATE_AFTER = /^(.*\.jsonl?)[-._](\d{4}-?\d{2}-?\d{2}(?:[T_-]?\d{2,6})?)$/i; // x.jsonl-20260128
const ROTATED_DATE_BEFORE = /^(.*?)[-._](\d{4}-?\d{2}-?\d{2}(?:[T_-]?\d{2,6})?)(\.jsonl?)$/i; // x-2026-01-28.jsonl

/** File name without its rotation suffix, lower-cased: `Tool-Usage-2026-01-28.jsonl` → `tool-usage.jsonl`. */
export function baseFileName(fileName: string): string {
  let n = fileName.toLowerCase();
  let m = ROTATED_NUMBER.exec(n);
  if (m) n = m[1];
  m = ROTATED_DATE_AFTER.exec(n);
  if (m) n = m[1];
  m = ROTATED_DATE_BEFORE.exec(n);
  if (m) n = m[1] + m[3];
  return n;
}

/** True for names discovery picks up in a folder: *.jsonl (+ rotated siblings) and known documents. */
export function isCandidateFileName(fileName: string): boolean {
  const base = baseFileName(fileName);
  return base.endsWith('.jsonl') || BY_FILE.has(base);
}

/** The catalogue entry for a file name, or undefined for an unknown *.jsonl (inferred). */
export function knownSourceFor(fileName: string): KnownSource | undefined {
  return BY_FILE.get(baseFileName(fileName));
}

export interface MappedRecord {
  row: Row;
  extra: Record<string, unknown> | null;
}

export interface MapFailure {
  reject: RejectReason;
  detail: string;
}

/** One parsed object → the table's row (every column, NULL when absent) + extra, or a reject. */
// reused by every call (not reentrant, and never returned): no per-record garbage for them
const usedKeys: string[] = [];
const used: UsedFields = { add: (k) => void usedKeys.push(k) };

export function mapKnownRecord(src: KnownSource, rec: Record<string, unknown>, tz: string): MappedRecord | MapFailure {
  const row: Row = {};
  usedKeys.length = 0;
  const columns = src.columns;
  for (let ci = 0; ci < columns.length; ci++) {
    const spec = columns[ci];
    let value: string | number | undefined;
    const from = spec.from;
    for (let ai = 0; ai < from.length; ai++) {
      const alias = from[ai];
      const raw = rec[alias];
      if (raw === undefined) {
        if (!Object.prototype.hasOwnProperty.call(rec, alias)) continue;
      }
      if (raw === null || raw === undefined) {
        usedKeys.push(alias); // an explicit null carries nothing beyond the NULL column
        continue;
      }
      if (spec.type === 'ts') {
        value = parseTimestamp(raw, tz);
        if (value === undefined) return { reject: 'timestamp', detail: `${alias}: ${JSON.stringify(raw).slice(0, 80)} is not a timestamp` };
      } else {
        value = convertValue(raw, spec.type);
      }
      if (value !== undefined) usedKeys.push(alias);
      break; // the first alias present wins, even when its value is unusable (it then stays in extra)
    }
    if (value === undefined && spec.default !== undefined) value = spec.default;
    row[spec.column] = value === undefined ? null : value;
  }
  const derived = src.derive?.(row, rec, used);
  if (derived) return { reject: derived, detail: derived === 'success' ? 'no success and no fixed field' : derived };
  for (let ci = 0; ci < columns.length; ci++) {
    const spec = columns[ci];
    if ((spec.required || spec.type === 'ts') && row[spec.column] === null) {
      return spec.type === 'ts'
        ? { reject: 'timestamp', detail: `no ${spec.from.join('/')} field` }
        : { reject: 'required', detail: `no ${spec.from.join('/')} field` };
    }
  }
  let extra: Record<string, unknown> | null = null;
  for (const key in rec) {
    if (usedKeys.includes(key)) continue;
    putOwn((extra ??= {}), key, rec[key]);
  }
  return { row, extra };
}

export { toBool };

/** Per known table: catalogue column → the users' column names for it (ColumnSpec.tableAliases). */
export function tableAliasesOf(table: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const src of KNOWN_SOURCES) {
    if (src.table !== table) continue;
    for (const c of src.columns) if (c.tableAliases?.length) out.set(c.column, c.tableAliases);
  }
  return out;
}
