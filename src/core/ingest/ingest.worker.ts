/**
 * Worker thread of ingestWorker.ts: runs one migrate or verify with the engine choice it was
 * given, posts progress as messages, turns an `abort` message into its AbortController, and
 * ends with the result or the error as plain data.
 */
import { parentPort, workerData } from 'worker_threads';
import { setDefaultEngine } from '../db/engine';
import { migrateSources } from './migrate';
import { verifySources } from './verify';
import { serialiseError, type IngestWorkerJob, type IngestWorkerReply, type IngestWorkerRequest } from './ingestWorker';

async function main(): Promise<void> {
  const job = workerData as IngestWorkerJob;
  const port = parentPort!;
  const post = (msg: IngestWorkerReply) => port.postMessage(msg);
  const controller = new AbortController();
  port.on('message', (msg: IngestWorkerRequest) => {
    if (msg.type === 'abort') controller.abort();
  });
  try {
    setDefaultEngine(job.engine);
    const result =
      job.kind === 'migrate'
        ? await migrateSources(job.dbPath, job.paths, {
            ...job.options,
            signal: controller.signal,
            onProgress: job.progress ? (progress) => post({ type: 'progress', progress }) : undefined,
          })
        : await verifySources(job.dbPath, job.paths, { ...job.options, signal: controller.signal });
    post({ type: 'done', result });
  } catch (e) {
    post({ type: 'error', error: serialiseError(e) });
  } finally {
    // the abort listener would keep the thread alive (the parent also ends it once it has the reply)
    port.removeAllListeners('message');
    port.unref();
  }
}

void main();
