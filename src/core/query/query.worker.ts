/**
 * Child process that runs one user query (spawned by runUserQuery.ts; named *.worker.ts so
 * scripts/build.mjs bundles it to dist/query.worker.js). It is a process rather than a worker
 * thread because the caller must be able to stop it at once whatever the engine is doing:
 * node:sqlite runs SQLite's C code, which worker.terminate() cannot interrupt (measured: a
 * terminate() still pending after 10 s, and the host process could not even exit), while
 * killing a process always works and returns all its memory.
 *
 * Protocol (IPC, advanced serialization): parent sends `run`, child answers `columns`, then
 * `rows` batches (at most MAX_IN_FLIGHT unacknowledged), `more` while counting past the cap,
 * and finally `done` or `error`.
 */
import { isatty } from 'tty';
import { Worker } from 'worker_threads';
import { openSnapshot, type SqlDatabase } from '../db/database';
import { TelemetryError, UsageError } from '../db/errors';
import { executeUserSql, parseUserSql } from './execute';
import type { ChildMessage, ParentMessage, QueryJob } from './types';

const MAX_IN_FLIGHT = 2;

let inFlight = 0;
let wake: (() => void) | null = null;

function send(msg: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) return resolve();
    process.send(msg, undefined, {}, () => resolve());
  });
}

/** The engine the caller chose (its own default when it named none) opens the database read-only. */
async function openForQuery(job: QueryJob): Promise<SqlDatabase> {
  return openSnapshot(job.dbPath, { engine: job.engine });
}

async function run(job: QueryJob): Promise<void> {
  let db: SqlDatabase | null = null;
  void send({ type: 'started' });
  try {
    parseUserSql(job.sql); // refuse before the database is even read
    db = await openForQuery(job);
    const result = await executeUserSql(db, job.sql, { maxRows: job.maxRows, countMoreMs: job.countMoreMs }, {
      columns: (columns) => void send({ type: 'columns', columns }),
      rows: async (rows) => {
        void send({ type: 'rows', rows });
        inFlight++;
        while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
      },
      more: (counted) => void send({ type: 'more', counted }),
    });
    await send({ type: 'done', rows: result.rows, more: result.more });
  } catch (e) {
    const exitCode = e instanceof TelemetryError ? e.exitCode : 1;
    await send({ type: 'error', message: e instanceof Error ? e.message : String(e), exitCode });
  } finally {
    db?.close();
  }
  process.exit(0);
}

/**
 * A thread that kills this process once its parent is gone. The main thread may sit in SQLite
 * for minutes and never see the IPC channel close; this thread's event loop still runs. Two
 * signals, because a parent killed with SIGKILL runs no code of its own: stdin (a pipe only the
 * parent holds) reads end-of-file, and the parent pid (TL_QUERY_PARENT_PID, named by the parent
 * so a parent killed while this process was still loading is noticed too) is no longer ours.
 */
function startOrphanWatch(): void {
  const parent = Number(process.env.TL_QUERY_PARENT_PID) || process.ppid;
  if (process.ppid !== parent) process.exit(0);
  const code = `const { workerData } = require('worker_threads');
const fs = require('fs');
const die = () => process.kill(process.pid, 'SIGKILL');
setInterval(() => { if (process.ppid !== workerData.parent) die(); }, 250);
if (workerData.readStdin) {
  const b = Buffer.alloc(64);
  let n = 1;
  try { while (n > 0) n = fs.readSync(0, b, 0, b.length, null); } catch { n = 1; } // EAGAIN and the like: the pid check stays
  if (n === 0) die();
}`;
  // stdin is only the parent's pipe when it was spawned by runUserQuery (not on Windows, whose pipes read differently)
  const readStdin = process.platform !== 'win32' && Boolean(process.env.TL_QUERY_PARENT_PID) && !isatty(0);
  new Worker(code, { eval: true, workerData: { parent, readStdin } }).unref();
}

startOrphanWatch();

// Ctrl-C in a terminal reaches the whole process group: the parent decides (it kills us).
process.on('SIGINT', () => {});
process.on('disconnect', () => process.exit(0));
process.on('message', (msg: ParentMessage) => {
  if (msg.type === 'ack') {
    inFlight--;
    wake?.();
    wake = null;
  } else if (msg.type === 'run') {
    void run(msg.job);
  }
});
