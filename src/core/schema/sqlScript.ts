import type { SqlDatabase as Database } from '../db/database';
import type { ScriptFailure } from './errors';

/** Transaction control inside a migration would break the runner's own transaction. */
const TRANSACTION_CONTROL = /^(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b/i;

/** A script statement that failed; carries where, for MigrationFailedError. */
export class ScriptError extends Error {
  constructor(readonly failure: ScriptFailure) {
    super(failure.sqliteMessage);
  }
}

/**
 * Runs a multi-statement script one statement at a time with SQLite's own parser
 * (sql.js iterateStatements), so semicolons inside triggers and strings are handled, and a
 * failure can name the statement number, its line and its text.
 */
export function runScript(db: Database, sql: string, location: string): number {
  const it = db.iterateStatements(sql);
  let count = 0;
  for (;;) {
    const remaining = it.getRemainingSQL();
    let next: IteratorResult<ReturnType<Database['prepare']>>;
    try {
      next = it.next();
    } catch (e) {
      // a parse error: the statement is the text that was about to be prepared
      throw new ScriptError(failureAt(sql, remaining, count + 1, firstStatementText(remaining), location, e));
    }
    if (next.done) return count;
    count++;
    const stmt = next.value;
    const text = stmt.getSQL();
    try {
      if (TRANSACTION_CONTROL.test(text.trim())) {
        throw new Error('migrations run inside a transaction of their own; remove BEGIN/COMMIT/SAVEPOINT statements');
      }
      while (stmt.step()) {
        /* drain rows (e.g. a SELECT or PRAGMA): only the effects matter */
      }
    } catch (e) {
      stmt.free();
      throw new ScriptError(failureAt(sql, remaining, count, text, location, e));
    }
  }
}

function failureAt(sql: string, remaining: string, n: number, statement: string, location: string, e: unknown): ScriptFailure {
  const lead = remaining.length - remaining.replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, '').length;
  const offset = sql.length - remaining.length + lead;
  const line = sql.slice(0, offset).split('\n').length;
  return { location, statementNumber: n, line, statement: statement.trim(), sqliteMessage: e instanceof Error ? e.message : String(e) };
}

/** Best-effort text of the next statement for a parse-error report: up to the first `;`. */
function firstStatementText(remaining: string): string {
  const body = remaining.replace(/^(\s|--[^\n]*\n?|\/\*[\s\S]*?\*\/)*/, '');
  const semi = body.indexOf(';');
  return semi >= 0 ? body.slice(0, semi + 1) : body;
}
