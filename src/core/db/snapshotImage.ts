import { DatabaseBusyError, UsageError } from './errors';
import { DatabaseFileState, fileStateOf, headerJournalMode, isHotJournal, readHead, readWholeAsync, readWholeSync, sameFileState, sameStamp, sidecarPaths } from './fileState';
import { applyWal, parseWal, parseWalHeader, WAL_HEADER_BYTES } from './walFormat';

/** What a WAL contributed to a snapshot (shown by health, used by tests). */
export interface WalSummary {
  present: boolean;
  bytes: number;
  /** Why SQLite would ignore this WAL, when it would. */
  ignoredBecause?: string;
  validFrames: number;
  committedFrames: number;
  /** Page count after the last commit in the WAL (0 when none). */
  databasePages: number;
}

export interface SnapshotImage {
  /**
   * The database exactly as a new SQLite reader sees it: WAL applied, header bytes as on disk.
   * Its buffer belongs to it alone, with room to grow behind it (fileState.imageBuffer()).
   */
  image: Uint8Array;
  journalMode: 'wal' | 'rollback' | 'empty';
  /** File stamps before the read; write-back requires the disk to still look like this. */
  fileState: DatabaseFileState;
  wal: WalSummary;
}

export interface SnapshotReadOptions {
  /** Give up after this long when the files keep changing or a hot journal stays (default 5 s). */
  busyTimeoutMs?: number;
  /** Told why a read is repeated (files changed meanwhile, hot journal). */
  onRetry?: (cause: string) => void;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** Up to this size (database + WAL) a snapshot is read synchronously (a few ms from the page cache). */
const SYNC_READ_BYTES = 32n << 20n;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Reads the main file and its `-wal` as one consistent state: stamps before and after the read
 * must match (else something wrote meanwhile, so read again), and a hot `-journal` means a
 * rollback-mode transaction is half-written, so wait for it rather than read torn pages.
 */
export async function readSnapshotImage(dbPath: string, opts: SnapshotReadOptions = {}): Promise<SnapshotImage> {
  const deadline = Date.now() + (opts.busyTimeoutMs ?? 5000);
  const sidecars = sidecarPaths(dbPath);
  let delay = 5;
  let lastCause = '';
  // A WAL restart right after the read began is the usual reason to read again; the next one is
  // a whole checkpoint interval away, so the best moment to retry is at once (a few times).
  let changedWhileRead = false;
  let quickRetries = 0;
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) {
      opts.onRetry?.(lastCause);
      if (Date.now() > deadline) {
        throw new DatabaseBusyError(`could not read ${dbPath} consistently: ${lastCause}`);
      }
      if (changedWhileRead && quickRetries < 40) {
        quickRetries++;
        await new Promise((r) => setImmediate(r));
      } else {
        await sleep(delay);
        delay = Math.min(delay * 2, 200);
        quickRetries = 0;
      }
      changedWhileRead = false;
    }
    const before = fileStateOf(dbPath);
    if (before.journal && isHotJournal(sidecars.journal)) {
      lastCause = `another program is writing it (hot rollback journal ${sidecars.journal}); if no program is, open the database once with sqlite3 to roll the journal back`;
      continue;
    }
    const walHeadBefore = before.wal ? readHead(sidecars.wal, WAL_HEADER_BYTES) : null;
    // A busy writer restarts its WAL every few milliseconds; each event-loop turn of an async
    // read (worse on a loaded machine) widens the window in which that forces a re-read, up to
    // starving the reader. Small files are read in one go; big ones keep the host responsive.
    const small = (before.db?.size ?? 0n) + (before.wal?.size ?? 0n) <= SYNC_READ_BYTES;
    const main = small ? readWholeSync(dbPath, true) : await readWholeAsync(dbPath, true);
    const walBytes = before.wal ? (small ? readWholeSync(sidecars.wal) : await readWholeAsync(sidecars.wal)) : null;
    const after = fileStateOf(dbPath);
    if (!walGenerationHeld(walHeadBefore, walBytes, before, after, sidecars.wal)) {
      if (!sameFileState(before, after)) {
        lastCause = `it kept changing while being read (${describeChange(before, after)})`;
        changedWhileRead = true;
        continue;
      }
      // Also compare the headers, which every rollback-mode commit (file change counter) and
      // every WAL restart (salts) rewrite, in case a file system keeps coarse timestamps.
      if (!headMatches(dbPath, main, 100) || (walBytes !== null && !headMatches(sidecars.wal, walBytes, 32))) {
        lastCause = 'its header changed while being read';
        changedWhileRead = true;
        continue;
      }
    }
    if (main === null) {
      return { image: new Uint8Array(0), journalMode: 'empty', fileState: before, wal: emptyWal() };
    }
    if (main.length > 0 && (main.length < 100 || !main.subarray(0, 16).equals(SQLITE_MAGIC))) {
      throw new UsageError(`${dbPath} is not a SQLite database (its header does not start with "SQLite format 3")`);
    }
    return { ...withWalApplied(main, walBytes), fileState: before };
  }
}

/**
 * In WAL mode a busy writer changes the files all the time, so "nothing changed" may never hold.
 * It is enough that one WAL generation (same file, same header and salts) lasted from before the
 * main file was read until after the WAL was read: the WAL then only grew, and a checkpoint only
 * copies into the main file pages whose committed versions are in the WAL we read and are laid
 * over the image anyway. A restart (new salts) or a new/removed WAL means read again.
 */
function walGenerationHeld(headBefore: Buffer | null, walBytes: Uint8Array | null, before: DatabaseFileState, after: DatabaseFileState, walPath: string): boolean {
  if (!headBefore || !walBytes || !before.wal || !after.wal || before.wal.ino !== after.wal.ino) return false;
  if (headBefore.length < WAL_HEADER_BYTES || typeof parseWalHeader(headBefore) === 'string') return false;
  if (!sameStamp(before.journal, after.journal)) return false;
  const inRead = Buffer.from(walBytes.buffer, walBytes.byteOffset, Math.min(walBytes.byteLength, WAL_HEADER_BYTES));
  return headBefore.equals(inRead) && headBefore.equals(readHead(walPath, WAL_HEADER_BYTES));
}

function headMatches(p: string, content: Uint8Array | null, n: number): boolean {
  const head = readHead(p, n);
  const expected = content === null ? new Uint8Array(0) : content.subarray(0, Math.min(n, content.length));
  return Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength).equals(head);
}

function emptyWal(): WalSummary {
  return { present: false, bytes: 0, validFrames: 0, committedFrames: 0, databasePages: 0 };
}

function withWalApplied(main: Uint8Array, walBytes: Uint8Array | null): Omit<SnapshotImage, 'fileState'> {
  const journalMode = headerJournalMode(main);
  if (walBytes === null) return { image: main, journalMode, wal: emptyWal() };
  const parsed = parseWal(walBytes);
  const wal: WalSummary = { ...emptyWal(), present: true, bytes: walBytes.length };
  if (parsed.kind === 'empty') return { image: main, journalMode, wal };
  if (parsed.kind === 'invalid-header') return { image: main, journalMode, wal: { ...wal, ignoredBecause: parsed.reason } };
  const { state } = parsed;
  const image = applyWal(main, walBytes, state);
  return {
    image,
    journalMode: headerJournalMode(image),
    wal: { ...wal, validFrames: state.validFrames, committedFrames: state.committedFrames, databasePages: state.databasePages },
  };
}

function describeChange(a: DatabaseFileState, b: DatabaseFileState): string {
  const names: string[] = [];
  for (const k of ['db', 'wal', 'journal'] as const) {
    const x = a[k];
    const y = b[k];
    if (x === null && y === null) continue;
    if (x === null || y === null || x.ino !== y.ino || x.size !== y.size || x.mtimeNs !== y.mtimeNs || x.ctimeNs !== y.ctimeNs) {
      names.push(k === 'db' ? 'database file' : `-${k}`);
    }
  }
  return `${names.join(', ')} changed`;
}
