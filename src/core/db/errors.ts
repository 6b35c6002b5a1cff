import * as fs from 'fs';
import * as path from 'path';

/** Errors that map to CLI exit codes (docs/architecture.md CLI contract). */
export class TelemetryError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Exit 3: the database could not be written (held lock, or another program writing it). */
export class WriteConflictError extends TelemetryError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** Exit 1: a check failed (verify mismatch, integrity error). */
export class CheckFailedError extends TelemetryError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** Exit 2: the user asked for something malformed. */
export class UsageError extends TelemetryError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Exit 3: the file is mid-write by another program (hot journal, changing WAL) and stayed so. */
export class DatabaseBusyError extends TelemetryError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** Error codes of the system that mean "could not write" (exit 3): full disk, no permission, read-only file system. */
const WRITE_ERRNOS: Record<string, string> = {
  ENOSPC: 'the disk is full — free some space and run again',
  EDQUOT: 'the disk quota is used up — free some space and run again',
  EACCES: 'permission denied — check that you may write that file and its folder',
  EPERM: 'operation not permitted — check that you may write that file and its folder',
  EROFS: 'the file system is read-only — choose a database on a writable disk',
};

/** SQLite's primary result codes that mean "could not write" (node:sqlite puts them in `errcode`). */
const SQLITE_WRITE_CODES: Record<number, string> = {
  13: 'the disk is full — free some space and run again (SQLITE_FULL)',
  8: 'the database or its folder cannot be written (SQLITE_READONLY) — check the file, its folder and the disk',
  10: 'a disk I/O error while writing (SQLITE_IOERR) — check that the disk is writable and has room',
};

/**
 * A failure of a write to `dbPath` as the error policy shows it: a full disk, a read-only file
 * system or a missing permission — from the file system (an errno without a path, or on the
 * database's own files) or from SQLite (native engine) — becomes a WriteConflictError (exit 3)
 * naming the database. Anything else is returned as it was (a source file's EACCES names that file).
 */
export function asWriteError(e: unknown, dbPath: string): unknown {
  if (e instanceof TelemetryError || !e || typeof e !== 'object') return e;
  const err = e as NodeJS.ErrnoException & { errcode?: unknown };
  if (err.code && WRITE_ERRNOS[err.code] && (!err.path || err.path.startsWith(dbPath))) {
    return withCause(new WriteConflictError(`could not write ${err.path ?? dbPath}: ${WRITE_ERRNOS[err.code]} (${err.code})`), e);
  }
  if (err.code === 'ERR_SQLITE_ERROR' && typeof err.errcode === 'number' && SQLITE_WRITE_CODES[err.errcode & 0xff]) {
    // SQLite reports a -shm or -wal it could not grow as an I/O error (SQLITE_IOERR_SHMSIZE,
    // _WRITE…): when the disk has no room left, say so
    const primary = (err.errcode & 0xff) === 10 && diskIsFull(dbPath) ? 13 : err.errcode & 0xff;
    return withCause(new WriteConflictError(`could not write ${dbPath}: ${SQLITE_WRITE_CODES[primary]}`), e);
  }
  return e;
}

/** Less than 64 KiB left for this user on the database's file system. */
function diskIsFull(dbPath: string): boolean {
  try {
    const st = fs.statfsSync(path.dirname(path.resolve(dbPath)));
    return st.bavail * st.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

function withCause(mapped: Error, cause: unknown): Error {
  // --debug shows where it came from
  if (cause instanceof Error && cause.stack) mapped.stack = `${mapped.stack}\ncaused by: ${cause.stack}`;
  return mapped;
}

/** How any failure is shown, one policy for the CLI and the extension. */
export interface ErrorReport {
  /** One line: what failed, on which file, and what to do. */
  message: string;
  /** The CLI contract: 1 check failed, 2 usage, 3 could not write. */
  exitCode: number;
  /** For --debug and the extension's log only; never shown by default. */
  stack: string | undefined;
  /** True for failures the code foresaw (their message is the whole story). */
  expected: boolean;
}

/** First line of a message, with runs of whitespace folded (messages from data stay on one line). */
function firstLine(text: string): string {
  return text.split('\n')[0].replace(/\s+/g, ' ').trim();
}

/**
 * `detailsHint` says where the full story is for an unforeseen failure: the CLI's `--debug`
 * by default; the extension names its output channel (the stack goes there).
 */
export function describeError(e: unknown, detailsHint = 'run again with --debug for details'): ErrorReport {
  const stack = e instanceof Error ? e.stack : undefined;
  // our own messages are written for the user (a validation error lists its problems, one a line)
  if (e instanceof TelemetryError) return { message: e.message, exitCode: e.exitCode, stack, expected: true };
  const err = e as NodeJS.ErrnoException | undefined;
  const code = err && typeof err === 'object' ? err.code : undefined;
  if (code && WRITE_ERRNOS[code]) {
    const where = err!.path ? `${err!.path}: ` : '';
    return { message: `could not write ${where}${WRITE_ERRNOS[code]} (${code})`, exitCode: 3, stack, expected: true };
  }
  if (code === 'ENOENT' && err!.path) return { message: `${err!.path} does not exist — check the path`, exitCode: 2, stack, expected: true };
  const text = e instanceof Error ? e.message : String(e);
  if (/file is not a database|file is encrypted/i.test(text)) return { message: `${firstLine(text)} — is --db an SQLite database?`, exitCode: 2, stack, expected: true };
  if (/database disk image is malformed/i.test(text)) return { message: `${firstLine(text)} — run health, or restore a backup`, exitCode: 1, stack, expected: true };
  return { message: `${firstLine(text) || 'unexpected error'} (${detailsHint})`, exitCode: 1, stack, expected: false };
}
