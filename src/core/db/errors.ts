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
