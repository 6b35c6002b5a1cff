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

/** Tables holding records (event tables carry row identity; rejects keep raw lines), not derived data. */
function holdsRecords(db: Database, table: string): boolean {
  return table === 'ingest_rejects' || tableColumns(db, table).includes('row_hash');
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
