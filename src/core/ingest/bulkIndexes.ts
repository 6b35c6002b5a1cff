/**
 * Bulk-load trick for a big backfill into a table that will mostly hold new rows: drop its
 * indexes, insert, recreate them with their exact original SQL. SQLite builds an index from
 * sorted input far cheaper than through a million random B-tree inserts (measured ~40% less
 * CPU for 200k rows). All inside the run's transaction: a failure restores them by rollback,
 * and recreating the UNIQUE identity index re-checks that no identity was duplicated.
 */
import type { SqlDatabase as Database } from '../db/database';
import { quoteIdent, rowsOf } from './sql';

export interface DroppedIndexes {
  restore(): void;
}

export function dropIndexesForBulkLoad(db: Database, table: string): DroppedIndexes {
  const indexes = rowsOf(db, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL ORDER BY rowid`, [table]).map((r) => ({
    name: String(r.name),
    sql: String(r.sql),
  }));
  for (const ix of indexes) db.run(`DROP INDEX ${quoteIdent(ix.name)}`);
  return {
    restore: () => {
      for (const ix of indexes) db.run(ix.sql);
    },
  };
}
