/**
 * Public face of the storage engines (docs/architecture.md "Storage model").
 * Everything else reads through openSnapshot() and writes through withWrite(), typed with
 * SqlDatabase; which engine runs (engine.ts) is chosen here and nowhere else.
 */
import type { Database, SqlJsStatic } from 'sql.js';
import { describeEngine, resolveEngine, type EngineChoice, type EngineInfo } from './engine';
import { asWriteError, WriteConflictError } from './errors';
import { acquireLock } from './lockFile';
import { NATIVE_CHUNK_MS, NativeHandle, nativeCommitPoint, openNativeMemory, openNativeRead, withNativeWrite } from './nativeStore';
import { readSnapshotImage, SnapshotImage, SnapshotReadOptions } from './snapshotImage';
import type { SqlDatabase } from './sqlTypes';
import { loadSqlJs, memoryFile, openImage } from './sqljs';
import { removeOrphanTempFiles, writeBackVerified } from './verifiedWriteBack';

export type { BindParams, QueryExecResult, SqlDatabase, SqlParamsObject, SqlStatement, SqlValue } from './sqlTypes';
export type { EngineChoice, EngineInfo, EngineName } from './engine';
export { describeEngine, resolveEngine, setDefaultEngine, defaultEngineChoice, isEngineChoice, ENGINE_CHOICES } from './engine';

/** Every open and write takes one: which engine (default: setDefaultEngine / TL_ENGINE / auto). */
export interface EngineOptions {
  engine?: EngineChoice;
}

export interface WriteOptions {
  /** Called before each retry after a concurrent change was detected. */
  onRetry?: (attempt: number, cause: string) => void;
  /** How long to wait for the lock held by another window / CLI run (default 10 s). */
  lockTimeoutMs?: number;
  /** Snapshot + work + write-back cycles before giving up with WriteConflictError (default 5). */
  maxAttempts?: number;
  /** Who holds the lock, shown to other waiters (e.g. "telemetry-lens cli"). */
  tool?: string;
  /** Progress of each cycle (status bars, and tests that must hit a precise moment). */
  onPhase?: (phase: 'snapshot' | 'work' | 'write-back' | 'done') => void;
  /** Write back even when `work` changed nothing detectable (default: skip the write). */
  forceWrite?: boolean;
  /** Storage engine (default: setDefaultEngine / TL_ENGINE / auto). */
  engine?: EngineChoice;
  /**
   * Native engine: asked on the connection before the write transaction begins (SQLite fixes
   * it then): true keeps temporary structures (the savepoint and statement journals) in memory
   * instead of temp files. Only for small writes, whose journals hold a few pages.
   */
  tempInMemory?: (db: SqlDatabase) => boolean;
}

export interface SnapshotOptions extends SnapshotReadOptions, EngineOptions {}

/** What a read saw on disk (health): journal mode and the WAL's state. */
export type SnapshotInfo = Pick<SnapshotImage, 'journalMode' | 'wal'> & Partial<Pick<SnapshotImage, 'fileState'>>;

/**
 * A read-only view of the database; close it when done. Nothing done through it reaches the
 * file: wasm reads a consistent in-memory snapshot (WAL applied), native opens the file in
 * place read-only (scratch tables go to the temp schema, see isLiveReadOnly()).
 */
export async function openSnapshot(dbPath: string, opts: SnapshotOptions = {}): Promise<SqlDatabase> {
  return (await openSnapshotWithInfo(dbPath, opts)).db;
}

/** Like openSnapshot, plus what was on disk (journal mode, WAL frames) and which engine ran. */
export async function openSnapshotWithInfo(dbPath: string, opts: SnapshotOptions = {}): Promise<{ db: SqlDatabase; snapshot: SnapshotInfo; engine: EngineInfo }> {
  const engine = resolveEngine(opts.engine);
  if (engine.name === 'native') {
    const { db, info } = openNativeRead(dbPath, { busyTimeoutMs: opts.busyTimeoutMs });
    return { db, snapshot: info, engine };
  }
  const SQL = await loadSqlJs();
  const read = await readSnapshotImage(dbPath, opts);
  const db = openSnapshotImage(SQL, read);
  const { image: _image, ...snapshot } = read;
  return { db, snapshot, engine };
}

/** An empty scratch database in memory on the chosen engine (nothing on disk). */
export async function openMemoryDatabase(opts: EngineOptions = {}): Promise<SqlDatabase> {
  if (resolveEngine(opts.engine).name === 'native') return openNativeMemory();
  return new (await loadSqlJs()).Database();
}

/** The engine a handle belongs to. */
export function engineOf(db: SqlDatabase): 'native' | 'wasm' {
  return db instanceof NativeHandle ? 'native' : 'wasm';
}

/**
 * True for a native read handle on the live file: it is read-only, so code that needs scratch
 * tables (e.g. in-memory rollups) must create them in the `temp` schema. Wasm snapshots and
 * in-memory databases take writes anywhere (they never reach a file).
 */
export function isLiveReadOnly(db: SqlDatabase): boolean {
  return db instanceof NativeHandle && db.mode === 'read';
}

/** True for a native write handle: writes go straight into the file (commitPoint() applies). */
export function writesInPlace(db: SqlDatabase): boolean {
  return db instanceof NativeHandle && db.mode === 'write';
}

/**
 * Offers a commit between batches of a long write. Native: commits the chunk when the open
 * transaction is older than ~400 ms (or `force`), checkpoints and pauses ~100 ms (a waiting
 * writer's busy handler polls every 100 ms) before the next, so other programs' inserts wait
 * at most about half a second; must not be called inside a savepoint. Wasm: nothing (its
 * write-back is all or nothing). Returns true when it committed.
 */
export function commitPoint(db: SqlDatabase, opts: { force?: boolean; maxAgeMs?: number } = {}): boolean {
  return db instanceof NativeHandle ? nativeCommitPoint(db, opts.maxAgeMs, opts.force) : false;
}

/** The wasm engine's module for the sql.js C-API insert path (ingest/rawInsert.ts); null on native handles. */
export async function wasmModule(db: SqlDatabase): Promise<unknown> {
  return db instanceof NativeHandle ? null : loadSqlJs();
}

/**
 * Bytes a wasm in-memory image holds now (0 when unknown or native), and making room for a big
 * load up front so the image is not reallocated and copied as it grows.
 */
export function reserveImageRoom(db: SqlDatabase, sourceBytes: number): void {
  if (db instanceof NativeHandle) return;
  const file = memoryFile(db as unknown as Database);
  if (!file) return;
  const size = file.bytes().length;
  if (sourceBytes > 2 * size) file.reserve(size + sourceBytes + (16 << 20));
}

/** True when commitPoint() would commit now (a native write transaction older than ~400 ms). */
export function commitDue(db: SqlDatabase, maxAgeMs = NATIVE_CHUNK_MS): boolean {
  return db instanceof NativeHandle && db.mode === 'write' && performance.now() - db.txStartedAt >= maxAgeMs;
}

/** "native: node:sqlite loaded (Node 22.23.5)" for the engine a choice resolves to. */
export function engineSummary(choice?: EngineChoice): string {
  return describeEngine(resolveEngine(choice));
}

/**
 * Hands the snapshot's image to sql.js (which keeps it, room included, on the patched build)
 * and drops our reference to it: on an unpatched build sql.js copied it, and a reference left
 * in an async frame would keep one more database size alive through the work and write-back.
 */
function openSnapshotImage(SQL: SqlJsStatic, read: SnapshotImage): Database {
  const image = sqlJsCompatible(read.image);
  read.image = new Uint8Array(0);
  return openImage(SQL, image, true);
}

/**
 * sql.js has no shared memory, so it cannot open a file whose header says WAL (bytes 18/19 = 2).
 * The image is ours (freshly read), so patch it in place to rollback mode; write-back restores it.
 */
function sqlJsCompatible(image: Uint8Array): Uint8Array {
  if (image.length >= 100 && (image[18] === 2 || image[19] === 2)) {
    image[18] = 1;
    image[19] = 1;
  }
  return image;
}

/**
 * Runs `work` on a fresh snapshot under the single-writer lock and writes the result back
 * atomically. `work` must be idempotent: it is re-run on a new snapshot when another
 * program changed the file meanwhile. Nothing is written when `work` changed nothing.
 */
export async function withWrite<T>(dbPath: string, work: (db: SqlDatabase) => T | Promise<T>, opts: WriteOptions = {}): Promise<T> {
  try {
    return await (resolveEngine(opts.engine).name === 'native' ? withNativeWrite(dbPath, work, opts) : withWasmWrite(dbPath, work, opts));
  } catch (e) {
    // a full disk, a read-only file system, no permission: exit 3 naming the database, on both engines
    throw asWriteError(e, dbPath);
  }
}

async function withWasmWrite<T>(dbPath: string, work: (db: SqlDatabase) => T | Promise<T>, opts: WriteOptions): Promise<T> {
  const SQL = await loadSqlJs();
  const lock = await acquireLock(dbPath, { timeoutMs: opts.lockTimeoutMs, tool: opts.tool });
  try {
    removeOrphanTempFiles(dbPath);
    const maxAttempts = opts.maxAttempts ?? 5;
    let lastCause = '';
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        opts.onRetry?.(attempt, lastCause);
        await new Promise((r) => setTimeout(r, 40 * 2 ** (attempt - 2) * (0.5 + Math.random())));
      }
      opts.onPhase?.('snapshot');
      const snapshotRead = await readSnapshotImage(dbPath);
      const { fileState, journalMode } = snapshotRead;
      const db: Database = openSnapshotImage(SQL, snapshotRead);
      let result: T;
      let image: Uint8Array;
      try {
        // The in-memory copy needs no on-disk journal: a crash loses it either way.
        db.run('PRAGMA journal_mode = MEMORY');
        const before = changeMarker(db);
        opts.onPhase?.('work');
        result = await work(db);
        if (!opts.forceWrite && changeMarker(db) === before) return result;
        opts.onPhase?.('write-back');
        image = committedImage(db);
      } finally {
        db.close();
      }
      const outcome = writeBackVerified(dbPath, image, fileState, { journalMode });
      if (outcome.written) {
        opts.onPhase?.('done');
        return result;
      }
      lastCause = outcome.cause;
    }
    throw new WriteConflictError(`could not write ${dbPath} after ${maxAttempts} tries: ${lastCause}`);
  } finally {
    lock.release();
  }
}

/**
 * The database image to write back. On the patched sql.js this is the in-memory file itself
 * (no copy of a possibly 200+ MB image): with the in-memory journal every committed page is in
 * that file, so it equals what export() would copy once no transaction is open and its size is
 * page_count x page_size. Anything else takes export().
 */
function committedImage(db: Database): Uint8Array {
  const file = memoryFile(db);
  if (file && !inTransaction(db) && String(db.exec('PRAGMA journal_mode')[0]?.values[0]?.[0]) !== 'wal') {
    const r = db.exec('SELECT page_count * page_size FROM pragma_page_count, pragma_page_size');
    const bytes = file.bytes();
    if (bytes.length > 0 && bytes.length === Number(r[0]?.values[0]?.[0])) {
      // what export() does too: the file says rollback journal (write-back restores WAL)
      bytes[18] = 1;
      bytes[19] = 1;
      return bytes;
    }
  }
  return db.export();
}

function inTransaction(db: Database): boolean {
  try {
    db.run('BEGIN');
  } catch {
    return true;
  }
  db.run('ROLLBACK');
  return false;
}

/** Changes in any of these mean the image differs from what was read (DDL, rows, header fields). */
function changeMarker(db: Database): string {
  const r = db.exec(
    'SELECT total_changes(), (SELECT schema_version FROM pragma_schema_version), (SELECT user_version FROM pragma_user_version), ' +
      '(SELECT application_id FROM pragma_application_id), (SELECT page_count FROM pragma_page_count), (SELECT freelist_count FROM pragma_freelist_count)',
  );
  return JSON.stringify(r[0]?.values[0] ?? []);
}
