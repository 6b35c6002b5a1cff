import type { QueryValue } from './types';
import { collectUserQuery, type UserQueryOptions } from './runUserQuery';
import type { MoreRows } from './types';

export interface QueryResult {
  columns: string[];
  rows: QueryValue[][];
  /** Rows a row cap held back (absent or null: none). */
  more?: MoreRows | null;
}

/**
 * Runs user SQL read-only, off this thread (src/core/query: a child process with a time limit,
 * a row cap and cancel; nothing it runs is ever written back) and returns the last statement's
 * result. Non-read statements are refused before anything runs.
 */
export async function runReadOnlyQuery(dbPath: string, sql: string, opts: Omit<UserQueryOptions, 'onRows'> = {}): Promise<QueryResult> {
  const r = await collectUserQuery(dbPath, sql, opts);
  return { columns: r.columns, rows: r.values, more: r.more };
}
