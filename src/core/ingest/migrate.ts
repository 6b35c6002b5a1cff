import type { MigrateOptions, MigrateResult } from './types';

/**
 * Schema migrations + exact, idempotent backfill of every source under `paths` into `dbPath`,
 * in one all-or-nothing write. Returns the DESIGN.md `migrate --json` object. Throws when a
 * source does not reconcile (lines ≠ inserted + present + rejected + blank + pending).
 */
export async function migrateSources(dbPath: string, paths: string[], opts: MigrateOptions = {}): Promise<MigrateResult> {
  void dbPath;
  void paths;
  void opts;
  throw new Error('migrateSources: not implemented yet');
}
