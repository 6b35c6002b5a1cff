/**
 * The one place the extension chooses where its database work runs: the reads and writes that
 * can take seconds (ingest, verify, the preview's audit, health, migrations, backup, cutover…)
 * go to the ingest worker's thread (src/core/ingest/ingestWorker.ts) so the editor never freezes: node:sqlite is
 * synchronous, and with wasm every snapshot reads the whole file. Where the worker bundle is
 * missing (tests that load the sources directly) the same core function runs here.
 */
import { defaultEngineChoice } from '../core/db/database';
import { createBackup, restoreBackup, type BackupResult, type RestoreResult } from '../core/db/backup';
import { checkDatabaseHealth, type DatabaseHealth } from '../core/db/health';
import { cutOverSource, listCutoverCandidates, rollBackCutover, type CutoverCandidate, type CutoverResult } from '../core/ingest/cutover';
import {
  auditSources,
  listRejectsOfFile,
  previewSources,
  migrateSources,
  verifySources,
  type AuditOptions,
  type AuditReport,
  type IngestProgress,
  type MigrateOptions,
  type MigrateResult,
  type RejectsPage,
  type VerifyOptions,
  type VerifyResult,
} from '../core/ingest';
import { pendingSchemaSteps } from '../core/ingest/schemaStep';
import {
  backupInWorker,
  cutoverCandidatesInWorker,
  cutoverInWorker,
  healthInWorker,
  ingestWorkerAvailable,
  listRejectsInWorker,
  pendingSchemaStepsInWorker,
  runAuditInWorker,
  runPreviewInWorker,
  type MigratePreview,
  runIngestInWorker,
  migrationStatusInWorker,
  migrationsDownInWorker,
  migrationsUpInWorker,
  previewRollbackInWorker,
  restoreInWorker,
  rollBackCutoverInWorker,
} from '../core/ingest/ingestWorker';
import { migrateFileDown, migrateFileUp, previewRollback, readStatus, type StatusReport, type UpResult } from '../core/schema/fileOperations';

const inWorker = () => ingestWorkerAvailable();
const engine = () => defaultEngineChoice();

/** Migrate (and live ingest): progress and cancel go through `options`. */
export function migrate(dbPath: string, paths: string[], options: MigrateOptions): Promise<MigrateResult> {
  const { onProgress, signal } = options;
  return inWorker() ? runIngestInWorker('migrate', dbPath, paths, options, { onProgress, signal, engine: engine() }) : migrateSources(dbPath, paths, options);
}

export function verify(dbPath: string, paths: string[], options: VerifyOptions): Promise<VerifyResult> {
  return inWorker() ? runIngestInWorker('verify', dbPath, paths, options, { signal: options.signal, engine: engine() }) : verifySources(dbPath, paths, options);
}

/** The Migrate preview's audit (reads every file and compares with a snapshot). */
export function audit(paths: string[], options: AuditOptions): Promise<AuditReport> {
  const { onProgress, signal } = options;
  return inWorker() ? runAuditInWorker(paths, options, { onProgress, signal, engine: engine() }) : auditSources(paths, options);
}

/** Migrate JSONL's preview: the audit and the plan its import consumes (one discovery, one snapshot). */
export function preview(paths: string[], options: AuditOptions): Promise<MigratePreview> {
  const { onProgress, signal } = options;
  return inWorker() ? runPreviewInWorker(paths, options, { onProgress, signal, engine: engine() }) : previewSources(paths, options);
}

export function schemaSteps(dbPath: string, userDir: string | undefined): Promise<string[]> {
  return inWorker() ? pendingSchemaStepsInWorker(dbPath, userDir, engine()) : pendingSchemaSteps(dbPath, userDir);
}

export function rejects(dbPath: string, limit: number): Promise<RejectsPage> {
  return inWorker() ? listRejectsInWorker(dbPath, limit, engine()) : listRejectsOfFile(dbPath, { limit });
}

export function databaseHealth(dbPath: string): Promise<DatabaseHealth> {
  return inWorker() ? healthInWorker(dbPath, engine()) : checkDatabaseHealth(dbPath);
}

export function migrationStatus(dbPath: string, userDir: string | undefined): Promise<StatusReport> {
  return inWorker() ? migrationStatusInWorker(dbPath, userDir, engine()) : readStatus(dbPath, { userDir });
}

export function migrationsUp(dbPath: string, opts: { userDir?: string; tz?: string; tool: string }): Promise<UpResult> {
  return inWorker() ? migrationsUpInWorker(dbPath, opts, engine()) : migrateFileUp(dbPath, { userDir: opts.userDir, tz: opts.tz, write: { tool: opts.tool } });
}

export function rollbackPreview(dbPath: string, userDir: string | undefined): ReturnType<typeof previewRollback> {
  return inWorker() ? previewRollbackInWorker(dbPath, userDir, engine()) : previewRollback(dbPath, { userDir });
}

/** Rolls back the last migration (forced: the caller has shown what it drops). */
export function migrationsDown(dbPath: string, opts: { userDir?: string; tool: string }): ReturnType<typeof migrateFileDown> {
  return inWorker() ? migrationsDownInWorker(dbPath, opts, engine()) : migrateFileDown(dbPath, { userDir: opts.userDir, force: true, write: { tool: opts.tool } });
}

export function backup(dbPath: string): Promise<BackupResult> {
  return inWorker() ? backupInWorker(dbPath, engine()) : createBackup(dbPath);
}

export function restore(dbPath: string, backupPath: string, tool: string): Promise<RestoreResult> {
  return inWorker() ? restoreInWorker(dbPath, backupPath, tool, engine()) : restoreBackup(dbPath, backupPath, { tool });
}

export function cutover(dbPath: string, source: string, tz: string | undefined): Promise<CutoverResult> {
  return inWorker() ? cutoverInWorker(dbPath, source, tz, engine()) : cutOverSource(dbPath, source, { tz });
}

export function cutoverRollback(dbPath: string, source: string): Promise<CutoverResult> {
  return inWorker() ? rollBackCutoverInWorker(dbPath, source, engine()) : rollBackCutover(dbPath, source);
}

export function cutoverCandidates(dbPath: string): Promise<CutoverCandidate[]> {
  return inWorker() ? cutoverCandidatesInWorker(dbPath, engine()) : listCutoverCandidates(dbPath);
}
