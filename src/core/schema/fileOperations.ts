/**
 * The migration commands on a database file (CLI and extension both call these): reads go
 * through openSnapshot, every write through withWrite (lock, fresh snapshot, verified write-back;
 * nothing is written when the work throws). All work functions are idempotent, as withWrite needs.
 */
import * as fs from 'fs';
import { openSnapshot, withWrite, type WriteOptions } from '../db/database';
import { baseline, needsBaseline, seedTables, type BaselineReport } from './baseline';
import { loadCatalog } from './catalog';
import { isManaged } from './history';
import { currentVersion, migrateDown, migrateUp, planRollback, repair, validate } from './runner';
import type { DroppedTable } from './undoImpact';
import { statusRows, validationProblems, type MigrationStatusRow } from './status';

export interface MigrationFileOptions {
  userDir?: string;
  tz?: string;
  write?: WriteOptions;
}

export interface StatusReport {
  database: string;
  exists: boolean;
  folder: string | null;
  managed: boolean;
  current: number;
  /** an unmanaged database with these script-made tables: `up` will adopt them first */
  baselineNeeded: string[];
  rows: MigrationStatusRow[];
  problems: string[];
  warnings: string[];
}

export async function readStatus(dbPath: string, opts: MigrationFileOptions = {}): Promise<StatusReport> {
  const catalog = loadCatalog(opts.userDir, { lenient: true });
  const exists = fs.existsSync(dbPath);
  const db = await openSnapshot(dbPath);
  try {
    const rows = statusRows(db, catalog);
    return {
      database: dbPath,
      exists,
      folder: opts.userDir ?? null,
      managed: isManaged(db),
      current: currentVersion(db),
      baselineNeeded: needsBaseline(db) ? seedTables(db) : [],
      rows,
      problems: [...catalog.errors, ...validationProblems(rows)],
      warnings: catalog.warnings,
    };
  } finally {
    db.close();
  }
}

export interface UpResult {
  applied: string[];
  current: number;
  baseline: BaselineReport | null;
}

/** Adopts a script-made database when needed, validates, applies pending (up to `to`). */
export async function migrateFileUp(dbPath: string, opts: MigrationFileOptions & { to?: number } = {}): Promise<UpResult> {
  const catalog = loadCatalog(opts.userDir);
  return withWrite(
    dbPath,
    (db) => {
      const report = needsBaseline(db) ? baseline(db, catalog, { tz: opts.tz }) : null;
      const applied = [...(report ? [report.migration] : []), ...migrateUp(db, catalog, opts.to)];
      return { applied, current: currentVersion(db), baseline: report };
    },
    opts.write,
  );
}

export async function migrateFileDown(dbPath: string, opts: MigrationFileOptions & { force?: boolean } = {}): Promise<{ rolledBack: string; current: number }> {
  const catalog = loadCatalog(opts.userDir);
  return withWrite(
    dbPath,
    (db) => {
      validate(db, catalog);
      const rolledBack = migrateDown(db, catalog, { force: opts.force });
      return { rolledBack, current: currentVersion(db) };
    },
    opts.write,
  );
}

/** Read-only: what Roll Back would run and the data it would drop (throws when nothing can be rolled back). */
export async function previewRollback(dbPath: string, opts: MigrationFileOptions = {}): Promise<{ name: string; undo: string; drops: DroppedTable[] }> {
  const catalog = loadCatalog(opts.userDir);
  const db = await openSnapshot(dbPath);
  try {
    const plan = planRollback(db, catalog);
    return { name: plan.migration.name, undo: plan.undo.name, drops: plan.drops };
  } finally {
    db.close();
  }
}

export async function baselineFile(dbPath: string, opts: MigrationFileOptions = {}): Promise<BaselineReport> {
  const catalog = loadCatalog(opts.userDir);
  return withWrite(dbPath, (db) => baseline(db, catalog, { tz: opts.tz }), opts.write);
}

export async function repairFile(dbPath: string, opts: MigrationFileOptions = {}): Promise<string[]> {
  const catalog = loadCatalog(opts.userDir);
  return withWrite(dbPath, (db) => repair(db, catalog), opts.write);
}

/** Read-only: the problems `up` would refuse over (empty = valid). */
export async function validateFile(dbPath: string, opts: MigrationFileOptions = {}): Promise<string[]> {
  return (await readStatus(dbPath, opts)).problems;
}
