/**
 * What a machine's SQLite database has to sync, read from its own schema: every event table
 * (known and inferred: the tables with the identity columns, as the metrics find them) and the
 * ingest ledger tables the team's data-source views need.
 */
import type { SqlDatabase } from '../db/database';
import { listEventTables } from '../rollups/refresh';
import { queryRows, tableExists } from '../db/queryHelpers';
import { teamColumnType } from './dialect';
import type { TeamTableSpec } from './schema';

/** Ledger tables mirrored per machine (small; upserted whole each sync). */
export const MIRRORED_TABLES = ['ingest_streams', 'ingest_sources'] as const;

/** Local indexes worth carrying over: the single-column ones V1 and inference create (not identity/time). */
function localIndexedColumns(db: SqlDatabase, table: string, timeColumn: string | null): string[] {
  const out: string[] = [];
  for (const idx of queryRows<{ name: string; unique: number }>(db, `SELECT name, "unique" FROM pragma_index_list(?)`, [table])) {
    if (idx.unique) continue;
    const cols = queryRows<{ name: string | null }>(db, `SELECT name FROM pragma_index_info(?)`, [idx.name]).map((c) => c.name);
    if (cols.length >= 1 && cols[0] && cols[0] !== timeColumn && !out.includes(cols[0])) out.push(cols[0]);
  }
  return out;
}

export function localTableSpecs(db: SqlDatabase): TeamTableSpec[] {
  const specs: TeamTableSpec[] = [];
  for (const t of listEventTables(db)) {
    specs.push({
      table: t.name,
      kind: 'event',
      columns: queryRows<{ name: string; type: string }>(db, `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, [t.name]).map((c) => ({
        name: c.name,
        type: teamColumnType(c.name, c.type ?? ''),
      })),
      timeColumn: t.tsColumn,
      indexes: localIndexedColumns(db, t.name, t.tsColumn),
    });
  }
  for (const name of MIRRORED_TABLES) {
    if (!tableExists(db, name)) continue;
    specs.push({
      table: name,
      kind: 'mirror',
      columns: queryRows<{ name: string; type: string }>(db, `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, [name]).map((c) => ({
        name: c.name,
        type: teamColumnType(c.name, c.type ?? ''),
      })),
      timeColumn: null,
    });
  }
  return specs;
}
