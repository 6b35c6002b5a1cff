import { CheckFailedError, UsageError } from '../db/errors';

/** Where a script failed: which file, which statement, and what SQLite said. */
export interface ScriptFailure {
  /** file path, or `builtin:V1__telemetry_core` for built-ins */
  location: string;
  /** 1-based statement number inside the script */
  statementNumber: number;
  /** 1-based line of the statement's start inside the script */
  line: number;
  statement: string;
  sqliteMessage: string;
}

/** A migration script failed; the database was rolled back to what it was before it. */
export class MigrationFailedError extends CheckFailedError {
  constructor(
    readonly migrationName: string,
    readonly failure: ScriptFailure,
  ) {
    super(
      `migration ${migrationName} failed in ${failure.location}, statement ${failure.statementNumber} (line ${failure.line}): ` +
        `${failure.sqliteMessage}\n  ${oneLine(failure.statement)}\nNothing was changed: the database is as it was before.`,
    );
  }
}

/** Applied migrations no longer match their files (edited, removed, or failed earlier). */
export class MigrationValidationError extends CheckFailedError {
  constructor(readonly problems: string[]) {
    super(`migrations do not validate, nothing was migrated:\n  ${problems.join('\n  ')}`);
  }
}

/** A migrations folder that cannot be used as it is (duplicate or reserved versions). */
export class MigrationFolderError extends UsageError {}

function oneLine(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 300 ? s.slice(0, 297) + '...' : s;
}
