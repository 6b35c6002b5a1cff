/**
 * Natural keys of dual-written events (docs/writer-contract.md "Dual-write"): how a JSONL line
 * is recognised as the backup copy of a row a program already wrote straight into the table.
 * Used by ingest (the line claims the row instead of inserting a second one) and by verify's
 * dual-read (which lines and rows are the same event, and where their fields disagree).
 * Rules: a match needs every key column held by both sides equal; columns both sides hold
 * must be equal (the key's `loose` columns excepted); the times within the key's window.
 * Several candidates: the ones within `toleranceSeconds` are preferred; if they still differ
 * from each other the match is ambiguous and nothing is merged (two genuine events stay two).
 */
import type { SqlValue } from '../db/database';

export interface NaturalKey {
  /** columns that identify the event when both sides hold them */
  key: string[];
  /** columns that must be held by both sides for any match */
  required: string[];
  /** seconds either side of the line's time searched when the key columns are held by both */
  keyWindowSeconds: number;
  /** seconds either side for a match on content (and to break ties) */
  toleranceSeconds: number;
  /** columns left out of the content comparison (a different identifier per writer) */
  loose: string[];
  /** one line for the docs and reports */
  description: string;
}

/** Default time tolerance: the router writes its backup line up to a second after the row. */
export const DEFAULT_TOLERANCE_SECONDS = 2;

export const NATURAL_KEYS: Record<string, NaturalKey> = {
  routing_metrics_events: {
    key: ['query_id'],
    required: [],
    keyWindowSeconds: 60,
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
    // the router's own line carries query_hash (mapped to query_id), the hook a query id of its own
    loose: ['query_id'],
    description: 'query_id equal within ±60 s; else (router-shape line with query_hash) time within ±2 s and every other column both hold equal',
  },
  git_events: {
    key: ['commit_hash', 'event_type'],
    required: [],
    keyWindowSeconds: 86400,
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
    loose: [],
    description: 'commit_hash + event_type (within a day); without a commit hash: time within ±2 s and every column both hold equal',
  },
  session_outcome_events: {
    key: ['session_id'],
    required: ['session_id'],
    keyWindowSeconds: 86400,
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
    loose: [],
    description: 'session_id (+ the record kind: several analyses of one session are told apart by time within ±2 s)',
  },
  tool_events: {
    key: [],
    required: ['tool'],
    keyWindowSeconds: DEFAULT_TOLERANCE_SECONDS,
    toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
    loose: [],
    description: 'time within ±2 s + tool + every column both hold equal',
  },
};

export const GENERIC_KEY: NaturalKey = {
  key: [],
  required: [],
  keyWindowSeconds: DEFAULT_TOLERANCE_SECONDS,
  toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
  loose: [],
  description: 'every column both hold equal and time within ±2 s',
};

export function naturalKeyFor(table: string): NaturalKey {
  return NATURAL_KEYS[table] ?? GENERIC_KEY;
}

export type Values = Record<string, SqlValue | undefined>;

export interface DirectRow {
  id: number;
  ts: number | null;
  values: Values;
}

export type MatchResult = { kind: 'match'; row: DirectRow; by: 'key' | 'content' } | { kind: 'ambiguous'; candidates: number } | { kind: 'none' };

function held(v: SqlValue | undefined): boolean {
  return v !== null && v !== undefined;
}

export function sameValue(a: SqlValue | undefined, b: SqlValue | undefined): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  if (typeof a === 'number' && typeof b === 'string') return String(a) === b;
  if (typeof a === 'string' && typeof b === 'number') return a === String(b);
  return a === b;
}

/** Columns both sides hold whose values differ (time and the key's loose columns not counted). */
export function disagreements(line: Values, row: Values, columns: readonly string[], skip: readonly string[]): { column: string; jsonl: SqlValue; database: SqlValue }[] {
  const out: { column: string; jsonl: SqlValue; database: SqlValue }[] = [];
  for (const c of columns) {
    if (skip.includes(c)) continue;
    const a = line[c];
    const b = row[c];
    if (held(a) && held(b) && !sameValue(a, b)) out.push({ column: c, jsonl: a as SqlValue, database: b as SqlValue });
  }
  return out;
}

/**
 * Rows another program wrote and no JSONL line claimed yet, searchable by time. `take()`
 * removes a claimed one so no row is claimed twice.
 */
export class DirectRowIndex {
  private readonly rows: DirectRow[];

  constructor(
    rows: DirectRow[],
    private readonly nk: NaturalKey,
    private readonly columns: readonly string[],
    private readonly timeColumn: string | null,
  ) {
    this.rows = [...rows].sort((a, b) => (a.ts ?? -Infinity) - (b.ts ?? -Infinity) || a.id - b.id);
  }

  get size(): number {
    return this.rows.length;
  }

  remaining(): readonly DirectRow[] {
    return this.rows;
  }

  private firstAtOrAfter(t: number): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.rows[mid].ts ?? -Infinity) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private compared(): string[] {
    return this.columns.filter((c) => c !== this.timeColumn);
  }

  match(line: Values): MatchResult {
    const nk = this.nk;
    const t = this.timeColumn ? line[this.timeColumn] : null;
    if (typeof t !== 'number' || !this.rows.length) return { kind: 'none' };
    if (nk.required.some((c) => !held(line[c]))) return { kind: 'none' };
    const window = Math.max(nk.keyWindowSeconds, nk.toleranceSeconds);
    const cols = this.compared();
    const found: { row: DirectRow; by: 'key' | 'content'; dt: number }[] = [];
    for (let i = this.firstAtOrAfter(t - window); i < this.rows.length; i++) {
      const r = this.rows[i];
      if (r.ts === null || r.ts > t + window) break;
      const dt = Math.abs(r.ts - t);
      if (nk.required.some((c) => !held(r.values[c]))) continue;
      const keyHeld = nk.key.length > 0 && nk.key.every((c) => held(line[c]) && held(r.values[c]));
      if (keyHeld && nk.key.every((c) => sameValue(line[c], r.values[c]))) {
        // the key says it is the same event; the other columns are compared by dual-read
        if (dt <= nk.keyWindowSeconds) found.push({ row: r, by: 'key', dt });
        continue;
      }
      if (dt > nk.toleranceSeconds) continue;
      const skip = nk.loose;
      let common = 0;
      let equal = true;
      for (const c of cols) {
        if (skip.includes(c)) continue;
        const a = line[c];
        const b = r.values[c];
        if (!held(a) || !held(b)) continue;
        common++;
        if (!sameValue(a, b)) {
          equal = false;
          break;
        }
      }
      // a key both hold that differs is a different event, unless the key is loose (routing's query_hash vs query_id)
      if (keyHeld && !nk.key.every((c) => nk.loose.includes(c))) continue;
      if (equal && common > 0) found.push({ row: r, by: 'content', dt });
    }
    if (found.length === 0) return { kind: 'none' };
    let pick = found;
    if (pick.length > 1) {
      const byKey = pick.filter((f) => f.by === 'key');
      if (byKey.length) pick = byKey;
    }
    if (pick.length > 1) {
      const near = pick.filter((f) => f.dt <= nk.toleranceSeconds);
      if (near.length) pick = near;
    }
    if (pick.length > 1) {
      // identical candidates are interchangeable (two genuine identical events): take the first
      const first = pick[0].row.values;
      const same = pick.every((f) => cols.every((c) => sameValue(f.row.values[c], first[c]) || (!held(f.row.values[c]) && !held(first[c]))) && f.row.ts === pick[0].row.ts);
      if (!same) return { kind: 'ambiguous', candidates: pick.length };
      pick = [pick.reduce((a, b) => (a.row.id < b.row.id ? a : b))];
    }
    return { kind: 'match', row: pick[0].row, by: pick[0].by };
  }

  take(row: DirectRow): void {
    const i = this.rows.indexOf(row);
    if (i >= 0) this.rows.splice(i, 1);
  }
}
