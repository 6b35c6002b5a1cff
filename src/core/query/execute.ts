/**
 * Runs a user's statements on an open database and hands the last statement's rows over in
 * batches (runs inside the query child process, see query.worker.ts). Memory stays bounded:
 * a batch is handed over once it holds BATCH_ROWS rows or about BATCH_BYTES, and `rows()`
 * resolves only when the caller wants more. Past the row cap the rows are counted, not kept.
 */
import type { SqlDatabase } from '../db/database';
import { TelemetryError, UsageError } from '../db/errors';
import { assertCompilesToRead, assertReadStatement } from './readOnlyGuard';
import { splitStatements } from './sqlText';
import type { MoreRows, QueryValue } from './types';

const BATCH_ROWS = 500;
const BATCH_BYTES = 1 << 20;
/** While counting past the cap, tell the caller how far it got this often. */
const COUNT_REPORT_MS = 200;

export interface QueryRowSink {
  columns(columns: string[]): void;
  /** Resolves when the receiver has room for the next batch. */
  rows(batch: QueryValue[][]): Promise<void>;
  more(counted: number): void;
}

export interface ExecuteOptions {
  maxRows: number | null;
  countMoreMs: number;
}

type Statement = ReturnType<SqlDatabase['prepare']>;

/** Checks every statement before any runs, so a refused one at the end wastes no time. */
export function parseUserSql(sql: string) {
  if (sql.trim() === '') throw new UsageError('the query is empty');
  const statements = splitStatements(sql);
  if (statements.length === 0) throw new UsageError('the query holds no SQL statement');
  for (const s of statements) assertReadStatement(s);
  return statements;
}

export async function executeUserSql(db: SqlDatabase, sql: string, opts: ExecuteOptions, sink: QueryRowSink): Promise<{ rows: number; more: MoreRows | null }> {
  const statements = parseUserSql(sql);
  try {
    db.run('PRAGMA query_only = 1');
    for (const s of statements) assertCompilesToRead(db, s);
    for (let i = 0; i < statements.length - 1; i++) {
      const stmt = db.prepare(statements[i].text);
      try {
        while (stmt.step());
      } finally {
        stmt.free();
      }
    }
    const stmt = db.prepare(statements[statements.length - 1].text);
    try {
      return await streamRows(stmt, opts, sink);
    } finally {
      stmt.free();
    }
  } catch (e) {
    throw asQueryError(e);
  }
}

async function streamRows(stmt: Statement, opts: ExecuteOptions, sink: QueryRowSink): Promise<{ rows: number; more: MoreRows | null }> {
  sink.columns(stmt.getColumnNames());
  const cap = opts.maxRows ?? Infinity;
  let batch: QueryValue[][] = [];
  let bytes = 0;
  let rows = 0;
  while (rows < cap && stmt.step()) {
    const row = readRow(stmt);
    batch.push(row);
    rows++;
    for (const v of row) bytes += typeof v === 'string' ? v.length * 2 : v instanceof Uint8Array ? v.length : 8;
    if (batch.length >= BATCH_ROWS || bytes >= BATCH_BYTES) {
      await sink.rows(batch);
      batch = [];
      bytes = 0;
    }
  }
  if (batch.length > 0) await sink.rows(batch);
  if (rows < cap) return { rows, more: null };
  // the cap is reached: count what is left, for a while, without keeping it
  const until = performance.now() + opts.countMoreMs;
  let reportAt = performance.now() + COUNT_REPORT_MS;
  let counted = 0;
  sink.more(0);
  for (;;) {
    if (!stmt.step()) return { rows, more: { rows: counted, exact: true } };
    counted++;
    if ((counted & 255) === 0) {
      const now = performance.now();
      if (now >= until) return { rows, more: { rows: counted, exact: false } };
      if (now >= reportAt) {
        sink.more(counted);
        reportAt = now + COUNT_REPORT_MS;
      }
    }
  }
}

type ExactGet = (params: null, config: { useBigInt: boolean }) => QueryValue[];

/**
 * The current row with every integer exact. Engines hand integers over as doubles, which lose
 * digits beyond 2^53; such a row (rare) is read again with integers as bigint (sql.js reads them
 * through their text; node:sqlite has readBigInts), and only the unsafe ones stay bigint. A REAL
 * that large is still a number on the second read.
 */
function readRow(stmt: Statement): QueryValue[] {
  const row = stmt.get() as QueryValue[];
  if (!row.some((v) => typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v))) return row;
  const exact = (stmt.get as unknown as ExactGet).call(stmt, null, { useBigInt: true });
  return exact.map((v) => (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v));
}

function asQueryError(e: unknown): Error {
  if (e instanceof TelemetryError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/readonly|read-only/i.test(msg)) return new UsageError(`query is read-only: SQLite refused a write (${msg})`);
  return new UsageError(`SQL error: ${msg}`);
}
