import * as fs from 'fs';

/**
 * The files SQLite keeps next to a database; their presence tells who is using it. They belong
 * to the real file: a symlinked path's sidecars are beside its target (as SQLite itself resolves
 * them), else a reader through the link misses a hook's -wal and a writer makes a second one.
 */
export function sidecarPaths(dbPath: string) {
  const real = realPathOrSelf(dbPath);
  return { wal: `${real}-wal`, shm: `${real}-shm`, journal: `${real}-journal`, lock: `${real}.lock` };
}

/** The file a (chain of) symbolic link(s) names; the path itself when it does not exist (yet) or dangles. */
export function realPathOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/** Identity of one file at one moment: enough to notice any write (inode for renames, ns mtime). */
export interface FileStamp {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  ctimeNs: bigint;
}

export function stampOf(p: string): FileStamp | null {
  try {
    const st = fs.statSync(p, { bigint: true });
    return { ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, ctimeNs: st.ctimeNs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export function sameStamp(a: FileStamp | null, b: FileStamp | null): boolean {
  if (a === null || b === null) return a === b;
  return a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/** The database and its sidecars as seen when a snapshot was taken. */
export interface DatabaseFileState {
  db: FileStamp | null;
  wal: FileStamp | null;
  shm: FileStamp | null;
  journal: FileStamp | null;
}

export function fileStateOf(dbPath: string): DatabaseFileState {
  const s = sidecarPaths(dbPath);
  return { db: stampOf(dbPath), wal: stampOf(s.wal), shm: stampOf(s.shm), journal: stampOf(s.journal) };
}

/** Same content-bearing files (db, -wal, -journal). The -shm is left out: readers touch it constantly. */
export function sameFileState(a: DatabaseFileState, b: DatabaseFileState): boolean {
  return sameStamp(a.db, b.db) && sameStamp(a.wal, b.wal) && sameStamp(a.journal, b.journal);
}

/**
 * Room behind a database image for it to grow in place (sql.js keeps the image as its file, see
 * sqljsPatch.ts): a quarter of its size, 1..256 MB. Room never written costs no memory.
 */
export function growthRoom(size: number): number {
  return Math.min(256 << 20, Math.max(1 << 20, Math.floor(size / 4)));
}

/** `size` bytes over an ArrayBuffer of their own (never Buffer's shared pool), zeroed, with growthRoom() behind. */
export function imageBuffer(size: number): Buffer {
  return Buffer.from(new ArrayBuffer(size + growthRoom(size)), 0, size);
}

/**
 * Reads a whole file through one descriptor, sized by fstat, without blocking the event loop
 * (the extension host stays responsive while a 100+ MB database is read). `asImage`: into an
 * imageBuffer().
 */
export async function readWholeAsync(p: string, asImage = false): Promise<Buffer | null> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(p, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const size = (await fh.stat()).size;
    const buf = asImage ? imageBuffer(size) : Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const { bytesRead } = await fh.read(buf, done, Math.min(size - done, 8 << 20), done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === size ? buf : buf.subarray(0, done);
  } finally {
    await fh.close();
  }
}

/** Reads a whole file through one descriptor, sized by fstat (small files: no event-loop turns). */
export function readWholeSync(p: string, asImage = false): Buffer | null {
  let fd: number;
  try {
    fd = fs.openSync(p, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const buf = asImage ? imageBuffer(size) : Buffer.allocUnsafe(size);
    let done = 0;
    while (done < size) {
      const n = fs.readSync(fd, buf, done, size - done, done);
      if (n === 0) break;
      done += n;
    }
    return done === size ? buf : buf.subarray(0, done);
  } finally {
    fs.closeSync(fd);
  }
}

/** First `n` bytes of a file (empty when missing): cheap re-check of headers after a long read. */
export function readHead(p: string, n: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(p, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw e;
  }
  try {
    const buf = Buffer.alloc(n);
    const got = fs.readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    fs.closeSync(fd);
  }
}

/** Journal mode recorded in the database header (bytes 18/19: 1 = rollback journal, 2 = WAL). */
export function headerJournalMode(image: Uint8Array): 'wal' | 'rollback' | 'empty' {
  if (image.length < 100) return 'empty';
  return image[18] === 2 || image[19] === 2 ? 'wal' : 'rollback';
}

/**
 * A `-journal` is hot (a rollback-mode write in progress or interrupted) when it is non-empty and
 * its header is not zeroed; TRUNCATE/PERSIST modes leave empty or zeroed journals behind after commit.
 */
export function isHotJournal(journalPath: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(journalPath, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  try {
    const head = Buffer.alloc(28);
    const n = fs.readSync(fd, head, 0, 28, 0);
    if (n === 0) return false;
    return head.subarray(0, n).some((b) => b !== 0);
  } finally {
    fs.closeSync(fd);
  }
}
