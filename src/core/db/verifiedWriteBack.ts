import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { WriteConflictError } from './errors';
import { DatabaseFileState, FileStamp, fileStateOf, isHotJournal, sameStamp, sidecarPaths, stampOf } from './fileState';
import { canListOpenFiles, describeHolders, holdersOf, isProcessAlive, processesHolding } from './processInfo';

export type WriteBackOutcome = { written: true } | { written: false; cause: string };

export interface WriteBackOptions {
  /** Journal mode the file had; its header bytes 18/19 are restored (sql.js always exports 1/1). */
  journalMode: 'wal' | 'rollback' | 'empty';
  /** Windows: how long to keep retrying a rename refused because the file is open elsewhere. */
  renameRetryMs?: number;
  /** Test seam: runs right before and right after the rename (to open the file at the worst moment). */
  onReplaceStep?: (step: 'before-rename' | 'after-rename') => void;
}

const TEMP_MARK = '.tmp-';

/**
 * docs/architecture.md §3: image → temp file in the same folder → fsync → verify nobody else touched the
 * database since `expected` → rename over it → fsync the folder. Returns the cause instead of
 * writing when another program is or was using the file; the caller re-snapshots and retries.
 *
 * An SQLite connection holds its file open from connect() on, before it takes any lock or makes
 * a -wal; if the file is replaced under it, its next commit goes to the old file and, in WAL
 * mode, leaves a -wal that no longer matches the new file (a corrupt database for the next
 * reader). So where open files are visible (Linux), nobody may hold the file just before the
 * rename, and anybody found holding the old file just after it gets the old file back: the
 * rename is undone through a hard link kept for that moment.
 */
export function writeBackVerified(givenPath: string, image: Uint8Array, expected: DatabaseFileState, opts: WriteBackOptions): WriteBackOutcome {
  // a symlinked database is written through: the real file gets the rows, the link stays a link
  const dbPath = linkTarget(givenPath);
  refuseUnwritable(dbPath);
  const early = conflictCause(dbPath, expected);
  if (early) return { written: false, cause: early };
  const leftovers = abandonedSidecars(dbPath, expected);
  const dir = path.dirname(dbPath);
  fs.mkdirSync(dir, { recursive: true });
  const stamp = `${TEMP_MARK}${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  const tmp = `${dbPath}${stamp}`;
  const previous = `${dbPath}${stamp}.prev`;
  let keepPrevious = false;
  try {
    writeDurably(tmp, image, opts.journalMode, expected.db ? fileMode(dbPath) : undefined);
    if (expected.db) keepOwner(tmp, dbPath);
    if (expected.db && !timestampsTellApart(tmp, expected.db)) {
      return { written: false, cause: `${dbPath} was modified too recently to tell a later write apart (its modification time is not older than now)` };
    }
    const holders = expected.db ? holdersOf(dbPath) : [];
    if (holders.length) return { written: false, cause: `another program has the database open: ${describeHolders(holders)}` };
    // Checked again right before the rename (after the slower holder scan).
    const late = conflictCause(dbPath, expected);
    if (late) return { written: false, cause: late };
    const canUndo = expected.db !== null && linkQuietly(dbPath, previous);
    // The old file as it is right before the rename (the link itself moved its ctime).
    const oldAtRename = canUndo ? stampOf(previous) : null;
    if (canUndo && expected.db && !sameContentStamp(oldAtRename, expected.db)) {
      return { written: false, cause: `another program changed ${dbPath} since it was read${holdersSuffix(dbPath)}` };
    }
    const oursAtRename = stampOf(tmp);
    opts.onReplaceStep?.('before-rename');
    const renameError = renameWithRetry(tmp, dbPath, opts.renameRetryMs ?? 3000);
    if (renameError) return { written: false, cause: renameError };
    // a -wal/-shm a killed program left (nobody holds them, unchanged since the snapshot, which
    // applied the WAL): it must not be replayed onto the new file, nor block every later write
    if (leftovers && abandonedSidecars(dbPath, expected)) {
      const side = sidecarPaths(dbPath);
      removeQuietly(side.wal);
      removeQuietly(side.shm);
    }
    opts.onReplaceStep?.('after-rename');
    if (expected.db && canUndo && oldAtRename) {
      const opener = openedDuringReplace(dbPath, expected.db.ino, previous, oldAtRename);
      if (opener) {
        // Putting the old file back is a replace too: whoever opened ours meanwhile must not lose
        // what they wrote, so ours keeps a name until it is known that nobody did.
        const replacement = `${dbPath}${stamp}.new`;
        const canKeepOurs = linkQuietly(dbPath, replacement);
        try {
          fs.renameSync(previous, dbPath); // the old file, with whatever the opener wrote, is back in place
        } catch (e) {
          keepPrevious = true; // the only name left for the other program's file: never delete it
          throw new WriteConflictError(`${opener} while it was being replaced, and putting its file back failed (${(e as Error).message}); it is kept as ${previous}`);
        }
        fsyncDirectory(dir);
        const onOurs = oursAtRename ? holdersOf(dbPath).filter((h) => h.ino === oursAtRename.ino) : [];
        const oursChanged = canKeepOurs && oursAtRename !== null && !sameContentStamp(stampOf(replacement), oursAtRename);
        if (onOurs.length || oursChanged) {
          throw new WriteConflictError(
            `${opener} while it was being replaced, and ${onOurs.length ? describeHolders(onOurs) : 'another program'} used the replacement before it was taken back: ` +
              `nothing was deleted — ${dbPath} is the other program's file, ${canKeepOurs ? replacement : 'the replacement'} holds what was written to the replacement; ` +
              `check both with sqlite3 (PRAGMA integrity_check) once those programs have finished`,
          );
        }
        if (canKeepOurs) removeQuietly(replacement);
        return { written: false, cause: `${opener} while it was being replaced; its version was kept` };
      }
    }
  } finally {
    removeQuietly(tmp); // no-op after a successful rename
    if (!keepPrevious) removeQuietly(previous);
  }
  fsyncDirectory(dir);
  return { written: true };
}

/**
 * Someone who opened the replaced file between the holder scan and the rename: still holding it,
 * or already gone. A connection that committed and closed leaves no open file and, having
 * checkpointed and deleted its -wal/-shm (or committed in rollback mode), no sidecar either:
 * only the old file itself (still reachable through the link `previous`) shows its write.
 * Holders first: anybody who closes after being missed by the scan has written before closing.
 */
function openedDuringReplace(dbPath: string, oldIno: bigint, previous: string, oldAtRename: FileStamp): string | undefined {
  // A single stat first: the sooner a write is seen, the shorter the time the replacement is exposed.
  if (!sameContentStamp(stampOf(previous), oldAtRename)) return 'another program wrote the database (the replaced file changed)';
  if (!canListOpenFiles) return undefined;
  const holders = holdersOf(dbPath);
  const ofOld = holders.filter((h) => h.ino === oldIno);
  if (ofOld.length) return `another program opened the database (${describeHolders(ofOld)})`;
  // Not ctime: losing its name in the rename moves it.
  if (!sameContentStamp(stampOf(previous), oldAtRename)) return 'another program wrote the database (the replaced file changed)';
  const side = sidecarPaths(dbPath);
  if (holders.length === 0 && (fs.existsSync(side.wal) || fs.existsSync(side.shm))) {
    return `another program wrote the database (${side.wal} appeared)`;
  }
  return undefined;
}

/** Same inode, size and modification time (ctime moves when the file is hard-linked). */
function sameContentStamp(a: FileStamp | null, b: FileStamp): boolean {
  return a !== null && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/**
 * A write to the old file is only visible in its stamp if it gets a different modification time.
 * File systems with coarse clocks give writes within one tick the same time, so a write right
 * after the snapshot could look like no write at all. The temp file was written after the
 * snapshot: once its time is later than the database's, any later write gets a later time too.
 */
function timestampsTellApart(tmp: string, db: FileStamp): boolean {
  const deadline = Date.now() + 200;
  for (;;) {
    const t = stampOf(tmp);
    if (t && t.mtimeNs > db.mtimeNs) return true;
    if (Date.now() > deadline) return false;
    sleepSync(2);
    const fd = fs.openSync(tmp, 'r+');
    try {
      const first = Buffer.alloc(1);
      fs.readSync(fd, first, 0, 1, 0);
      fs.writeSync(fd, first, 0, 1, 0); // same byte: only the modification time moves
    } finally {
      fs.closeSync(fd);
    }
  }
}

function linkQuietly(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch {
    return false; // file systems without hard links: no undo, the holder scans still apply
  }
}

/** The file a (chain of) symbolic link(s) names; the path itself when it is no link or dangles. */
function linkTarget(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * A database the user made read-only (mode 0444, or not writable by this user) is never
 * replaced: renaming over it would succeed, since only the folder's permission counts. The
 * native engine asks too: root opens a 0444 file for writing all the same.
 */
export function refuseUnwritable(dbPath: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dbPath);
  } catch {
    return; // a new database
  }
  const mode = (st.mode & 0o777).toString(8).padStart(4, '0');
  let writable = (st.mode & 0o222) !== 0;
  if (writable) {
    try {
      fs.accessSync(dbPath, fs.constants.W_OK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EROFS') throw new WriteConflictError(`could not write ${dbPath}: the file system is read-only — nothing was written; choose a database on a writable disk`);
      writable = false;
    }
  }
  if (!writable) throw new WriteConflictError(`${dbPath} is read-only (mode ${mode}); nothing was written — make it writable (chmod u+w) or give another database`);
}

/**
 * The new file gets the old one's owner and group. Root can always; another user only when it
 * is the owner (the group is kept where allowed). Replacing someone else's file with one this
 * user owns would make the owner's own hooks fail, so that is refused.
 */
function keepOwner(tmp: string, dbPath: string): void {
  const old = fs.statSync(dbPath);
  const ours = fs.statSync(tmp);
  if (old.uid === ours.uid && old.gid === ours.gid) return;
  try {
    fs.chownSync(tmp, old.uid, old.gid);
    return;
  } catch {
    // not root
  }
  if (old.uid !== ours.uid) {
    throw new WriteConflictError(`${dbPath} belongs to user id ${old.uid}; writing it as user id ${ours.uid} would change its owner — run as its owner (or root)`);
  }
  try {
    fs.chownSync(tmp, old.uid, ours.gid);
  } catch {
    // the group stays ours: not a member of the file's group
  }
}

/**
 * True when the -wal/-shm beside the database were left by a program that is gone: open files
 * can be listed, nobody holds the database or either sidecar, and both are as they were when
 * the snapshot (which applied the WAL's committed transactions) was read.
 */
function abandonedSidecars(dbPath: string, expected: DatabaseFileState): boolean {
  if (!canListOpenFiles) return false;
  const side = sidecarPaths(dbPath);
  const now = fileStateOf(dbPath);
  if (!now.wal && !now.shm) return false;
  if (!sameStamp(now.wal, expected.wal) || !sameStamp(now.shm, expected.shm)) return false;
  return holdersOf(dbPath).length === 0 && holdersOf(side.wal).length === 0 && holdersOf(side.shm).length === 0;
}

/** Why writing now would clobber someone else's work, or undefined when it is safe. */
export function conflictCause(dbPath: string, expected: DatabaseFileState): string | undefined {
  const side = sidecarPaths(dbPath);
  const now = fileStateOf(dbPath);
  const who = () => holdersSuffix(dbPath);
  if ((now.wal || now.shm) && abandonedSidecars(dbPath, expected)) {
    if (!sameStamp(now.db, expected.db)) return `another program changed ${dbPath} since it was read${who()}`;
    return undefined;
  }
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
    // exactly the old file's mode (open's mode is cut by the umask)
    if (mode !== undefined) fs.fchmodSync(fd, mode);
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
