/**
 * A TableMapper turns parsed records of one source into rows of its table: the catalogue
 * mapping for known sources, the growing inferred schema for unknown *.jsonl.
 */
import type { SqlDatabase as Database } from '../db/database';
import { mapKnownRecord, type KnownSource, type MapFailure, type MappedRecord } from '../formats/catalogue';
import { quoteIdent } from './sql';
import { quotedColumnNames, rowContentHash, rowContentHashAt, rowContentHashSorted } from '../formats/rowIdentity';

export interface TableMapper {
  table: string;
  /** Data columns in insert order. */
  columns: string[];
  /** Column holding the event time (epoch seconds), if any. */
  timeColumn: string | null;
  map(rec: Record<string, unknown>): MappedRecord | MapFailure;
  /** Content hash (docs/architecture.md row identity); `extraText` = canonicalJson(m.extra) when known. */
  hash(m: MappedRecord, extraText?: string | null): number;
  /** Optional, same as hash(): over `vals[at ..]` = m.row's columns in `columns` order (NULL for absent). */
  hashAt?(vals: readonly unknown[], at: number, extraText: string | null): number;
  /** Hash baseline gave adopted rows of this table (over its adopted data columns), or null. */
  adoptHash: ((m: Pick<MappedRecord, 'row'>) => number) | null;
}

export function knownMapper(src: KnownSource, tz: string, adoptedColumns: string[] | null): TableMapper {
  const columns = src.columns.map((c) => c.column);
  const sorted = [...columns].sort();
  const quoted = quotedColumnNames(sorted);
  const order = sorted.map((c) => columns.indexOf(c));
  return {
    table: src.table,
    columns,
    timeColumn: src.timeColumn,
    map: (rec) => mapKnownRecord(src, rec, tz),
    hash: (m, extraText) => rowContentHashSorted(sorted, quoted, m.row, m.extra, extraText),
    hashAt: (vals, at, extraText) => rowContentHashAt(order, quoted, vals, at, extraText),
    adoptHash: adoptedColumns ? adoptHashFn(adoptedColumns) : null,
  };
}

export function adoptHashFn(dataColumns: string[]): (m: Pick<MappedRecord, 'row'>) => number {
  return (m) => {
    const projected: Record<string, unknown> = {};
    for (const c of dataColumns) projected[c] = m.row[c];
    return rowContentHash(projected, null);
  };
}

/** Data columns baseline adopted per table (schema_baseline), when that table exists. */
export function readAdoptedColumns(db: Database): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const exists = db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_baseline'`);
  if (!exists.length) return out;
  const res = db.exec('SELECT table_name, data_columns FROM schema_baseline');
  for (const [t, cols] of res.length ? res[0].values : []) {
    try {
      out.set(String(t), JSON.parse(String(cols)) as string[]);
    } catch {
      /* a malformed ledger row only disables claiming for that table */
    }
  }
  return out;
}

export { quoteIdent };
