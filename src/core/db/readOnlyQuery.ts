import type { SqlDatabase as Database, SqlValue } from './database';
import { openSnapshot, type EngineChoice } from './database';
import * as fs from 'fs';
import { TelemetryError, UsageError } from './errors';

export interface QueryResult {
  columns: string[];
  rows: SqlValue[][];
}

/** Statement kinds that only read. Everything else is refused before it runs. */
const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'EXPLAIN', 'PRAGMA']);
/** PRAGMAs that act (not just report) even without an `=`. */
const ACTING_PRAGMAS = /^\s*PRAGMA\s+(?:\w+\s*\.\s*)?(optimize|wal_checkpoint|incremental_vacuum|shrink_memory|query_only)\b/i;

/**
 * Runs user SQL on a snapshot that is never written back, so it cannot change the file; on top
 * of that, non-read statements are refused with a clear message and `PRAGMA query_only` makes
 * SQLite itself reject any write (e.g. a DELETE hidden in a WITH clause). Returns the last
 * statement's result.
 */
export async function runReadOnlyQuery(dbPath: string, sql: string, opts: { engine?: EngineChoice } = {}): Promise<QueryResult> {
  if (sql.trim() === '') throw new UsageError('the query is empty');
  if (!fs.existsSync(dbPath)) throw new UsageError(`no database at ${dbPath}`);
  const db = await openSnapshot(dbPath, { engine: opts.engine });
  try {
    db.run('PRAGMA query_only = 1');
    return runStatements(db, sql);
  } catch (e) {
    throw asQueryError(e);
  } finally {
    db.close();
  }
}

export function assertReadStatement(statementSql: string): void {
  const body = stripLeadingComments(statementSql);
  const keyword = /^[A-Za-z]+/.exec(body)?.[0]?.toUpperCase() ?? '';
  if (!READ_KEYWORDS.has(keyword) || (keyword === 'PRAGMA' && (body.includes('=') || ACTING_PRAGMAS.test(body)))) {
    const shown = body.length > 60 ? body.slice(0, 57) + '...' : body;
    throw new UsageError(`query is read-only: only SELECT, WITH, VALUES, EXPLAIN and reading PRAGMAs are allowed, not "${shown}"`);
  }
}

function stripLeadingComments(sql: string): string {
  let s = sql.trimStart();
  for (;;) {
    if (s.startsWith('--')) s = s.slice(s.indexOf('\n') >= 0 ? s.indexOf('\n') + 1 : s.length).trimStart();
    else if (s.startsWith('/*')) s = s.slice(s.indexOf('*/') >= 0 ? s.indexOf('*/') + 2 : s.length).trimStart();
    else return s;
  }
}

function asQueryError(e: unknown): Error {
  if (e instanceof TelemetryError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/readonly|read-only/i.test(msg)) return new UsageError(`query is read-only: SQLite refused a write (${msg})`);
  return new UsageError(`SQL error: ${msg}`);
}

function runStatements(db: Database, sql: string): QueryResult {
  let last: QueryResult = { columns: [], rows: [] };
  let ran = 0;
  for (const stmt of db.iterateStatements(sql)) {
    try {
      assertReadStatement(stmt.getSQL());
      const columns = stmt.getColumnNames();
      const rows: SqlValue[][] = [];
      while (stmt.step()) rows.push(stmt.get());
      last = { columns, rows };
      ran++;
    } finally {
      stmt.free();
    }
  }
  if (ran === 0) throw new UsageError('the query holds no SQL statement');
  return last;
}
