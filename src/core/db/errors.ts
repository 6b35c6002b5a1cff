/** Errors that map to CLI exit codes (DESIGN.md CLI contract). */
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
