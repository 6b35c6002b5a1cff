/**
 * Runs user SQL off the caller's thread, in a child process (query.worker.ts), with a time
 * limit, a row cap and cancel. The child is killed on time-out, cancel or when the caller is
 * done, so a query that never ends costs nothing once stopped, whichever engine ran it.
 */
import { defaultEngineChoice } from '../db/engine';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { TelemetryError, UsageError } from '../db/errors';
import type { ChildMessage, MoreRows, ParentMessage, QueryEngine, QueryJob, QueryValue } from './types';

export const DEFAULT_QUERY_TIMEOUT_SECONDS = 30;
/** After the row cap, the child counts the rest for at most this long ("N more rows"). */
const DEFAULT_COUNT_MORE_MS = 2000;

export interface UserQueryOptions {
  engine?: QueryEngine;
  /** Time limit in ms (default 30 s); 0 = none. Time spent waiting for `onRows` does not count. */
  timeoutMs?: number;
  /** Rows handed over at most; the rest are only counted. undefined/null = all. */
  maxRows?: number | null;
  countMoreMs?: number;
  signal?: AbortSignal;
  onColumns?(columns: string[]): void | Promise<void>;
  /** Called per batch, in order; the next batch waits for the returned promise (backpressure). */
  onRows?(rows: QueryValue[][]): void | Promise<void>;
}

export interface UserQueryOutcome {
  columns: string[];
  /** Rows handed to onRows. */
  rows: number;
  /** Rows the cap held back (null: none). */
  more: MoreRows | null;
  durationMs: number;
}

/** The time limit stopped the query (exit 2: the query, not the tool, needs changing). */
export class QueryTimeoutError extends UsageError {
  constructor(readonly seconds: number) {
    super(`the query ran longer than its ${seconds} s time limit and was stopped`);
  }
}

/** The user cancelled (exit 130, as a shell reports Ctrl-C). */
export class QueryCancelledError extends TelemetryError {
  constructor() {
    super('query cancelled', 130);
  }
}

/** dist/query.worker.js beside the bundle, or the TypeScript source under tsx (tests, bench). */
function childArgs(): string[] {
  const bundled = path.join(__dirname, 'query.worker.js');
  if (fs.existsSync(bundled)) return [bundled];
  const source = path.join(__dirname, 'query.worker.ts');
  if (!fs.existsSync(source)) throw new Error('the query worker script is missing (dist/query.worker.js)');
  const tsx = require.resolve('tsx/cjs/api');
  return ['-e', `require(${JSON.stringify(tsx)}).register(); require(${JSON.stringify(source)});`];
}

function spawnQueryChild(): ChildProcess {
  return spawn(process.execPath, childArgs(), {
    // in VS Code the host's executable is Electron: this makes it a plain Node
    // TL_QUERY_PARENT_PID: the child checks it against its own parent from its first line, so
    // a parent killed while the child was still loading is noticed too
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', TL_QUERY_PARENT_PID: String(process.pid) },
    // stdin is a pipe nobody writes to: it reads end-of-file the moment this process dies,
    // however it dies (the child watches for that; see query.worker.ts)
    stdio: ['pipe', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
    windowsHide: true,
  });
}

export function runUserQuery(dbPath: string, sql: string, opts: UserQueryOptions = {}): Promise<UserQueryOutcome> {
  if (sql.trim() === '') return Promise.reject(new UsageError('the query is empty'));
  if (!fs.existsSync(dbPath)) return Promise.reject(new UsageError(`no database at ${dbPath}`));
  if (opts.signal?.aborted) return Promise.reject(new QueryCancelledError());
  const timeoutMs = opts.timeoutMs ?? DEFAULT_QUERY_TIMEOUT_SECONDS * 1000;
  const job: QueryJob = {
    dbPath,
    sql,
    // the child has its own module state: pass the caller's default (CLI --engine, telemetryLens.engine)
    engine: opts.engine ?? defaultEngineChoice(),
    maxRows: opts.maxRows ?? null,
    countMoreMs: opts.countMoreMs ?? DEFAULT_COUNT_MORE_MS,
  };
  const started = performance.now();
  return new Promise<UserQueryOutcome>((resolve, reject) => {
    const child = spawnQueryChild();
    let exited = false;
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    let columns: string[] = [];
    let rows = 0;
    let countedPastCap: number | null = null;
    let settled = false;

    // the time limit counts the query's time, not time spent waiting for the receiver
    let remaining = timeoutMs;
    let clockStart = 0;
    let timer: NodeJS.Timeout | undefined;
    const startClock = () => {
      if (timeoutMs <= 0 || settled || timer) return;
      clockStart = performance.now();
      timer = setTimeout(onTimeout, Math.max(0, remaining));
    };
    const pauseClock = () => {
      if (!timer) return;
      clearTimeout(timer);
      timer = undefined;
      remaining -= performance.now() - clockStart;
    };

    const finish = (err: Error | null, outcome?: UserQueryOutcome) => {
      if (settled) return;
      settled = true;
      pauseClock();
      opts.signal?.removeEventListener('abort', onAbort);
      const done = () => (err ? reject(err) : resolve(outcome!));
      if (exited) return done();
      child.once('exit', done);
      child.kill('SIGKILL');
    };
    const onTimeout = () => {
      timer = undefined;
      // stopped while only counting past the cap: the rows are all there, the count is a floor
      if (countedPastCap !== null) finish(null, { columns, rows, more: { rows: countedPastCap, exact: false }, durationMs: performance.now() - started });
      else finish(new QueryTimeoutError(Math.round(timeoutMs / 100) / 10));
    };
    const onAbort = () => finish(new QueryCancelledError());
    opts.signal?.addEventListener('abort', onAbort);

    let chain = Promise.resolve();
    const handle = async (msg: ChildMessage) => {
      if (settled) return;
      switch (msg.type) {
        case 'started':
          startClock();
          break;
        case 'columns':
          columns = msg.columns;
          await opts.onColumns?.(columns);
          break;
        case 'rows':
          pauseClock();
          await opts.onRows?.(msg.rows);
          rows += msg.rows.length;
          startClock();
          if (!settled && child.connected) child.send({ type: 'ack' } satisfies ParentMessage);
          break;
        case 'more':
          countedPastCap = msg.counted;
          break;
        case 'done':
          finish(null, { columns, rows, more: msg.more, durationMs: performance.now() - started });
          break;
        case 'error':
          finish(msg.exitCode === 2 ? new UsageError(msg.message) : new TelemetryError(msg.message, msg.exitCode));
          break;
      }
    };
    child.on('message', (msg: ChildMessage) => {
      chain = chain.then(() => handle(msg)).catch((e) => finish(e instanceof Error ? e : new Error(String(e))));
    });
    child.on('error', (e) => {
      // a process that never started (its executable unreadable to this user, say) emits no
      // 'exit': without this the promise would never settle and the CLI end silently with 0
      if (child.pid === undefined) exited = true;
      finish(new Error(`could not start the query process: ${e.message}`));
    });
    child.on('exit', (code, signal) => {
      exited = true;
      // messages still in the channel are handled first (a `done` may be queued behind rows)
      const failLater = () =>
        void chain.then(() => {
          const tail = stderr.trim().split('\n').pop();
          finish(new Error(`the query process stopped (${signal ?? `exit ${code}`})${tail ? `: ${tail}` : ''}`));
        });
      if (child.connected) child.once('disconnect', failLater);
      else failLater();
    });
    child.send({ type: 'run', job } satisfies ParentMessage);
  });
}

export interface CollectedQuery extends UserQueryOutcome {
  values: QueryValue[][];
}

/** runUserQuery keeping the rows (bounded by maxRows). */
export async function collectUserQuery(dbPath: string, sql: string, opts: Omit<UserQueryOptions, 'onRows'> = {}): Promise<CollectedQuery> {
  const values: QueryValue[][] = [];
  const outcome = await runUserQuery(dbPath, sql, { ...opts, onRows: (batch) => void values.push(...batch) });
  return { ...outcome, values };
}
