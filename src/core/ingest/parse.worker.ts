/**
 * Worker thread: reads one JSONL file, parses, maps and hashes its lines (rowSource.ts) and
 * posts them in batches; at most MAX_IN_FLIGHT unacknowledged batches (bounded memory).
 */
import { parentPort, workerData } from 'worker_threads';
import type { SqlValue } from 'sql.js';
import { buildMapper, mappingHandlers, type MapperSpec, type ReadJob, type WorkerReply } from './rowSource';
import { scanJsonl, type LineReject } from './scan';

const BATCH_ROWS = 4096;
const MAX_IN_FLIGHT = 2;

async function run(): Promise<void> {
  const { job, spec } = workerData as { job: ReadJob; spec: MapperSpec };
  const port = parentPort!;
  const mapper = buildMapper(spec);
  const width = mapper.columns.length + 1;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    inFlight--;
    wake?.();
    wake = null;
  });
  let lines: number[] = [];
  let hashes: number[] = [];
  let vals: SqlValue[] = [];
  let rejects: LineReject[] = [];
  let blank = 0;
  let pending = 0;
  let bytes = 0;
  const flush = () => {
    const msg: WorkerReply = { type: 'batch', lines, hashes, vals, rejects, blank, pending, bytes };
    port.postMessage(msg);
    inFlight++;
    lines = [];
    hashes = [];
    vals = [];
    rejects = [];
    blank = 0;
    pending = 0;
  };
  const handlers = mappingHandlers(mapper, {
    row(line, v, at, hash) {
      lines.push(line);
      hashes.push(hash);
      for (let i = 0; i < width; i++) vals.push(v[at + i]);
    },
    reject: (x) => void rejects.push(x),
    blank: () => void blank++,
    pending: () => void pending++,
  });
  const result = await scanJsonl(job.path, handlers, {
    startOffset: job.startOffset,
    startLine: job.startLine,
    limit: job.limit,
    maxLineBytes: job.maxLineBytes,
    chunkBytes: 1 << 20,
    onBytes: (n) => {
      bytes = n;
    },
    // the reader awaits between chunks: hold it while the main thread is behind
    chunkHook: async () => {
      if (lines.length >= BATCH_ROWS || rejects.length >= BATCH_ROWS) flush();
      while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    },
  });
  flush();
  const done: WorkerReply = { type: 'done', result };
  port.postMessage(done);
}

run().catch((e) => {
  const msg: WorkerReply = { type: 'error', message: e instanceof Error ? e.message : String(e) };
  parentPort!.postMessage(msg);
});
