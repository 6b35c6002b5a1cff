/**
 * The extension's database reads and writes that can take seconds, run on the ingest worker's
 * thread (src/core/ingest/ingestWorker.ts) so the editor never freezes: node:sqlite is
 * synchronous, and with wasm every snapshot reads the whole file. Where the worker bundle is
 * missing (tests that load the sources directly) the same core function runs here.
 */
import { defaultEngineChoice } from '../core/db/database';
import { createBackup, restoreBackup, type BackupResult, type RestoreResult } from '../core/db/backup';
import { checkDatabaseHealth, type DatabaseHealth } from '../core/db/health';
import { cutOverSource, listCutoverCandidates, rollBackCutover, type CutoverCandidate, type CutoverResult } from '../core/ingest/cutover';
import {
  backupInWorker,
  cutoverCandidatesInWorker,
  cutoverInWorker,
  healthInWorker,
  ingestWorkerAvailable,
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
