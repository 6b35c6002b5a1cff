/**
 * Worker thread: reads one JSONL file, parses, maps and hashes its lines (lineRows.ts) and
 * posts them as encoded batches (RowBatch: typed arrays + one UTF-8 blob, transferred, not
 * cloned); at most MAX_IN_FLIGHT unacknowledged batches (bounded memory). The ack hands the
 * batch's buffers back for reuse. When asked (`summarise`: every row sent will be inserted),
 * it also sums the rows' rollup contributions and time range and sends them once at the end.
 */
import { parentPort, workerData } from 'worker_threads';
import { buildMapper, mappingHandlers, RowBatchEncoder, type RowBatch, type WorkerSummary } from './lineRows';
import { type WorkerJob, type WorkerReply } from './parseWorkers';
import { scanJsonl, type LineReject } from './scan';
import { TableRollupDeltas } from '../rollups/deltas';
import { histogramKeyFromThresholds } from '../rollups/histogramKeyTwin';

const BATCH_ROWS = 4096;
const MAX_IN_FLIGHT = 2;

async function run(): Promise<void> {
  const { job, spec, summarise } = workerData as WorkerJob;
  const port = parentPort!;
  const mapper = buildMapper(spec);
  const width = mapper.columns.length + 1;
  const enc = new RowBatchEncoder(width);
  let inFlight = 0;
  let wake: (() => void) | null = null;
  port.on('message', (b: RowBatch) => {
    enc.giveBack(b);
    inFlight--;
    wake?.();
    wake = null;
  });
  let rejects: LineReject[] = [];
  let blank = 0;
  let pending = 0;
  let bytes = 0;
  const flush = () => {
    const { batch, transfer } = enc.take();
    const msg: WorkerReply = { type: 'batch', batch, rejects, blank, pending, bytes };
    port.postMessage(msg, transfer);
    inFlight++;
    rejects = [];
    blank = 0;
    pending = 0;
  };
  const rollup = summarise?.rollup;
  const deltas = rollup ? new TableRollupDeltas(rollup.table, rollup.columns, rollup.info, histogramKeyFromThresholds(rollup.thresholds)) : null;
  const timeAt = summarise ? summarise.timeAt : -1;
  let timeMin = Infinity;
  let timeMax = -Infinity;
  const handlers = mappingHandlers(mapper, {
    row(line, v, at, hash) {
      enc.add(line, v, at, hash);
      if (deltas) deltas.add(v, at);
      if (timeAt >= 0) {
        const t = v[at + timeAt];
        if (typeof t === 'number') {
          if (t < timeMin) timeMin = t;
          if (t > timeMax) timeMax = t;
        }
      }
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
      if (enc.rows >= BATCH_ROWS || rejects.length >= BATCH_ROWS) flush();
      while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (wake = r));
    },
  });
  flush();
  const summary: WorkerSummary | null = summarise ? { time: timeMin <= timeMax ? [timeMin, timeMax] : null, deltas: deltas ? deltas.snapshot() : null } : null;
  const done: WorkerReply = { type: 'done', result, summary };
  port.postMessage(done);
}

run().catch((e) => {
  const msg: WorkerReply = { type: 'error', message: e instanceof Error ? e.message : String(e) };
  parentPort!.postMessage(msg);
});
