/**
 * What a dashboard drill-down may ask for, and where its rows live. The page sends a
 * `RowsTarget` (a kind of event and the values its chart showed) or hands back a key the
 * host minted; this module is the one place that turns either into an event table and
 * column filters — so no table or column name ever comes from the page, and a new chart's
 * drill-down is a field here, not SQL in a view.
 */
import { dayKeyBounds, resolveTimeZone } from '../time/dayBuckets';
import type { RowsKind, RowsTarget, DrillWindow } from './types';

export class DrillDownError extends Error {}

type TableKind = Exclude<RowsKind, 'keyed'>;
type FieldsOf<K extends TableKind> = Exclude<keyof Extract<RowsTarget, { kind: K }>, 'kind'>;

/**
 * Per drill kind: its event table, and which column each of the target's fields filters.
 * The type makes every field of every kind appear here exactly once.
 */
export const DRILL_TABLES: { readonly [K in TableKind]: { readonly table: string; readonly fields: { readonly [F in FieldsOf<K>]-?: string } } } = {
  routing: { table: 'routing_metrics_events', fields: { predictedModel: 'predicted_model', actualModel: 'actual_model' } },
  expertiseRouting: { table: 'expertise_routing_events', fields: { domain: 'domain' } },
  selfHeal: { table: 'self_heal_events', fields: { errorPattern: 'error_pattern', fixed: 'success' } },
  recovery: { table: 'recovery_events', fields: { errorType: 'error_type', strategy: 'recovery_strategy', recovered: 'success' } },
  skills: { table: 'skill_invocation', fields: { skill: 'skill_name', completed: 'completed', errorType: 'error_type', workflow: 'workflow_path', session: 'session_id' } },
  sessions: { table: 'session_outcome_events', fields: { outcome: 'outcome' } },
  toolCalls: { table: 'tool_events', fields: { tool: 'tool', success: 'success' } },
  git: { table: 'git_events', fields: { repo: 'repo' } },
  coordinator: { table: 'coordinator_events', fields: {} },
  activity: { table: 'activity_events', fields: { eventType: 'event_type' } },
};

// ---------------------------------------------------------------- host-minted keys

/**
 * What a minted key can stand for: a data source's newest rows, Claude Code's rows of one
 * session / tool / model, or one event table's rows with equality filters (a spec tab's chart
 * or table row: src/core/dashboard/tabs/).
 */
export const KEYED_KINDS = ['table', 'ccSession', 'ccTool', 'ccModel', 'rows'] as const;
export type KeyedKind = (typeof KEYED_KINDS)[number];

/** An opaque key for the rows behind one item of a payload; the page hands it back unread. */
export function mintDrillKey(kind: KeyedKind, value: string): string {
  return 'dk.' + Buffer.from(JSON.stringify([kind, value]), 'utf8').toString('base64url');
}

/** Equality filters of a `rows` key: column → value (null: IS NULL). */
export type RowsFilters = Record<string, string | number | null>;

/**
 * A key for the rows of `table` whose columns equal `filters` (the listing checks both against
 * the database and quotes them, as for every target: a forged key reaches no other SQL).
 */
export function mintRowsKey(table: string, filters: RowsFilters = {}): string {
  return mintDrillKey('rows', JSON.stringify([table, filters]));
}

function decodeRows(value: string): { table: string; filters: RowsFilters } {
  const bad = () => new DrillDownError('unknown drill-down key');
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'object' || parsed[1] === null || Array.isArray(parsed[1])) throw bad();
  const filters: RowsFilters = {};
  for (const [column, v] of Object.entries(parsed[1] as Record<string, unknown>)) {
    if (v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) filters[column] = v;
    else throw bad();
  }
  return { table: parsed[0], filters };
}

function decodeDrillKey(key: unknown): { kind: KeyedKind; value: string } {
  const bad = () => new DrillDownError('unknown drill-down key');
  if (typeof key !== 'string' || !key.startsWith('dk.') || key.length > 4096) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(key.slice(3), 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[1] !== 'string' || !(KEYED_KINDS as readonly unknown[]).includes(parsed[0])) throw bad();
  return { kind: parsed[0] as KeyedKind, value: parsed[1] };
}

// ---------------------------------------------------------------- resolution

export type ResolvedDrill =
  | { source: 'events'; table: string; filters: Record<string, string | number | null> }
  | { source: 'claudeCode'; kind: 'session' | 'tool' | 'model'; value: string };

/**
 * The rows a target stands for. The target comes from a webview message, so everything is
 * checked: a known kind, only its own fields, scalar values (booleans become SQLite's 1/0).
 */
export function resolveDrillTarget(target: RowsTarget): ResolvedDrill {
  if (typeof target !== 'object' || target === null) throw new DrillDownError('no drill-down target');
  if (target.kind === 'keyed') {
    const { kind, value } = decodeDrillKey(target.key);
    if (kind === 'table') return { source: 'events', table: value, filters: {} };
    if (kind === 'rows') return { source: 'events', ...decodeRows(value) };
    return { source: 'claudeCode', kind: kind === 'ccSession' ? 'session' : kind === 'ccTool' ? 'tool' : 'model', value };
  }
  if (typeof target.kind !== 'string' || !Object.hasOwn(DRILL_TABLES, target.kind)) throw new DrillDownError(`unknown drill-down kind: ${String(target.kind).slice(0, 40)}`);
  const spec = DRILL_TABLES[target.kind];
  const fields = spec.fields as Record<string, string>;
  const filters: Record<string, string | number | null> = {};
  for (const [field, value] of Object.entries(target)) {
    if (field === 'kind' || value === undefined) continue;
    if (!Object.hasOwn(fields, field)) throw new DrillDownError(`unknown field ${field.slice(0, 40)} for ${target.kind}`);
    if (value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value))) filters[fields[field]] = value;
    else if (typeof value === 'boolean') filters[fields[field]] = value ? 1 : 0;
    else throw new DrillDownError(`bad value for ${field}`);
  }
  return { source: 'events', table: spec.table, filters };
}

/** The time bounds (range ∩ day) and the page of a drill-down; the one rule every listing uses. */
export function drillWindow(request: DrillWindow): { from?: number; to?: number; limit: number; offset: number } {
  let from = request.range?.from;
  let to = request.range?.to;
  if (request.day) {
    const bounds = dayKeyBounds(request.day, resolveTimeZone(request.timeZone));
    from = from === undefined ? bounds.from : Math.max(from, bounds.from);
    to = to === undefined ? bounds.to : Math.min(to, bounds.to);
  }
  const limit = Number.isFinite(request.limit) ? Math.max(1, Math.min(1000, Math.floor(request.limit!))) : 100;
  const offset = Number.isFinite(request.offset) ? Math.max(0, Math.floor(request.offset!)) : 0;
  return { from, to, limit, offset };
}
