import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { WriteConflictError } from './errors';
import { sidecarPaths } from './fileState';
import { isProcessAlive, processStartMs } from './processInfo';

/** Content of `<db>.lock`: who holds it, so a waiting user can be told. */
export interface LockHolder {
  pid: number;
  host: string;
  since: string;
  tool: string;
  token: string;
  /** When the holding process started (epoch ms, Linux); tells a reused pid apart. */
  started?: number;
}

export interface LockOptions {
  /** How long to wait for another holder (default 10 s). */
  timeoutMs?: number;
  /** A lock from another host (shared folder) older than this is stale. Default 10 min. */
  staleAfterMs?: number;
  /** Shown to other waiters, e.g. "telemetry-lens cli" or "VS Code window". */
  tool?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A held single-writer lock. release() is idempotent and only removes our own lock file. */
export class HeldLock {
  private released = false;
  private readonly onExit = () => this.release();

  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder,
  ) {
    process.once('exit', this.onExit);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    const current = readHolder(this.lockPath);
    if (current?.token === this.holder.token) {
      try {
        fs.unlinkSync(this.lockPath);
      } catch {
        // already gone: nothing to release
      }
    }
  }
}

/**
 * Takes `<db>.lock` with O_EXCL, shared by every VS Code window and the CLI. Waits while another
 * live holder has it; takes over locks whose holder died (same host, pid gone) or that are too old.
 */
export async function acquireLock(dbPath: string, opts: LockOptions = {}): Promise<HeldLock> {
  // beside the real file: a symlinked path and its target must share one lock (one writer)
  const lockPath = sidecarPaths(dbPath).lock;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const staleAfterMs = opts.staleAfterMs ?? 10 * 60_000;
  const deadline = Date.now() + timeoutMs;
  const holder: LockHolder = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    tool: opts.tool ?? 'telemetry-lens',
    token: crypto.randomBytes(8).toString('hex'),
    started: processStartMs(process.pid),
  };
  fs.mkdirSync(path.dirname(lockPath), { recursive: true }); // a new database may live in a new folder
  let delay = 20;
  for (;;) {
    if (tryCreate(lockPath, holder)) return new HeldLock(lockPath, holder);
    const current = readHolder(lockPath);
    if (current === undefined) continue; // vanished between our create and read: try again at once
    if (isStale(lockPath, current, staleAfterMs)) {
      breakStaleLock(lockPath, current);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new WriteConflictError(`${dbPath} is locked by ${describeHolder(current)} (lock file ${lockPath}); try again when it finishes`);
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
}


export function describeHolder(h: LockHolder | null): string {
  if (h === null) return 'an unknown holder (unreadable lock file)';
  return `${h.tool} (pid ${h.pid} on ${h.host}, since ${h.since})`;
}

function tryCreate(lockPath: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    fs.writeSync(fd, JSON.stringify(holder));
  } catch (e) {
    // a full disk: an empty lock left behind would read as "unknown holder" to the next run
    fs.closeSync(fd);
    fs.rmSync(lockPath, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  return true;
}

/** undefined = no lock file; null = a lock file we cannot parse (e.g. killed mid-write of it). */
export function readHolder(lockPath: string): LockHolder | null | undefined {
  let text: string;
  try {
    text = fs.readFileSync(lockPath, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return typeof h.pid === 'number' && typeof h.token === 'string' ? h : null;
  } catch {
    return null;
  }
}

function lockAgeMs(lockPath: string): number {
  try {
    return Date.now() - fs.statSync(lockPath).mtimeMs;
  } catch {
    return 0;
  }
}

function isStale(lockPath: string, h: LockHolder | null, staleAfterMs: number): boolean {
  // An unreadable lock is only a few bytes from being written: give its writer a moment.
  if (h === null) return lockAgeMs(lockPath) > 2000;
  // Same machine: the pid answers exactly (a long ingest may hold the lock for many minutes).
  if (h.host === os.hostname()) return !isProcessAlive(h.pid) || pidReused(h);
  return lockAgeMs(lockPath) > staleAfterMs;
}

/** Slack for clock ticks and a holder that wrote its lock in its first moments. */
const START_SLACK_MS = 2000;

/**
 * The lock's pid now belongs to another program: its process started after the lock was
 * written (or at another time than the holder recorded). Where start times are unknown, false.
 */
function pidReused(h: LockHolder): boolean {
  const started = processStartMs(h.pid);
  if (started === undefined) return false;
  if (typeof h.started === 'number') return Math.abs(started - h.started) > START_SLACK_MS;
  const since = Date.parse(h.since);
  return Number.isFinite(since) && started > since + START_SLACK_MS;
}

/**
 * Moves the stale lock aside under a unique name before deleting it, so two processes breaking
 * the same stale lock cannot delete a fresh lock that one of them just created.
 */
function breakStaleLock(lockPath: string, judged: LockHolder | null): void {
  const aside = `${lockPath}.stale-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (e) {
    // someone else broke or released it; any other failure (a read-only file system, no write
    // permission on the folder) would make the caller try again forever: it is the answer
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  const moved = readHolder(aside);
  const same = judged === null ? moved === null : moved?.token === judged.token;
  if (!same) {
    // We moved a lock someone just took: put it back (link fails if yet another one exists).
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // a newer lock is in place; the one we moved loses its file, its holder will notice on release
    }
  }
  try {
    fs.unlinkSync(aside);
  } catch {
    // gone already
  }
}
