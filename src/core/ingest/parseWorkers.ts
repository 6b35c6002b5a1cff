/**
 * The parse-worker plumbing: starts parse.worker.ts threads, splits a read into line-aligned
 * byte ranges, and feeds the RowBatches they send to a RowSink on this thread (lineRows.ts
 * holds the mapper, the batch codec and the in-thread reader the workers share).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { SqlValue } from '../db/database';
import type { ReadLinesResult } from './lineReader';
import type { LineReject } from './scan';
import { batchBuffers, forEachDecodedRow, type MapperSpec, type ReadJob, type RowBatch, type RowSink, type WorkerSummarise, type WorkerSummary } from './lineRows';

/** Messages of the parse worker (see parse.worker.ts). */
export type WorkerReply =
  | { type: 'batch'; batch: RowBatch; rejects: LineReject[]; blank: number; pending: number; bytes: number }
  | { type: 'done'; result: ReadLinesResult; summary: WorkerSummary | null }
  | { type: 'error'; message: string };

/** What the parse worker gets as workerData. */
export interface WorkerJob {
  job: ReadJob;
  spec: MapperSpec;
  summarise: WorkerSummarise | null;
}

/** dist/parse.worker.js beside the bundle, or the TypeScript source under tsx (tests, bench). */
function workerEntry(): { code: string; eval: boolean } | null {
  const bundled = path.join(__dirname, 'parse.worker.js');
  if (fs.existsSync(bundled)) return { code: bundled, eval: false };
  const source = path.join(__dirname, 'parse.worker.ts');
  // under tsx the worker registers tsx's CommonJS hook itself before loading the TypeScript
  if (fs.existsSync(source)) return { code: `require('tsx/cjs/api').register(); require(${JSON.stringify(source)});`, eval: true };
  return null;
}

export function workerAvailable(): boolean {
  return workerEntry() !== null;
}

/**
 * Reads the file on a worker thread. The worker sends batches and waits for an ack after a
 * few in flight, so memory stays bounded however far parsing runs ahead of inserting.
 * Throwing from the sink (e.g. a full re-read is needed) or aborting terminates the worker.
 */
export function readRowsInWorker(job: ReadJob, spec: MapperSpec, width: number, sink: RowSink, signal?: AbortSignal, onBytes?: (n: number) => void, summarise: WorkerSummarise | null = null): Promise<ReadLinesResult> {
  const entry = workerEntry();
  if (!entry) return Promise.reject(new Error('parse worker not found'));
  return new Promise<ReadLinesResult>((resolve, reject) => {
    const data: WorkerJob = { job, spec, summarise: sink.rows ? summarise : null };
    const worker = new Worker(entry.code, { eval: entry.eval, workerData: data });
    const vals = new Array<SqlValue>(width).fill(null);
    let settled = false;
    let bytes = 0;
    const finish = (err: unknown, result?: ReadLinesResult) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      if (err) reject(err);
      else resolve(result!);
    };
    const onAbort = () => {
      const e = new Error('ingest cancelled');
      e.name = 'AbortError';
      finish(e);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort);
    worker.on('message', (msg: WorkerReply) => {
      if (settled) return;
      try {
        if (msg.type === 'batch') {
          for (const x of msg.rejects) sink.reject(x);
          for (let i = 0; i < msg.blank; i++) sink.blank();
          for (let i = 0; i < msg.pending; i++) sink.pending();
          const b = msg.batch;
          if (sink.rows) sink.rows(b);
          else forEachDecodedRow(b, vals, (i) => sink.row(b.lines[i], vals, 0, b.hashes[i]));
          bytes = msg.bytes;
          onBytes?.(bytes);
          // the buffers go back for the worker's next batches
          worker.postMessage(b, batchBuffers(b));
        } else if (msg.type === 'done') {
          if (msg.summary) sink.summary?.(msg.summary);
          finish(null, msg.result);
        }
        else finish(new Error(msg.message));
      } catch (e) {
        finish(e);
      }
    });
    worker.on('error', (e) => finish(e));
    worker.on('exit', (code) => finish(new Error(`parse worker exited with code ${code}`)));
  });
}

/** Counts '\n' bytes in [from, to) of an open file, in 4 MiB reads. */
async function countNewlines(fh: fs.promises.FileHandle, from: number, to: number): Promise<number> {
  const buf = Buffer.allocUnsafe(4 << 20);
  let n = 0;
  for (let pos = from; pos < to; ) {
    const { bytesRead } = await fh.read(buf, 0, Math.min(buf.length, to - pos), pos);
    if (bytesRead === 0) break;
    for (let i = buf.indexOf(10, 0); i >= 0 && i < bytesRead; i = buf.indexOf(10, i + 1)) n++;
    pos += bytesRead;
  }
  return n;
}

/**
 * Splits a read into `parts` jobs at line boundaries (each but the last ends right after a
 * '\n', with the absolute line number it starts at), or returns [job] when no boundary is
 * found near a split point (very long lines).
 */
export async function splitJob(job: ReadJob, end: number, parts: number): Promise<ReadJob[]> {
  if (parts < 2) return [job];
  const fh = await fs.promises.open(job.path, 'r');
  try {
    const bounds = [job.startOffset];
    const window = Buffer.allocUnsafe(1 << 16);
    for (let k = 1; k < parts; k++) {
      const approx = job.startOffset + Math.floor(((end - job.startOffset) * k) / parts);
      const { bytesRead } = await fh.read(window, 0, window.length, approx);
      const nl = window.subarray(0, bytesRead).indexOf(10);
      if (nl < 0) return [job];
      const b = approx + nl + 1;
      if (b <= bounds[bounds.length - 1] || b >= end) return [job];
      bounds.push(b);
    }
    const jobs: ReadJob[] = [];
    let line = job.startLine;
    for (let i = 0; i < bounds.length; i++) {
      const last = i === bounds.length - 1;
      jobs.push({ ...job, startOffset: bounds[i], startLine: line, limit: last ? job.limit : bounds[i + 1] });
      if (!last) line += await countNewlines(fh, bounds[i], bounds[i + 1]);
    }
    return jobs;
  } finally {
    await fh.close();
  }
}

/**
 * Several parse workers on consecutive parts of one file, all feeding one sink (row identity
 * counts do not depend on arrival order; every row carries its own line number). The first
 * failure stops the others. Returns the last part's result (offsets of the whole read).
 */
export async function readRowsInWorkers(jobs: ReadJob[], spec: MapperSpec, width: number, sink: RowSink, signal?: AbortSignal, onBytes?: (n: number) => void, summarise: WorkerSummarise | null = null): Promise<ReadLinesResult> {
  if (jobs.length === 1) return readRowsInWorker(jobs[0], spec, width, sink, signal, onBytes, summarise);
  const stop = new AbortController();
  const onOuterAbort = () => stop.abort();
  signal?.addEventListener('abort', onOuterAbort);
  const done = jobs.map(() => 0);
  const report = () => onBytes?.(done.reduce((a, b) => a + b, 0));
  try {
    const results = await Promise.all(
      jobs.map((job, i) =>
        readRowsInWorker(
          job,
          spec,
          width,
          sink,
          stop.signal,
          (n) => {
            done[i] = n;
            report();
          },
          summarise,
        ).catch((e: unknown) => {
          stop.abort();
          throw e;
        }),
      ),
    );
    return results[results.length - 1];
  } catch (e) {
    // an outer cancel surfaces as AbortError whichever worker noticed first
    if (signal?.aborted) {
      const err = new Error('ingest cancelled');
      err.name = 'AbortError';
      throw err;
    }
    throw e;
  } finally {
    signal?.removeEventListener('abort', onOuterAbort);
  }
}
