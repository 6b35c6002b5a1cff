import type { SqlDatabase as Database } from '../db/database';
import { CheckFailedError } from '../db/errors';
import type { MigrationCatalog, ResolvedMigration, UndoScript } from './catalog';
import { MigrationFailedError, MigrationValidationError } from './errors';
import { deleteHistory, ensureHistoryTable, readHistory, recordApplied } from './history';
import { runScript, ScriptError } from './sqlScript';
import { statusRows, validationProblems } from './status';
import { inSavepoint } from './transaction';
import { tablesDroppedWithRows, type DroppedTable } from './undoImpact';

/**
 * Applies one migration in its own savepoint and records it; on failure the database is
 * rolled back to its state before this migration and a MigrationFailedError names the
 * file, the statement and SQLite's message.
 */
export function applyMigration(db: Database, m: ResolvedMigration, opts: { baseline?: boolean; afterScript?: () => void } = {}): void {
  ensureHistoryTable(db);
  const started = performance.now();
  try {
    inSavepoint(db, `tl_migrate_${m.version}`, () => {
      runScript(db, m.script, m.location);
      m.step?.(db);
      opts.afterScript?.();
      recordApplied(db, m, performance.now() - started, opts.baseline ?? false);
    });
  } catch (e) {
    if (e instanceof ScriptError) throw new MigrationFailedError(m.name, e.failure);
    throw e;
  }
}

/** Throws MigrationValidationError when an applied migration was edited, removed or failed. */
export function validate(db: Database, catalog: MigrationCatalog): void {
  const problems = validationProblems(statusRows(db, catalog));
  if (problems.length) throw new MigrationValidationError(problems);
}

/** Validates, then applies pending migrations in version order (up to `to` when given). */
export function migrateUp(db: Database, catalog: MigrationCatalog, to?: number): string[] {
  validate(db, catalog);
  const applied = new Set(readHistory(db).map((h) => h.version));
  const done: string[] = [];
  for (const m of catalog.migrations) {
    if (applied.has(m.version) || (to !== undefined && m.version > to)) continue;
    applyMigration(db, m);
    done.push(m.name);
  }
  return done;
}

export interface RollbackPlan {
  migration: ResolvedMigration;
  undo: UndoScript;
  /** tables the undo script drops that hold rows: a rollback destroys them */
  drops: DroppedTable[];
}

/**
 * What `down` would do: the newest applied migration, its undo script and the data it would
 * drop. Throws (CheckFailedError, clear message) when there is nothing that can be rolled back.
 */
export function planRollback(db: Database, catalog: MigrationCatalog): RollbackPlan {
  const history = readHistory(db).filter((h) => h.success);
  const newest = history[history.length - 1];
  if (!newest) throw new CheckFailedError('nothing to roll back: no migration has been applied to this database');
  const m = catalog.migrations.find((x) => x.version === newest.version);
  if (!m) throw new CheckFailedError(`cannot roll back ${newest.name}: its migration is no longer available (missing file)`);
  if (newest.baseline) {
    throw new CheckFailedError(
      `cannot roll back ${newest.name}: it was applied by baseline, adopting tables that already held data; rolling it back would drop them`,
    );
  }
  if (!m.undo) {
    const hint = m.origin === 'user' ? ` Add U${m.version}__${m.description}.sql beside ${m.location}.` : '';
    throw new CheckFailedError(`cannot roll back ${m.name}: it has no undo (U${m.version}) script.${hint} Nothing was changed.`);
  }
  return { migration: m, undo: m.undo, drops: tablesDroppedWithRows(db, m.undo.script, { recordsOnly: m.origin === 'builtin' }) };
}

export function describeDrops(drops: DroppedTable[]): string {
  return drops.map((d) => `${d.table} (${d.rows.toLocaleString('en-US')} rows)`).join(', ');
}

/**
 * Undoes the newest applied migration with its U script (in one savepoint) and removes it
 * from the history. Refuses, changing nothing, when there is nothing to undo, no U script, or
 * the undo would drop tables that hold rows and `force` is not set.
 */
export function migrateDown(db: Database, catalog: MigrationCatalog, opts: { force?: boolean } = {}): string {
  const { migration: m, undo, drops } = planRollback(db, catalog);
  if (drops.length && !opts.force) {
    throw new CheckFailedError(`rolling back ${m.name} would drop tables holding data: ${describeDrops(drops)}. Nothing was changed; confirm with --force.`);
  }
  try {
    inSavepoint(db, `tl_undo_${m.version}`, () => {
      runScript(db, undo.script, undo.location);
      deleteHistory(db, m.version);
    });
  } catch (e) {
    if (e instanceof ScriptError) throw new MigrationFailedError(undo.name, e.failure);
    throw e;
  }
  return m.name;
}

/**
 * Flyway `repair`: re-records checksum/description of applied migrations whose script was
 * deliberately edited, and forgets failed entries and entries whose script is gone.
 */
export function repair(db: Database, catalog: MigrationCatalog): string[] {
  const actions: string[] = [];
  for (const r of statusRows(db, catalog)) {
    if (r.state === 'changed') {
      const m = catalog.migrations.find((x) => x.version === r.version)!;
      db.run(`UPDATE schema_migrations SET checksum = ?, description = ?, name = ? WHERE version = ?`, [m.checksum, m.description, m.name, m.version]);
      actions.push(`re-recorded checksum of ${m.name}`);
    } else if (r.state === 'missing' && r.origin === 'builtin') {
      // a newer release's migration: its tables are real, forgetting it would hide them from that release
      actions.push(`kept ${r.name}: applied by a newer Telemetry Lens`);
    } else if (r.state === 'missing' || r.state === 'failed') {
      deleteHistory(db, r.version);
      actions.push(`removed ${r.state} entry ${r.name}`);
    }
  }
  return actions;
}

/** Highest successfully applied version (0 when none). */
export function currentVersion(db: Database): number {
  const h = readHistory(db).filter((x) => x.success);
  return h.length ? h[h.length - 1].version : 0;
}
