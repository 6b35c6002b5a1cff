/**
 * The native engine's reads and writes (docs/architecture.md "Storage model", native): the user's file is
 * opened in place and SQLite's own locking does the rest.
 * - Reads open it read-only: nothing a read does can reach the file, readers never block
 *   writers in WAL mode, and rows another program commits show up on the next read.
 * - Writes hold `<db>.lock` (one writer among Telemetry Lens processes) and run in
 *   `BEGIN IMMEDIATE` transactions with a busy timeout; long work commits in chunks at the
 *   commit points it offers (commitPoint()), so a hook's insert never waits long.
 * - The journal mode of a file Telemetry Lens did not create is never changed; databases it
 *   creates start in WAL mode.
 */
import { UsageError } from './errors';
import { refuseUnwritable } from './verifiedWriteBack';
import * as fs from 'fs';
import { WriteConflictError } from './errors';
import { headerJournalMode, readHead, readWholeSync, realPathOrSelf, sidecarPaths } from './fileState';
import * as path from 'path';
import { acquireLock } from './lockFile';
import { loadNodeSqlite, NativeDatabase, type NodeDatabaseSync } from './nativeSqlite';
import type { WalSummary } from './snapshotImage';
import { parseWal } from './walFormat';

/** How long a statement waits for another program's lock before SQLite reports busy. */
export const NATIVE_BUSY_TIMEOUT_MS = 10_000;
/** A write transaction is committed at the next commit point once it is this old (hooks wait at most about this long). */
export const NATIVE_CHUNK_MS = 400;
/**
 * After a chunk's commit the next transaction waits this long, so a writer that is waiting
 * gets in: SQLite's busy handler (python's sqlite3 too) polls every 100 ms once it has waited
 * 228 ms, and BEGIN IMMEDIATE right after COMMIT would win the lock again before it polls.
 */
export const NATIVE_GAP_MS = 100;

function openConnection(target: string, readOnly: boolean, busyTimeoutMs: number): NodeDatabaseSync {
  const { module, reason } = loadNodeSqlite();
  if (!module) throw new Error(`native engine unavailable: ${reason}`);
  const conn = new module.DatabaseSync(target, { readOnly });
  conn.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  return conn;
}

/** A native handle whose writes go to a transaction (write), nowhere (read, read-only) or memory. */
export class NativeHandle extends NativeDatabase {
  /** When the open write transaction began (performance.now()), for chunked commits. */
  txStartedAt = 0;
  /** A write handle on a file in WAL mode. */
  wal = false;
  /** Savepoints the work has open: a commit point inside one is skipped. */
  constructor(
    connection: NodeDatabaseSync,
    path: string,
    readonly mode: 'read' | 'write' | 'memory',
  ) {
    super(connection, path);
  }
}

export interface NativeSnapshotInfo {
  journalMode: 'wal' | 'rollback' | 'empty';
  wal: WalSummary;
}

function walSummary(dbPath: string): WalSummary {
  const empty: WalSummary = { present: false, bytes: 0, validFrames: 0, committedFrames: 0, databasePages: 0 };
  const bytes = readWholeSync(sidecarPaths(dbPath).wal);
  if (!bytes) return empty;
  const wal: WalSummary = { ...empty, present: true, bytes: bytes.length };
  const parsed = parseWal(bytes);
  if (parsed.kind === 'empty') return wal;
  if (parsed.kind === 'invalid-header') return { ...wal, ignoredBecause: parsed.reason };
  const { state } = parsed;
  return { ...wal, validFrames: state.validFrames, committedFrames: state.committedFrames, databasePages: state.databasePages };
}

/**
 * What to open for a read. A WAL database needs its -shm: a read-only connection creates it
 * when missing, and fails ("attempt to write a readonly database") where it cannot — a folder
 * this user may not write, a read-only file system. With no -shm and no -wal holding commits
 * there is nothing but the main file to read, so it is opened `immutable` (SQLite then takes no
 * locks and needs no -shm). Whoever could write it would have to create the -shm first, so a
 * change under the read shows as the -shm appearing; a read is short.
 */
function readTarget(dbPath: string, journalMode: 'wal' | 'rollback' | 'empty'): string {
  if (journalMode !== 'wal') return dbPath;
  const side = sidecarPaths(dbPath);
  if (fs.existsSync(side.shm)) return dbPath;
  try {
    if (fs.statSync(side.wal).size > 0) return dbPath; // commits to read: only SQLite's WAL index can (an error is mapped to exit 3)
  } catch {
    // no -wal
  }
  try {
    fs.accessSync(path.dirname(realPathOrSelf(dbPath)), fs.constants.W_OK);
    return dbPath;
  } catch {
    return `file:${realPathOrSelf(dbPath).replace(/[%?#]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())}?mode=ro&immutable=1`;
  }
}

/** Opens the file in place, read-only (a missing file reads as an empty in-memory database). */
export function openNativeRead(dbPath: string, opts: { busyTimeoutMs?: number } = {}): { db: NativeHandle; info: NativeSnapshotInfo } {
  const busy = opts.busyTimeoutMs ?? NATIVE_BUSY_TIMEOUT_MS;
  if (!fs.existsSync(dbPath) || fs.statSync(dbPath).size === 0) {
    return { db: new NativeHandle(openConnection(':memory:', false, busy), dbPath, 'memory'), info: { journalMode: 'empty', wal: walSummary(dbPath) } };
  }
  const head = readHead(dbPath, 100);
  // the same one-line usage error as the wasm engine's snapshot, before SQLite says "file is not a database"
  if (head.toString('latin1', 0, 16) !== 'SQLite format 3\u0000') throw new UsageError(`${dbPath} is not a SQLite database (its header does not start with "SQLite format 3")`);
  const journalMode = headerJournalMode(head);
  const db = new NativeHandle(openConnection(readTarget(dbPath, journalMode), true, busy), dbPath, 'read');
  const wal = walSummary(dbPath);
  return { db, info: { journalMode, wal } };
}

/** An empty in-memory native database (scratch, tests). */
export function openNativeMemory(): NativeHandle {
  return new NativeHandle(openConnection(':memory:', false, 0), ':memory:', 'memory');
}

export interface NativeWriteOptions {
  lockTimeoutMs?: number;
  tool?: string;
  busyTimeoutMs?: number;
  onPhase?: (phase: 'snapshot' | 'work' | 'write-back' | 'done') => void;
  /** asked before the first transaction begins (SQLite reads temp_store then): true sets temp_store = MEMORY */
  tempInMemory?: (db: NativeHandle) => boolean;
}

function inTransaction(conn: NodeDatabaseSync): boolean {
  const c = conn as unknown as { isTransaction?: boolean };
  if (typeof c.isTransaction === 'boolean') return c.isTransaction;
  try {
    conn.exec('BEGIN');
  } catch {
    return true;
  }
  conn.exec('ROLLBACK');
  return false;
}

function begin(db: NativeHandle): void {
  try {
    db.connection.exec('BEGIN IMMEDIATE');
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/busy|locked/i.test(msg)) throw new WriteConflictError(`could not write ${db.path}: another program kept it locked for ${NATIVE_BUSY_TIMEOUT_MS / 1000} s (${msg})`);
    throw e;
  }
  db.txStartedAt = performance.now();
}

/**
 * Runs `work` on the file itself under the single-writer lock, in a BEGIN IMMEDIATE
 * transaction committed when it returns (rolled back when it throws). `work` may call
 * commitPoint() between batches to commit what it did so far and start the next chunk.
 */
export async function withNativeWrite<T>(dbPath: string, work: (db: NativeHandle) => T | Promise<T>, opts: NativeWriteOptions = {}): Promise<T> {
  refuseUnwritable(dbPath);
  const lock = await acquireLock(dbPath, { timeoutMs: opts.lockTimeoutMs, tool: opts.tool });
  let db: NativeHandle | undefined;
  try {
    opts.onPhase?.('snapshot');
    const created = !fs.existsSync(dbPath) || fs.statSync(dbPath).size === 0;
    db = new NativeHandle(openConnection(dbPath, false, opts.busyTimeoutMs ?? NATIVE_BUSY_TIMEOUT_MS), dbPath, 'write');
    // our own new database: WAL, so the users' hooks and our readers never block each other
    if (created) db.connection.exec('PRAGMA journal_mode = WAL');
    // WAL only (never the file's journal mode): a commit does not wait for fsync; commits stay
    // atomic, and a power loss can only roll back the last ones — the ledger rolls back with
    // their rows, so a re-run is exact. (In rollback-journal mode NORMAL could corrupt: kept.)
    db.wal = String((db.connection.prepare('PRAGMA journal_mode').get() as { journal_mode?: string } | undefined)?.journal_mode).toLowerCase() === 'wal';
    if (db.wal) db.connection.exec('PRAGMA synchronous = NORMAL');
    // chunk commits checkpoint explicitly (nativeCommitPoint), the last one as SQLite would
    if (db.wal) db.connection.exec('PRAGMA wal_autocheckpoint = 0');
    if (opts.tempInMemory?.(db)) db.connection.exec('PRAGMA temp_store = MEMORY');
    begin(db);
    let result: T;
    try {
      opts.onPhase?.('work');
      result = await work(db);
      opts.onPhase?.('write-back');
      if (db.wal) db.connection.exec('PRAGMA wal_autocheckpoint = 1000');
      if (inTransaction(db.connection)) db.connection.exec('COMMIT');
    } catch (e) {
      if (inTransaction(db.connection)) db.connection.exec('ROLLBACK');
      throw e;
    }
    opts.onPhase?.('done');
    return result;
  } finally {
    db?.close();
    lock.release();
  }
}

/**
 * A point where the work may commit (native write handles only): when the open transaction is
 * older than `maxAgeMs`, it is committed and the next one begun, so other programs' writes get
 * in. Must be called with no savepoint open. Returns true when it committed.
 */
export function nativeCommitPoint(db: NativeHandle, maxAgeMs = NATIVE_CHUNK_MS, force = false): boolean {
  if (db.mode !== 'write') return false;
  if (!force && performance.now() - db.txStartedAt < maxAgeMs) return false;
  db.connection.exec('COMMIT');
  // the pause before the next chunk: first the checkpoint of the chunk just committed (what
  // SQLite's autocheckpoint would do inside COMMIT; other programs can write meanwhile, so it
  // counts as pause), then a synchronous wait for the rest (commit points are offered from
  // synchronous code; the parse workers keep going meanwhile)
  const paused = performance.now();
  if (db.wal) db.connection.exec('PRAGMA wal_checkpoint(PASSIVE)');
  const rest = NATIVE_GAP_MS - (performance.now() - paused);
  if (rest >= 1) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.ceil(rest));
  begin(db);
  return true;
}
