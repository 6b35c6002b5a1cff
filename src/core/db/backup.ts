import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { asWriteError, CheckFailedError, UsageError, WriteConflictError } from './errors';
import { acquireLock } from './lockFile';
import { checkOutputTarget } from './outputTarget';
import { readSnapshotImage } from './snapshotImage';
import { loadSqlJs } from './sqljs';
import { writeBackVerified } from './verifiedWriteBack';

export const DEFAULT_BACKUPS_KEPT = 7;

export interface BackupResult {
  path: string;
  bytes: number;
  /** Older backups deleted to keep the last N. */
  removed: string[];
}

export interface BackupInfo {
  path: string;
  bytes: number;
  createdAt: Date;
}

export function backupsFolder(dbPath: string): string {
  return path.join(path.dirname(dbPath), 'backups');
}

function stemOf(dbPath: string): string {
  return path.basename(dbPath).replace(/\.[^.]*$/, '');
}

/** `telemetry-20260122-143000123.db`: sortable by name, and recognisable as ours when pruning. */
function backupPattern(dbPath: string): RegExp {
  const stem = stemOf(dbPath).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${stem}-(\\d{8})-(\\d{9})(-[a-z-]+)?\\.db$`);
}

function timestampName(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}${p(d.getUTCMilliseconds(), 3)}`;
}

/**
 * Consistent copy of the database as a reader sees it now (WAL applied), written atomically.
 * Without `out` it goes to `<dbdir>/backups/` and only the newest `keep` backups stay.
 */
export async function createBackup(dbPath: string, opts: { out?: string; keep?: number; label?: string; /** how a refusal names `out` (default `--out FILE`) */ outLabel?: string } = {}): Promise<BackupResult> {
  const snap = await readSnapshotImage(dbPath);
  if (snap.fileState.db === null) throw new UsageError(`no database at ${dbPath}`);
  let target = opts.out ? path.resolve(opts.out) : '';
  if (target) checkOutputTarget(target, { db: dbPath, kind: 'database', label: opts.outLabel ?? `--out ${opts.out}` });
  if (!target) {
    const dir = backupsFolder(dbPath);
    if (!fs.existsSync(dir)) {
      try {
        // (a recursive mkdir on a read-only file system says ENOENT: ask the folder first)
        fs.accessSync(path.dirname(dir), fs.constants.W_OK);
        fs.mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw asWriteError(Object.assign(new Error(String(e)), { code: (e as NodeJS.ErrnoException).code }), dir);
      }
    }
    const base = `${stemOf(dbPath)}-${timestampName(new Date())}${opts.label ? `-${opts.label}` : ''}`;
    target = path.join(dir, `${base}.db`);
    for (let n = 1; fs.existsSync(target); n++) target = path.join(dir, `${base}-${'x'.repeat(n)}.db`);
  }
  writeNewFileAtomically(target, snap.image);
  const removed = opts.out ? [] : pruneBackups(dbPath, opts.keep ?? DEFAULT_BACKUPS_KEPT);
  return { path: target, bytes: snap.image.length, removed };
}

/** Newest first. */
export function listBackups(dbPath: string): BackupInfo[] {
  const dir = backupsFolder(dbPath);
  const pattern = backupPattern(dbPath);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => pattern.test(n))
    .sort()
    .reverse()
    .map((n) => {
      const p = path.join(dir, n);
      const st = fs.statSync(p);
      return { path: p, bytes: st.size, createdAt: st.mtime };
    });
}

function pruneBackups(dbPath: string, keep: number): string[] {
  const removed: string[] = [];
  for (const b of listBackups(dbPath).slice(Math.max(keep, 1))) {
    fs.unlinkSync(b.path);
    removed.push(b.path);
  }
  return removed;
}

function writeNewFileAtomically(target: string, image: Uint8Array): void {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    const fd = fs.openSync(tmp, 'wx');
    try {
      let done = 0;
      while (done < image.length) done += fs.writeSync(fd, image, done, image.length - done, done);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, target);
  } catch (e) {
    throw asWriteError(e, target); // a full disk names the backup it could not write (exit 3)
  } finally {
    if (fs.existsSync(tmp)) fs.unlinkSync(tmp);
  }
}

export interface RestoreResult {
  restoredFrom: string;
  /** Backup of the state that was replaced (restore is undoable). */
  previousStateBackup: string | null;
}

/**
 * Replaces the database with a backup through the same lock and verified write-back as every
 * write: refuses while another program has the file open, keeps the file's journal mode, and
 * first backs up the state it replaces.
 */
export async function restoreBackup(dbPath: string, backupPath: string, opts: { lockTimeoutMs?: number; tool?: string } = {}): Promise<RestoreResult> {
  const backup = await readSnapshotImage(backupPath);
  if (backup.fileState.db === null) throw new UsageError(`no backup at ${backupPath}`);
  const image = backup.image;
  if (image.length >= 100) {
    image[18] = 1; // sql.js (for the check) and write-back both start from rollback-mode bytes
    image[19] = 1;
  }
  await assertIntact(image, backupPath);
  const lock = await acquireLock(dbPath, { timeoutMs: opts.lockTimeoutMs, tool: opts.tool });
  try {
    let lastCause = '';
    let previous: string | null = null;
    for (let attempt = 1; attempt <= 5; attempt++) {
      if (attempt > 1) await new Promise((r) => setTimeout(r, 50 * attempt));
      const current = await readSnapshotImage(dbPath);
      if (current.fileState.db && previous === null) previous = (await createBackup(dbPath, { label: 'pre-restore' })).path;
      const journalMode = current.journalMode === 'empty' ? backup.journalMode : current.journalMode;
      const outcome = writeBackVerified(dbPath, image, current.fileState, { journalMode });
      if (outcome.written) return { restoredFrom: backupPath, previousStateBackup: previous };
      lastCause = outcome.cause;
    }
    throw new WriteConflictError(`could not restore ${dbPath}: ${lastCause}`);
  } finally {
    lock.release();
  }
}

async function assertIntact(image: Uint8Array, label: string): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database(image);
  try {
    const rows = db.exec('PRAGMA integrity_check')[0]?.values.map((r) => String(r[0])) ?? [];
    if (rows.length !== 1 || rows[0] !== 'ok') throw new CheckFailedError(`backup ${label} fails integrity_check: ${rows.slice(0, 5).join('; ')}`);
  } finally {
    db.close();
  }
}
