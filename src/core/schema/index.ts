/**
 * Public face of the schema work. Everything here runs on an open sql.js Database; callers
 * own the write (withWrite) and must not write back when a function throws.
 */
import type { SqlDatabase as Database } from '../db/database';
import { baseline, needsBaseline } from './baseline';
import { loadCatalog } from './catalog';
import { currentVersion, migrateUp } from './runner';
import { statusRows, type MigrationStatusRow } from './status';

export interface SchemaOptions {
  /** folder of user V<n>__*.sql / U<n>__*.sql files (absent or missing folder = built-ins only) */
  userDir?: string;
  /** zone for zone-less text timestamps met while adopting a script-made database (default: the machine's) */
  tz?: string;
}

export interface EnsureSchemaResult {
  /** names of the migrations applied by this call, in order (e.g. `V1__telemetry_core`) */
  applied: string[];
  /** highest applied version afterwards */
  current: number;
  /** true when this call adopted a script-made database (see baseline.ts) */
  baselined: boolean;
}

/**
 * Brings the database to the newest schema: adopts a script-made database first when it
 * finds one, validates the applied history (edited/removed migrations throw
 * MigrationValidationError), then applies every pending migration, each in its own
 * savepoint. Throws MigrationFailedError naming file + statement on a failing script.
 */
export function ensureSchema(db: Database, opts: SchemaOptions = {}): EnsureSchemaResult {
  const catalog = loadCatalog(opts.userDir);
  const applied: string[] = [];
  let baselined = false;
  if (needsBaseline(db)) {
    applied.push(baseline(db, catalog, { tz: opts.tz }).migration);
    baselined = true;
  }
  applied.push(...migrateUp(db, catalog));
  return { applied, current: currentVersion(db), baselined };
}

/**
 * Flyway-`info`-style rows: every known and every recorded migration with its state. Never
 * throws over a broken migrations folder (the offending file is left out; `up` reports it).
 */
export function migrationStatus(db: Database, opts: SchemaOptions = {}): MigrationStatusRow[] {
  return statusRows(db, loadCatalog(opts.userDir, { lenient: true }));
}

export type { MigrationStatusRow, MigrationState } from './status';
export type { BaselineReport, AdoptedTable } from './baseline';
export { baseline, needsBaseline, seedTables } from './baseline';
export { loadCatalog, FIRST_USER_VERSION, type MigrationCatalog, type ResolvedMigration } from './catalog';
export { migrateUp, migrateDown, planRollback, repair, validate, currentVersion, applyMigration, type RollbackPlan } from './runner';
export { migrationChecksum, normaliseScript } from './checksum';
export { MigrationFailedError, MigrationValidationError, MigrationFolderError, type ScriptFailure } from './errors';
export { isManaged, HISTORY_TABLE } from './history';
