import type { SqlDatabase as Database } from '../db/database';
import { tableColumns, tableExists } from '../db/queryHelpers';

/**
 * SQL pieces that resolve a row's source file: ingest_sources (V2 ledger) keyed by source_id.
 * Rows adopted by baseline (source_id NULL) or databases without the ledger give NULL paths.
 */
export function sourcePathSql(db: Database, rowAlias: string): { join: string; path: string } {
  if (tableExists(db, 'ingest_sources') && tableColumns(db, 'ingest_sources').includes('path')) {
    return { join: `LEFT JOIN ingest_sources AS src ON src.id = ${rowAlias}.source_id`, path: 'src.path' };
  }
  return { join: '', path: 'NULL' };
}
