import type { SqlDatabase as Database } from '../db/database';
import { tableColumns, tableExists } from './history';

export interface DroppedTable {
  table: string;
  rows: number;
}

const DROP_TABLE = /\bDROP\s+TABLE\s+(?:IF\s+EXISTS\s+)?("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)/gi;

function unquote(name: string): string {
  if (name.startsWith('"')) return name.slice(1, -1).replace(/""/g, '"');
  if (name.startsWith('`') || name.startsWith('[')) return name.slice(1, -1);
  return name;
}

/**
 * Tables holding records (event tables carry row identity; rejects keep raw lines), not derived
 * data — and the ingest ledger while event rows still point into it (their stream_id and
 * source_id): dropping it then would orphan every row's provenance and identity.
 */
function holdsRecords(db: Database, table: string): boolean {
  if (table === 'ingest_streams' || table === 'ingest_sources') return referencedByEventRows(db);
  return table === 'ingest_rejects' || tableColumns(db, table).includes('row_hash');
}

/** Some event table has a row that ingest gave a stream (stream_id > 0). */
function referencedByEventRows(db: Database): boolean {
  const tables = db.exec(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'`);
  for (const [name] of tables.length ? tables[0].values : []) {
    const t = String(name);
    const cols = tableColumns(db, t);
    if (!cols.includes('row_hash') || !cols.includes('stream_id')) continue;
    if (db.exec(`SELECT 1 FROM "${t.replace(/"/g, '""')}" WHERE stream_id > 0 LIMIT 1`).length) return true;
  }
  return false;
}

/**
 * Tables an undo script drops that still hold rows (what a rollback would destroy). Read from
 * the script text, so a DROP TABLE in a comment counts too: it errs on the side of warning.
 * `recordsOnly` (built-in undo scripts): rollups, ledgers and watermarks are rebuilt from the
 * records, so only tables holding records count.
 */
export function tablesDroppedWithRows(db: Database, undoScript: string, opts: { recordsOnly?: boolean } = {}): DroppedTable[] {
  const out: DroppedTable[] = [];
  const seen = new Set<string>();
  for (const m of undoScript.matchAll(DROP_TABLE)) {
    const table = unquote(m[1]);
    const key = table.toLowerCase();
    if (seen.has(key) || !tableExists(db, table) || (opts.recordsOnly && !holdsRecords(db, table))) continue;
    seen.add(key);
    const rows = Number(db.exec(`SELECT count(*) FROM "${table.replace(/"/g, '""')}"`)[0].values[0][0]);
    if (rows > 0) out.push({ table, rows });
  }
  return out;
}
