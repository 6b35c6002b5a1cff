/**
 * Inferred tables for unknown *.jsonl (telemetry-formats.md "Inferred tables"): one column
 * per top-level key, typed from the values seen, growing when new keys appear; a
 * timestamp/ts/time key whose values all parse becomes an indexed INTEGER `timestamp`.
 * Names come from data: sanitised, and always quoted in SQL.
 */
import type { SqlDatabase as Database } from '../db/database';
import { baseFileName, type MapFailure, type MappedRecord, type Row } from '../formats/catalogue';
import type { TableMapper } from './mappers';
import { quotedColumnNames, rowContentHashSorted } from '../formats/rowIdentity';
import { quoteIdent, rowsOf, scalar, tableExists } from './sql';
import { isBuiltinTable } from './knownTables';
import { columnNames } from './directRows';
import { resolveStreamKinds } from './streamKinds';
import type { DiscoveredSource } from './types';
import { parseTimestamp } from '../formats/timestamps';
import { exactIntegerText, putOwn, toNumber, toText } from '../formats/values';
import { ExactNumber } from '../formats/exactNumbers';

export type InferredType = 'INTEGER' | 'REAL' | 'TEXT';

/** Tables and prefixes an inferred table must never take. */
const RESERVED_TABLES = new Set(['skill_metrics', 'session_skill', 'schema_migrations', 'schema_baseline']);
const RESERVED_PREFIXES = ['sqlite_', 'ingest_', 'rollup_'];
/** Column names an inferred column never takes: provenance, and SQLite's rowid aliases. */
const PROVENANCE = new Set(['id', 'source_id', 'source_line', 'extra', 'stream_id', 'row_hash', 'row_seq', 'rowid', 'oid', '_rowid_', '__proto__']);
const TIME_KEYS = ['timestamp', 'ts', 'time'];

function sanitise(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return s.length ? s.slice(0, 60) : '_';
}

/**
 * `permission_events.jsonl` → `permission_events`; a collision with a built-in table gets `_jsonl`.
 * (A catalogue table no built-in migration creates may not exist: resolveInferredTables decides
 * with the database, and an inferred table of that name is later promoted into it, promote.ts.)
 */
export function inferredTableName(fileName: string): string {
  const stem = baseFileName(fileName).replace(/\.jsonl?$/i, '');
  let name = sanitise(stem);
  if (name === '_') name = 'jsonl_events';
  // SQLite refuses to create tables named sqlite_…: those get a prefix, not a suffix
  if (name.startsWith('sqlite_')) return 'jsonl_' + name;
  if (isBuiltinTable(name) || RESERVED_TABLES.has(name) || RESERVED_PREFIXES.some((p) => name.startsWith(p))) name += '_jsonl';
  return name;
}

/** True when Telemetry Lens made `table` for an inferred stream (it may grow and write it). */
function ownsInferredTable(db: Database, table: string): boolean {
  if (tableExists(db, 'ingest_inferred_columns') && scalar(db, 'SELECT 1 FROM ingest_inferred_columns WHERE table_name = ? LIMIT 1', [table]) !== null) return true;
  return tableExists(db, 'ingest_streams') && scalar(db, `SELECT 1 FROM ingest_streams WHERE table_name = ? AND kind = 'inferred' LIMIT 1`, [table]) !== null;
}

/** Any schema object (table, view, index, trigger) already has this name, in SQLite's case-insensitive sense. */
function nameTaken(db: Database, name: string): boolean {
  return scalar(db, 'SELECT 1 FROM sqlite_master WHERE lower(name) = lower(?) LIMIT 1', [name]) !== null;
}

/**
 * The table each unknown stream writes, given the database: the one its ledger entry names,
 * else the inferred name unless a table Telemetry Lens did not make for inferred data (a
 * user's own `routing_events`, a view…) has it; then `<name>_jsonl`, `<name>_jsonl_2`, …
 * Never a table another program owns (writer contract). Rewrites `table` of the sources, and
 * first their kind where a known file name is read as inferred (streamKinds.ts).
 */
export function resolveInferredTables(db: Database | null, sources: DiscoveredSource[]): void {
  resolveStreamKinds(db, sources, inferredTableName);
  if (!db) return;
  const chosen = new Map<string, string>();
  const hasStreams = tableExists(db, 'ingest_streams');
  for (const s of sources) {
    if (s.kind !== 'inferred') continue;
    let table = chosen.get(s.stream);
    if (table === undefined) {
      const ledger = hasStreams ? scalar(db, 'SELECT table_name FROM ingest_streams WHERE stream_key = ?', [s.stream]) : null;
      if (ledger !== null) table = String(ledger);
      else {
        const base = s.table;
        table = base;
        for (let i = 1; nameTaken(db, table) && !ownsInferredTable(db, table); i++) table = i === 1 ? `${base}_jsonl` : `${base}_jsonl_${i}`;
      }
      chosen.set(s.stream, table);
    }
    s.table = table;
  }
}

export interface InferredColumn {
  column: string;
  key: string;
  type: InferredType;
  isTimestamp: boolean;
}

/** Type and timestamp evidence per key, gathered over the lines of a run before writing. */
export class KeyObserver {
  readonly types = new Map<string, InferredType>();
  readonly timeOk = new Map<string, boolean>();
  readonly order: string[] = [];

  constructor(private readonly tz: string) {}

  observe(rec: Record<string, unknown>): void {
    for (const key of Object.keys(rec)) {
      const v = rec[key];
      if (!this.types.has(key) && !this.timeOk.has(key)) this.order.push(key);
      if (TIME_KEYS.includes(key.toLowerCase()) && v !== null && v !== undefined) {
        const ok = parseTimestamp(v, this.tz) !== undefined;
        this.timeOk.set(key, (this.timeOk.get(key) ?? true) && ok);
      }
      if (v === null || v === undefined) continue;
      const t: InferredType =
        typeof v === 'boolean' ? 'INTEGER' : typeof v === 'number' ? (Number.isInteger(v) ? 'INTEGER' : 'REAL') : v instanceof ExactNumber && exactIntegerText(v) !== undefined ? 'INTEGER' : 'TEXT';
      const prev = this.types.get(key);
      this.types.set(key, !prev ? t : prev === t ? t : (prev === 'INTEGER' && t === 'REAL') || (prev === 'REAL' && t === 'INTEGER') ? 'REAL' : 'TEXT');
    }
  }
}

export function loadInferredColumns(db: Database, table: string): InferredColumn[] {
  if (!tableExists(db, 'ingest_inferred_columns')) return [];
  return rowsOf(db, 'SELECT column_name, source_key, column_type, is_timestamp FROM ingest_inferred_columns WHERE table_name = ? ORDER BY rowid', [table]).map((r) => ({
    column: String(r.column_name),
    key: String(r.source_key),
    type: String(r.column_type) as InferredType,
    isTimestamp: Number(r.is_timestamp) === 1,
  }));
}

/** Columns for keys not seen before (pure: no SQL), appended to `existing`. */
export function planInferredColumns(existing: InferredColumn[], obs: KeyObserver, tableColumns: readonly string[] = []): { all: InferredColumn[]; added: InferredColumn[] } {
  const byKey = new Map(existing.map((c) => [c.key, c]));
  // columns the table has besides the inferred ones (a promoted table's catalogue columns) are taken too
  const taken = new Set([...existing.map((c) => c.column), ...tableColumns]);
  const added: InferredColumn[] = [];
  let tsKey: string | undefined;
  if (!existing.some((c) => c.isTimestamp)) {
    for (const k of TIME_KEYS) {
      const key = obs.order.find((o) => o.toLowerCase() === k && obs.timeOk.get(o) === true && !byKey.has(o));
      if (key) {
        tsKey = key;
        break;
      }
    }
  }
  for (const key of obs.order) {
    if (byKey.has(key)) continue;
    const isTimestamp = key === tsKey;
    const column = freeName(isTimestamp ? 'timestamp' : sanitise(key), taken);
    const type: InferredType = isTimestamp ? 'INTEGER' : (obs.types.get(key) ?? 'TEXT');
    taken.add(column);
    const c = { column, key, type, isTimestamp };
    added.push(c);
    byKey.set(key, c);
  }
  return { all: [...existing, ...added], added };
}

/**
 * Creates the table or adds the columns for keys not seen before (inside the run's write).
 * Returns the full column list.
 */
export function growInferredTable(db: Database, table: string, obs: KeyObserver): InferredColumn[] {
  const { all, added } = planInferredColumns(loadInferredColumns(db, table), obs, columnNames(db, table));
  const q = quoteIdent(table);
  if (!tableExists(db, table)) {
    db.run(`CREATE TABLE ${q} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source_id INTEGER, source_line INTEGER, extra TEXT,
  stream_id INTEGER NOT NULL DEFAULT 0, row_hash INTEGER NOT NULL, row_seq INTEGER NOT NULL)`);
    db.run(`CREATE UNIQUE INDEX ${quoteIdent('ux_' + table + '_identity')} ON ${q}(stream_id, row_hash, row_seq)`);
  }
  for (const c of added) {
    db.run(`ALTER TABLE ${q} ADD COLUMN ${quoteIdent(c.column)} ${c.type}`);
    db.run('INSERT INTO ingest_inferred_columns (table_name, column_name, source_key, column_type, is_timestamp) VALUES (?, ?, ?, ?, ?)', [
      table,
      c.column,
      c.key,
      c.type,
      c.isTimestamp ? 1 : 0,
    ]);
    if (c.isTimestamp) db.run(`CREATE INDEX IF NOT EXISTS ${quoteIdent('idx_' + table + '_timestamp')} ON ${q}(${quoteIdent(c.column)})`);
  }
  return all;
}

function freeName(base: string, taken: Set<string>): string {
  let name = base;
  for (let i = 2; taken.has(name) || PROVENANCE.has(name); i++) name = `${base}_${i}`;
  return name;
}

/** Value as the column's affinity will hold it, so the hash matches what reads back. */
function inferredValue(v: unknown, type: InferredType): string | number | undefined {
  if (typeof v === 'boolean') return type === 'TEXT' ? (v ? 'true' : 'false') : v ? 1 : 0;
  if (type === 'TEXT') return toText(v);
  // a number no double holds exactly: exact int64 text in an INTEGER column, else kept in `extra`
  const exact = exactIntegerText(v);
  if (exact !== undefined) return type === 'INTEGER' ? exact : undefined;
  if (v instanceof ExactNumber) return undefined;
  const n = typeof v === 'string' ? toNumber(v) : typeof v === 'number' ? v : undefined;
  return n !== undefined ? n : toText(v);
}

export function inferredMapper(table: string, columns: InferredColumn[], tz: string): TableMapper {
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const names = columns.map((c) => c.column);
  const sorted = [...names].sort();
  const quoted = quotedColumnNames(sorted);
  const tsCol = columns.find((c) => c.isTimestamp);
  return {
    table,
    columns: names,
    timeColumn: tsCol ? tsCol.column : null,
    adoptHash: null,
    hash: (m, extraText) => rowContentHashSorted(sorted, quoted, m.row, m.extra, extraText),
    map(rec): MappedRecord | MapFailure {
      const row: Row = {};
      for (const n of names) row[n] = null;
      let extra: Record<string, unknown> | null = null;
      for (const key of Object.keys(rec)) {
        const v = rec[key];
        const c = byKey.get(key);
        if (v === null || v === undefined) {
          if (!c) putOwn((extra ??= {}), key, v);
          continue;
        }
        let value: string | number | undefined;
        if (c) value = c.isTimestamp ? parseTimestamp(v, tz) : inferredValue(v, c.type);
        if (value === undefined) putOwn((extra ??= {}), key, v);
        else row[c!.column] = value;
      }
      return { row, extra };
    },
  };
}
