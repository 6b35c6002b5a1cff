/**
 * The schema part of a migrate run: baseline an unmanaged script-made database, then apply
 * pending migrations (built-in + the user's folder). Runs inside the run's write.
 */
import type { Database } from 'sql.js';
import { baseline, needsBaseline } from '../schema/baseline';
import { loadCatalog } from '../schema/catalog';
import { currentVersion, migrateUp } from '../schema/runner';

export function applySchema(db: Database, userMigrationsDir?: string): { applied: string[]; current: number } {
  const catalog = loadCatalog(userMigrationsDir);
  const applied: string[] = [];
  if (needsBaseline(db)) applied.push(baseline(db, catalog).migration);
  applied.push(...migrateUp(db, catalog));
  return { applied, current: currentVersion(db) };
}
