/**
 * Worker thread of dashboardDataWorker.ts: keeps one snapshot of the database open (reopened when
 * the file changed on disk, when told the database changed, or when the path or engine moved) and
 * answers the dashboard's data requests from it with answerDataRequest, and the Metrics tree's with
 * readMetricsTreeData — the same answers as in-process. Requests are answered one at a time, in order.
 */
import { parentPort } from 'worker_threads';
import { setDefaultEngine, type EngineChoice } from '../db/engine';
import { serialiseError } from '../ingest/ingestWorker';
import { answerDataRequest } from './dashboardRequests';
import { listTableRows } from '../metrics';
import { reportDataOf } from './index';
import { readMetricsTreeData } from './metricsTreeData';
import type { DashboardWorkerReply, DashboardWorkerRequest } from './dashboardDataWorker';
import { SnapshotCache } from './snapshotCache';

const port = parentPort!;
let current: { dbPath: string; engine: EngineChoice } | undefined;
const snapshots = new SnapshotCache(() => current?.dbPath ?? '');
let queue: Promise<void> = Promise.resolve();

function follow(dbPath: string, engine: EngineChoice): void {
  if (dbPath === current?.dbPath && engine === current.engine) return;
  if (engine !== current?.engine) setDefaultEngine(engine);
  current = { dbPath, engine };
  snapshots.invalidate();
}

async function handle(request: Exclude<DashboardWorkerRequest, { type: 'invalidate' }>): Promise<DashboardWorkerReply> {
  try {
    follow(request.dbPath, request.engine);
    if (request.type === 'warm') {
      await snapshots.warm();
      return { id: request.id };
    }
    if (request.type === 'treeData') return { id: request.id, treeData: readMetricsTreeData(await snapshots.get(), request.options) };
    if (request.type === 'tableRows') return { id: request.id, rows: listTableRows(await snapshots.get(), request.request) };
    if (request.type === 'reportData') return { id: request.id, reportData: reportDataOf(await snapshots.get(), request.dbPath, request.options) };
    const reply = await answerDataRequest(request.message, {
      snapshot: () => snapshots.get(),
      metricsOptions: () => request.metricsOptions,
      nowSeconds: () => request.nowSeconds,
    });
    return { id: request.id, reply };
  } catch (e) {
    return { id: request.id, error: serialiseError(e) };
  }
}

port.on('message', (request: DashboardWorkerRequest) => {
  if (request.type === 'invalidate') {
    // takes effect for the requests after it (those before it were queued first)
    queue = queue.then(() => snapshots.invalidate());
    return;
  }
  queue = queue.then(async () => port.postMessage(await handle(request)));
});
