import { UsageError } from '../db/errors';
import type { SqlStatement } from './sqlText';

/** Statement kinds that only read. Everything else is refused before it runs. */
const READ_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'EXPLAIN', 'PRAGMA']);
/** PRAGMAs that act (not just report) even without an `=`. */
const ACTING_PRAGMAS = /^\s*PRAGMA\s+(?:\w+\s*\.\s*)?(optimize|wal_checkpoint|incremental_vacuum|shrink_memory|query_only)\b/i;

/** Refuses a statement that is not a read, before it is prepared (some PRAGMAs act when prepared). */
export function assertReadStatement(statement: SqlStatement): void {
  const body = statement.text.slice(statement.tokens[0].start);
  const keyword = statement.tokens[0].kind === 'word' ? statement.tokens[0].value : '';
  if (!READ_KEYWORDS.has(keyword) || (keyword === 'PRAGMA' && (body.includes('=') || ACTING_PRAGMAS.test(body)))) {
    throw new UsageError(`query is read-only: only SELECT, WITH, VALUES, EXPLAIN and reading PRAGMAs are allowed, not "${shown(body)}"`);
  }
}

export function shown(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}
