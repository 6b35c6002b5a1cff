/**
 * Runs a migrate or verify on a worker thread (ingest.worker.ts), so a host with a UI thread
 * (the extension host) stays responsive: with the native engine the SQL is synchronous, and a
 * chunked commit pauses the thread it runs on (Atomics.wait). Only plain data crosses: the
 * options without their functions (onProgress becomes messages, the signal an `abort` message),
 * and back the result, or the error as name/message/exitCode, rebuilt here as the same class
 * so the one error policy (describeError) still gives its exit code. The CLI stays in-process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { CheckFailedError, DatabaseBusyError, TelemetryError, UsageError, WriteConflictError } from '../db/errors';
import type { EngineChoice } from '../db/engine';
import type { RejectsPage } from './rejects';
import type { DatabaseHealth } from '../db/health';
import type { BackupResult, RestoreResult } from '../db/backup';
import { MigrationFailedError, MigrationValidationError, type ScriptFailure } from '../schema/errors';
import type { migrateFileDown, previewRollback, StatusReport, UpResult } from '../schema/fileOperations';
import type { CutoverCandidate, CutoverResult } from './cutover';
import type { AuditOptions, AuditReport, IngestProgress, MigrateOptions, MigratePlan, MigrateResult, VerifyOptions, VerifyResult } from './types';

/** previewSources' answer: the audit's report and the plan the import consumes. */
export interface MigratePreview {
  report: AuditReport;
  plan: MigratePlan;
}

/** MigrateOptions / VerifyOptions without their function and signal fields (what may cross). */
export type WorkerMigrateOptions = Omit<MigrateOptions, 'onProgress' | 'signal'>;
export type WorkerVerifyOptions = Omit<VerifyOptions, 'signal'>;
export type WorkerAuditOptions = Omit<AuditOptions, 'onProgress' | 'signal'>;

export type IngestWorkerJob =
  | { kind: 'migrate'; dbPath: string; paths: string[]; options: WorkerMigrateOptions; engine: EngineChoice; progress: boolean }
  | { kind: 'verify'; dbPath: string; paths: string[]; options: WorkerVerifyOptions; engine: EngineChoice; progress: boolean }
  /** the Migrate preview: auditSources (reads the files, compares with the database's snapshot) */
  | { kind: 'audit'; paths: string[]; options: WorkerAuditOptions; engine: EngineChoice; progress: boolean }
  /** the Migrate preview with the plan its import consumes: previewSources (one discovery, one snapshot) */
  | { kind: 'preview'; paths: string[]; options: WorkerAuditOptions; engine: EngineChoice; progress: boolean }
  /** the Migrate preview's schema line: pendingSchemaSteps */
  | { kind: 'pendingSchemaSteps'; dbPath: string; userMigrationsDir?: string; engine: EngineChoice }
  /** Show Rejected Lines: listRejects on a snapshot (capped) */
  | { kind: 'rejects'; dbPath: string; limit: number; engine: EngineChoice }
  /** Check Database Health: integrity_check and every table's rows (seconds on a large database) */
  | { kind: 'health'; dbPath: string; engine: EngineChoice }
  /** Run Migrations / Roll Back Last Migration: the schema writes (a rebuild step takes seconds on a large database) */
  | { kind: 'migrationsUp'; dbPath: string; userDir?: string; tz?: string; tool: string; engine: EngineChoice }
  | { kind: 'migrationsDown'; dbPath: string; userDir?: string; tool: string; engine: EngineChoice }
  /** Back Up / Restore Database */
  | { kind: 'backup'; dbPath: string; engine: EngineChoice }
  | { kind: 'restore'; dbPath: string; backupPath: string; tool: string; engine: EngineChoice }
  /** Show Migration Status / Run Migrations' plan / Roll Back's preview (a snapshot of the file) */
  | { kind: 'migrationStatus'; dbPath: string; userDir?: string; engine: EngineChoice }
  | { kind: 'previewRollback'; dbPath: string; userDir?: string; engine: EngineChoice }
  /** Cut Over Source (a dual-read of the source first) / Roll Back Cutover / their pickers */
  | { kind: 'cutover'; dbPath: string; source: string; tz?: string; engine: EngineChoice }
  | { kind: 'rollBackCutover'; dbPath: string; source: string; engine: EngineChoice }
  | { kind: 'cutoverCandidates'; dbPath: string; engine: EngineChoice };

/** What each job kind answers. */
export type IngestWorkerResult =
  | MigrateResult
  | VerifyResult
  | AuditReport
  | MigratePreview
  | string[]
  | RejectsPage
  | DatabaseHealth
  | UpResult
  | DownResult
  | BackupResult
  | RestoreResult
  | StatusReport
  | RollbackPreview
  | CutoverResult
  | CutoverCandidate[];

type RollbackPreview = Awaited<ReturnType<typeof previewRollback>>;

type DownResult = Awaited<ReturnType<typeof migrateFileDown>>;

/** An error as it crosses the thread boundary. */
export interface SerialisedError {
  name: string;
  message: string;
  exitCode?: number;
  code?: string;
  path?: string;
  stack?: string;
  /** a failed migration script: which one and where (the extension opens the file at the statement) */
  migration?: { name: string; failure: ScriptFailure };
  /** a validation failure's problems */
  problems?: string[];
}

export type IngestWorkerReply =
  | { type: 'progress'; progress: IngestProgress }
  | { type: 'done'; result: IngestWorkerResult }
  | { type: 'error'; error: SerialisedError };

/** Parent → worker: the only message is the cancel. */
export type IngestWorkerRequest = { type: 'abort' };

export interface IngestWorkerHooks {
  onProgress?: (p: IngestProgress) => void;
  signal?: AbortSignal;
}

export function serialiseError(e: unknown): SerialisedError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const err = e as NodeJS.ErrnoException & { exitCode?: unknown };
  return {
    name: err.name,
    message: err.message,
    exitCode: typeof err.exitCode === 'number' ? err.exitCode : undefined,
    code: typeof err.code === 'string' ? err.code : undefined,
    path: typeof err.path === 'string' ? err.path : undefined,
    stack: err.stack,
    migration: e instanceof MigrationFailedError ? { name: e.migrationName, failure: e.failure } : undefined,
    problems: e instanceof MigrationValidationError ? e.problems : undefined,
  };
}

const ERROR_CLASSES: Record<string, new (message: string) => TelemetryError> = {
  UsageError,
  CheckFailedError,
  WriteConflictError,
  DatabaseBusyError,
};

/** The same class (or, for an unknown TelemetryError subclass, one with its exit code); errno fields kept. */
export function rebuildError(s: SerialisedError): Error {
  const Known = ERROR_CLASSES[s.name];
  let e: Error;
  if (s.migration) e = new MigrationFailedError(s.migration.name, s.migration.failure);
  else if (s.problems) e = new MigrationValidationError(s.problems);
  else if (Known) e = new Known(s.message);
  else if (typeof s.exitCode === 'number') {
    // a subclass this side does not rebuild: the base class of its exit code, so `instanceof
    // CheckFailedError` (and the rest) still holds where callers branch on it
    const Base = ({ 1: CheckFailedError, 2: UsageError, 3: WriteConflictError } as Record<number, (typeof ERROR_CLASSES)[string]>)[s.exitCode];
    e = Base ? new Base(s.message) : new TelemetryError(s.message, s.exitCode);
    e.name = s.name;
  } else {
    e = new Error(s.message);
    e.name = s.name;
  }
  const errno = e as NodeJS.ErrnoException;
  if (s.code) errno.code = s.code;
  if (s.path) errno.path = s.path;
  // --debug / the output channel show where it happened (the worker's stack)
  if (s.stack) e.stack = `${e.stack?.split('\n')[0]}\n(in the ingest worker)\n${s.stack.split('\n').slice(1).join('\n')}`;
  return e;
}

/**
 * How to start the worker thread `<name>.worker`: dist/<name>.worker.js beside the bundle, or the
 * TypeScript source in `sourceDir` under tsx (tests, bench). Other core workers use it too.
 */
export function workerScript(sourceDir: string, name: string): { code: string; eval: boolean } | null {
  const bundled = path.join(sourceDir, `${name}.worker.js`);
  if (fs.existsSync(bundled)) return { code: bundled, eval: false };
  const source = path.join(sourceDir, `${name}.worker.ts`);
  // under tsx the worker registers tsx's CommonJS hook itself before loading the TypeScript
  if (fs.existsSync(source)) return { code: `require('tsx/cjs/api').register(); require(${JSON.stringify(source)});`, eval: true };
  return null;
}

function workerEntry(): { code: string; eval: boolean } | null {
  return workerScript(__dirname, 'ingest');
}

export function ingestWorkerAvailable(): boolean {
  return workerEntry() !== null;
}

/** Drops the fields that cannot cross (functions, the signal). */
function plainOptions<T extends object>(options: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (typeof v === 'function' || k === 'signal') continue;
    out[k] = v;
  }
  return out as T;
}

function run<R>(job: IngestWorkerJob, hooks: IngestWorkerHooks): Promise<R> {
  const entry = workerEntry();
  if (!entry) return Promise.reject(new Error('ingest worker not found'));
  const { signal, onProgress } = hooks;
  if (signal?.aborted) return Promise.reject(abortError());
  return new Promise<R>((resolve, reject) => {
    const worker = new Worker(entry.code, { eval: entry.eval, workerData: job });
    let settled = false;
    const finish = (err: unknown, result?: R) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      // the reply is the worker's last act (its write is committed or rolled back by then)
      void worker.terminate();
      if (err) reject(err);
      else resolve(result as R);
    };
    // the worker's own AbortController stops the run where the engine checks it, so the
    // write is rolled back there (all-or-nothing) before the worker reports the AbortError
    const onAbort = () => worker.postMessage({ type: 'abort' } satisfies IngestWorkerRequest);
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (msg: IngestWorkerReply) => {
      if (settled) return;
      if (msg.type === 'progress') {
        try {
          onProgress?.(msg.progress);
        } catch {
          // a failing progress display must not fail the run
        }
      } else if (msg.type === 'done') finish(null, msg.result as R);
      else finish(rebuildError(msg.error));
    });
    worker.on('error', (e) => finish(e));
    worker.on('exit', (code) => finish(signal?.aborted ? abortError() : new Error(`ingest worker exited with code ${code}`)));
  });
}

function abortError(): Error {
  const e = new Error('ingest cancelled');
  e.name = 'AbortError';
  return e;
}

/**
 * migrateSources / verifySources on a worker thread. `engine` is the engine choice in effect
 * here (setDefaultEngine does not reach another thread). A cancelled run rejects with the
 * engine's AbortError after the worker rolled its write back.
 */
export function runIngestInWorker(kind: 'migrate', dbPath: string, paths: string[], options: MigrateOptions, hooks: IngestWorkerHooks & { engine: EngineChoice }): Promise<MigrateResult>;
export function runIngestInWorker(kind: 'verify', dbPath: string, paths: string[], options: VerifyOptions, hooks: IngestWorkerHooks & { engine: EngineChoice }): Promise<VerifyResult>;
export function runIngestInWorker(
  kind: 'migrate' | 'verify',
  dbPath: string,
  paths: string[],
  options: MigrateOptions | VerifyOptions,
  hooks: IngestWorkerHooks & { engine: EngineChoice },
): Promise<MigrateResult | VerifyResult> {
  const onProgress = hooks.onProgress ?? (options as MigrateOptions).onProgress;
  const signal = hooks.signal ?? options.signal;
  const job = { kind, dbPath, paths, options: plainOptions(options), engine: hooks.engine, progress: onProgress !== undefined } as IngestWorkerJob;
  return run(job, { onProgress, signal });
}

/** auditSources on a worker thread (the Migrate preview); progress and cancel as for migrate. */
export function runAuditInWorker(paths: string[], options: AuditOptions, hooks: IngestWorkerHooks & { engine: EngineChoice }): Promise<AuditReport> {
  const onProgress = hooks.onProgress ?? options.onProgress;
  const signal = hooks.signal ?? options.signal;
  return run({ kind: 'audit', paths, options: plainOptions(options), engine: hooks.engine, progress: onProgress !== undefined }, { onProgress, signal });
}

/** previewSources on a worker thread (Migrate JSONL's preview and plan); progress and cancel as for migrate. */
export function runPreviewInWorker(paths: string[], options: AuditOptions, hooks: IngestWorkerHooks & { engine: EngineChoice }): Promise<MigratePreview> {
  const onProgress = hooks.onProgress ?? options.onProgress;
  const signal = hooks.signal ?? options.signal;
  return run({ kind: 'preview', paths, options: plainOptions(options), engine: hooks.engine, progress: onProgress !== undefined }, { onProgress, signal });
}

/** pendingSchemaSteps on a worker thread: opening a large snapshot stays off the caller's thread. */
export function pendingSchemaStepsInWorker(dbPath: string, userMigrationsDir: string | undefined, engine: EngineChoice): Promise<string[]> {
  return run({ kind: 'pendingSchemaSteps', dbPath, userMigrationsDir, engine }, {});
}

/** checkDatabaseHealth on a worker thread: integrity_check of a large database takes seconds. */
export function healthInWorker(dbPath: string, engine: EngineChoice): Promise<DatabaseHealth> {
  return run({ kind: 'health', dbPath, engine }, {});
}

/** migrateFileUp on a worker thread (Run Migrations): errors keep their class, a failed script its place. */
export function migrationsUpInWorker(dbPath: string, opts: { userDir?: string; tz?: string; tool: string }, engine: EngineChoice): Promise<UpResult> {
  return run({ kind: 'migrationsUp', dbPath, ...opts, engine }, {});
}

/** migrateFileDown (forced: the caller has shown what it drops) on a worker thread. */
export function migrationsDownInWorker(dbPath: string, opts: { userDir?: string; tool: string }, engine: EngineChoice): Promise<DownResult> {
  return run({ kind: 'migrationsDown', dbPath, ...opts, engine }, {});
}

/** createBackup / restoreBackup on a worker thread. */
export function backupInWorker(dbPath: string, engine: EngineChoice): Promise<BackupResult> {
  return run({ kind: 'backup', dbPath, engine }, {});
}
export function restoreInWorker(dbPath: string, backupPath: string, tool: string, engine: EngineChoice): Promise<RestoreResult> {
  return run({ kind: 'restore', dbPath, backupPath, tool, engine }, {});
}

/** readStatus / previewRollback on a worker thread (each reads a snapshot of the whole file with wasm). */
export function migrationStatusInWorker(dbPath: string, userDir: string | undefined, engine: EngineChoice): Promise<StatusReport> {
  return run({ kind: 'migrationStatus', dbPath, userDir, engine }, {});
}
export function previewRollbackInWorker(dbPath: string, userDir: string | undefined, engine: EngineChoice): Promise<RollbackPreview> {
  return run({ kind: 'previewRollback', dbPath, userDir, engine }, {});
}

/** cutOverSource / rollBackCutover / listCutoverCandidates on a worker thread (cut over dual-reads the whole source). */
export function cutoverInWorker(dbPath: string, source: string, tz: string | undefined, engine: EngineChoice): Promise<CutoverResult> {
  return run({ kind: 'cutover', dbPath, source, tz, engine }, {});
}
export function rollBackCutoverInWorker(dbPath: string, source: string, engine: EngineChoice): Promise<CutoverResult> {
  return run({ kind: 'rollBackCutover', dbPath, source, engine }, {});
}
export function cutoverCandidatesInWorker(dbPath: string, engine: EngineChoice): Promise<CutoverCandidate[]> {
  return run({ kind: 'cutoverCandidates', dbPath, engine }, {});
}

/** listRejects (at most `limit` rows) of `dbPath`'s snapshot on a worker thread. */
export function listRejectsInWorker(dbPath: string, limit: number, engine: EngineChoice): Promise<RejectsPage> {
  return run({ kind: 'rejects', dbPath, limit, engine }, {});
}
