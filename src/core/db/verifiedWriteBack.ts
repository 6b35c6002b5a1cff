import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DatabaseFileState, fileStateOf, isHotJournal, sameStamp, sidecarPaths } from './fileState';
import { isProcessAlive, processesHolding } from './processInfo';

export type WriteBackOutcome = { written: true } | { written: false; cause: string };

export interface WriteBackOptions {
  /** Journal mode the file had; its header bytes 18/19 are restored (sql.js always exports 1/1). */
  journalMode: 'wal' | 'rollback' | 'empty';
  /** Windows: how long to keep retrying a rename refused because the file is open elsewhere. */
  renameRetryMs?: number;
}

const TEMP_MARK = '.tmp-';

/**
 * DESIGN.md §3: image → temp file in the same folder → fsync → verify nobody else touched the
 * database since `expected` → rename over it → fsync the folder. Returns the cause instead of
 * writing when another program is or was using the file; the caller re-snapshots and retries.
 */
export function writeBackVerified(dbPath: string, image: Uint8Array, expected: DatabaseFileState, opts: WriteBackOptions): WriteBackOutcome {
  const early = conflictCause(dbPath, expected);
  if (early) return { written: false, cause: early };
  const dir = path.dirname(dbPath);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${dbPath}${TEMP_MARK}${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    writeDurably(tmp, image, opts.journalMode, expected.db ? fileMode(dbPath) : undefined);
    // Checked again right before the rename: the window left is the rename syscall itself.
    const late = conflictCause(dbPath, expected);
    if (late) return { written: false, cause: late };
    const renameError = renameWithRetry(tmp, dbPath, opts.renameRetryMs ?? 3000);
    if (renameError) return { written: false, cause: renameError };
  } finally {
    removeQuietly(tmp); // no-op after a successful rename
  }
  fsyncDirectory(dir);
  return { written: true };
}

/** Why writing now would clobber someone else's work, or undefined when it is safe. */
export function conflictCause(dbPath: string, expected: DatabaseFileState): string | undefined {
  const side = sidecarPaths(dbPath);
  const now = fileStateOf(dbPath);
  const who = () => holdersSuffix(dbPath);
  if (now.wal) return `another program has the database open in WAL mode (${side.wal} exists)${who()}`;
  if (now.shm) return `another program has the database open in WAL mode (${side.shm} exists)${who()}`;
  if (now.journal && (isHotJournal(side.journal) || !sameStamp(now.journal, expected.journal))) {
    return `another program is writing the database (${side.journal} exists)${who()}`;
  }
  if (!sameStamp(now.db, expected.db)) {
    return `another program changed ${dbPath} since it was read${who()}`;
  }
  return undefined;
}

function holdersSuffix(dbPath: string): string {
  const holders = processesHolding(dbPath);
  return holders.length ? `; held open by ${holders.join(', ')}` : '';
}

function fileMode(p: string): number | undefined {
  try {
    return fs.statSync(p).mode & 0o7777;
  } catch {
    return undefined;
  }
}

function writeDurably(tmp: string, image: Uint8Array, journalMode: WriteBackOptions['journalMode'], mode: number | undefined): void {
  const fd = fs.openSync(tmp, 'wx', mode ?? 0o644);
  try {
    if (journalMode === 'wal' && image.length >= 100) {
      // Restore WAL mode in the file without copying the (possibly 100+ MB) image.
      const head = Buffer.from(image.subarray(0, 100));
      head[18] = 2;
      head[19] = 2;
      writeAll(fd, head, 0);
      writeAll(fd, image.subarray(100), 100);
    } else {
      writeAll(fd, image, 0);
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array, position: number): void {
  let done = 0;
  while (done < bytes.length) {
    done += fs.writeSync(fd, bytes, done, bytes.length - done, position + done);
  }
}

/**
 * Windows refuses to rename over a file another process has open (EPERM/EBUSY/EACCES), often
 * only briefly (virus scanners, indexers): retry with backoff, then report it plainly.
 */
function renameWithRetry(from: string, to: string, retryMs: number): string | undefined {
  const deadline = Date.now() + retryMs;
  let delay = 10;
  for (;;) {
    try {
      fs.renameSync(from, to);
      return undefined;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'EPERM' && code !== 'EBUSY' && code !== 'EACCES') throw e;
      if (Date.now() >= deadline) {
        return `the system refused to replace ${to} (${code}): another program keeps it open; close it and try again`;
      }
      sleepSync(delay);
      delay = Math.min(delay * 2, 250);
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Makes the rename itself durable; Windows cannot open folders for fsync, and needs not. */
function fsyncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function removeQuietly(p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    // absent is fine
  }
}

/** Deletes temp files left by a write-back that was killed (its pid is gone). Call under the lock. */
export function removeOrphanTempFiles(dbPath: string): void {
  const dir = path.dirname(dbPath);
  const prefix = path.basename(dbPath) + TEMP_MARK;
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (pid !== process.pid && !isProcessAlive(pid)) removeQuietly(path.join(dir, name));
  }
}
