/**
 * `query --db postgresql://… "SQL"`: the user's read-only SQL on the team database, with the same
 * contract as the SQLite query (src/core/query/runUserQuery.ts): a time limit (0 = none; time spent
 * waiting for the receiver does not count), a row cap with "N more rows" counted for a short while,
 * cancel (exit 130), rows handed over batch by batch with backpressure, integers beyond 2^53 exact.
 *
 * Safety is PostgreSQL's own: a `READ ONLY` transaction (refuses writes, even inside a WITH) and the
 * extended protocol (exactly one statement, so no `COMMIT; DELETE …` can leave the transaction).
 * Rows come through a server-side cursor (`DECLARE … NO SCROLL CURSOR`, `FETCH n`), so a huge result
 * never piles up in memory; the rows past the cap are counted with `MOVE`, which sends nothing.
 * statement_timeout bounds every statement on the server by what is left of the time limit.
 */
import type { Client, QueryArrayConfig } from 'pg';
import { types as pgTypes } from 'pg';
import { UsageError } from '../db/errors';
import { DEFAULT_QUERY_TIMEOUT_SECONDS, QueryCancelledError, QueryTimeoutError, type UserQueryOutcome } from '../query/runUserQuery';
import type { MoreRows, QueryValue } from '../query/types';
import { connectTeam, errorText, redactText, TeamDatabaseError, type TeamConnectOptions } from './connection';

export interface TeamUserQueryOptions extends TeamConnectOptions {
  /** ms; 0 = none (default 30 s, as the SQLite query) */
  timeoutMs?: number;
  /** rows handed over at most; the rest are only counted (undefined/null = all) */
  maxRows?: number | null;
  /** after the cap, how long to count the rest (default 2 s) */
  countMoreMs?: number;
  /** rows per FETCH (default 2000) */
  fetchRows?: number;
  signal?: AbortSignal;
  onColumns?(columns: string[]): void | Promise<void>;
  onRows?(rows: QueryValue[][]): void | Promise<void>;
}

/** Statements a cursor can run; EXPLAIN and SHOW run as they are (their results are small). */
const CURSOR_KEYWORDS = new Set(['SELECT', 'WITH', 'VALUES', 'TABLE']);
const PLAIN_KEYWORDS = new Set(['EXPLAIN', 'SHOW']);
const CURSOR = 'tl_user_query';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** An integer's digits as a number when exact, else as a bigint (never rounded). */
function exactInteger(text: string): number | bigint {
  const b = BigInt(text);
  return b <= MAX_SAFE && b >= -MAX_SAFE ? Number(b) : b;
}

/**
 * Values as the SQLite query gives them: integers as numbers (bigint beyond 2^53), floats as
 * numbers, bytea as bytes, and everything else (dates, json, arrays, intervals…) as the text the
 * server prints — nothing is re-interpreted on the way.
 */
export const QUERY_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    switch (oid) {
      case 20: // int8
        return exactInteger;
      case 21: // int2
      case 23: // int4
      case 26: // oid
      case 700: // float4
      case 701: // float8
        return (v: string) => Number(v);
      case 1700: // numeric: integers exact, fractions as the nearest double
        return (v: string) => (/^-?\d+$/.test(v) ? exactInteger(v) : Number(v));
      case 16: // bool
        return (v: string) => (v === 't' ? 'true' : 'false');
      case 17: // bytea
        return pgTypes.getTypeParser(17, format ?? 'text');
      default:
        return (v: string) => v;
    }
  },
};

/**
 * The extended protocol (exactly one statement; `queryMode` is in pg, not yet in its types),
 * rows as arrays, our value parsers.
 */
function oneStatement(text: string): QueryArrayConfig {
  const config = { text, rowMode: 'array' as const, types: QUERY_TYPES, queryMode: 'extended' };
  return config;
}

function statementKeyword(sql: string): string {
  const body = sql.trim().replace(/^(--[^\n]*(\n|$)|\/\*[\s\S]*?\*\/|\s|\()+/, '');
  if (!body) throw new UsageError('the query is empty');
  return /^[A-Za-z]+/.exec(body)?.[0]?.toUpperCase() ?? '';
}

function isTimeout(e: unknown): boolean {
  return (e as { code?: string })?.code === '57014';
}

/**
 * Runs `sql` on the team database. Errors: UsageError (bad SQL, not read-only, time limit: exit 2),
 * TeamDatabaseError (cannot connect, connection lost: exit 3), QueryCancelledError (130) — all
 * with the password redacted.
 */
export async function runTeamUserQuery(url: string, sql: string, opts: TeamUserQueryOptions = {}): Promise<UserQueryOutcome> {
  const keyword = statementKeyword(sql);
  if (!CURSOR_KEYWORDS.has(keyword) && !PLAIN_KEYWORDS.has(keyword)) {
    throw new UsageError(`query is read-only: only SELECT, WITH, VALUES, TABLE, EXPLAIN and SHOW are allowed, not "${sql.trim().slice(0, 57)}"`);
  }
  if (opts.signal?.aborted) throw new QueryCancelledError();
  const started = performance.now();
  const timeoutMs = Math.max(0, opts.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_SECONDS * 1000);
  const maxRows = opts.maxRows ?? null;
  const fetchRows = Math.max(1, Math.floor(opts.fetchRows ?? 2000));
  const secrets = [opts.password];
  const client = await connectTeam(url, { ...opts, applicationName: opts.applicationName ?? 'telemetry-lens query' });

  // time spent in statements (not in onRows) counts against the limit
  let spent = 0;
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    // the socket goes: the server stops the statement when it next talks to us, and the
    // statement_timeout below bounds it whatever it does
    (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  };
  opts.signal?.addEventListener('abort', onAbort);
  const timed = async <T>(text: string, run: () => Promise<T>, budgetMs = timeoutMs > 0 ? timeoutMs - spent : 0): Promise<T> => {
    if (timeoutMs > 0 && budgetMs <= 0) throw new QueryTimeoutError(Math.round(timeoutMs / 100) / 10);
    await client.query(`SET LOCAL statement_timeout = ${Math.max(0, Math.ceil(budgetMs))}`);
    const t = performance.now();
    try {
      return await run();
    } finally {
      if (text !== 'count') spent += performance.now() - t;
    }
  };
  const fail = (e: unknown): never => {
    if (cancelled) throw new QueryCancelledError();
    if (e instanceof QueryTimeoutError || e instanceof UsageError || e instanceof TeamDatabaseError) throw e;
    if (isTimeout(e)) throw new QueryTimeoutError(Math.round(timeoutMs / 100) / 10);
    const code = (e as { code?: string })?.code;
    const message = redactText(errorText(e), url, secrets);
    // a SQLSTATE from the server: the query (syntax, names, read-only, …) needs changing
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P')) throw new UsageError(`SQL error: ${message}`);
    throw new TeamDatabaseError(`team database: ${message}`);
  };

  try {
    let columns: string[] = [];
    let rows = 0;
    let more: MoreRows | null = null;
    try {
      await client.query('BEGIN READ ONLY');
      if (PLAIN_KEYWORDS.has(keyword)) {
        const r = await timed('run', () => client.query(oneStatement(sql)));
        columns = r.fields.map((f) => f.name);
        await opts.onColumns?.(columns);
        const all = r.rows as QueryValue[][];
        const kept = maxRows === null ? all : all.slice(0, maxRows);
        if (kept.length) await opts.onRows?.(kept);
        rows = kept.length;
        if (all.length > kept.length) more = { rows: all.length - kept.length, exact: true };
      } else {
        await timed('declare', () => client.query(oneStatement(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql}`)));
        let first = true;
        for (;;) {
          const want = maxRows === null ? fetchRows : Math.min(fetchRows, maxRows - rows);
          if (want <= 0) break;
          const r = await timed('fetch', () => client.query(oneStatement(`FETCH FORWARD ${want} FROM ${CURSOR}`)));
          if (first) {
            columns = r.fields.map((f) => f.name);
            await opts.onColumns?.(columns);
            first = false;
          }
          if (r.rows.length) {
            await opts.onRows?.(r.rows as QueryValue[][]);
            rows += r.rows.length;
            if (cancelled) throw new QueryCancelledError();
          }
          if (r.rows.length < want) break;
        }
        if (maxRows !== null && rows >= maxRows) more = await countRest();
      }
    } catch (e) {
      fail(e);
    }
    await client.query('ROLLBACK').catch(() => undefined);
    return { columns, rows, more, durationMs: performance.now() - started };
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    await client.end().catch(() => undefined);
  }

  /** Rows past the cap, counted by MOVE (nothing is sent) for at most countMoreMs; null when none. */
  async function countRest(): Promise<MoreRows | null> {
    const until = performance.now() + (opts.countMoreMs ?? 2000);
    let counted = 0;
    for (;;) {
      const left = until - performance.now();
      const budget = timeoutMs > 0 ? Math.min(left, timeoutMs - spent) : left;
      if (budget <= 0) return { rows: counted, exact: false };
      try {
        const r = await timed('count', () => client.query(`MOVE FORWARD 100000 IN ${CURSOR}`), budget);
        counted += r.rowCount ?? 0;
        if ((r.rowCount ?? 0) < 100000) return counted ? { rows: counted, exact: true } : null;
      } catch (e) {
        if (!isTimeout(e)) throw e;
        // counting ran out of time: the rows are all there, the count is a floor (the aborted
        // transaction is rolled back by the caller)
        return { rows: counted, exact: false };
      }
    }
  }
}

/** runTeamUserQuery keeping the rows (bounded by maxRows): `{ columns, rows, truncated }`. */
export async function collectTeamQuery(url: string, sql: string, opts: Omit<TeamUserQueryOptions, 'onRows' | 'onColumns'> = {}): Promise<{ columns: string[]; rows: QueryValue[][]; truncated: boolean; more: MoreRows | null }> {
  const rows: QueryValue[][] = [];
  const r = await runTeamUserQuery(url, sql, { ...opts, onRows: (b) => void rows.push(...b) });
  return { columns: r.columns, rows, truncated: r.more !== null, more: r.more };
}

export type { Client };
