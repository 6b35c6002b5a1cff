/**
 * Child process of host-memory.bench.ts: what the extension host holds with the dashboard
 * open on DB. Loads the modules (idle), then opens the database as the panel does (one
 * snapshot, kept while the panel is open) and answers every tab's data request over all time.
 * Usage: host-memory-run DB → prints one JSON line { engine, idleMB, openMB, peakMB, ms }.
 */
import { openSnapshot, resolveEngine } from '../src/core/db/database';
import { answerDataRequest, type DashboardDataSource } from '../src/core/report/dashboardRequests';
import { TAB_IDS } from '../src/protocol';

const rssMB = () => process.memoryUsage().rss / 1048576;
const settle = async () => {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((r) => setTimeout(r, 200));
};

(async () => {
  const [dbPath] = process.argv.slice(2);
  const engine = resolveEngine();
  await settle();
  const idleMB = rssMB();
  const t0 = performance.now();
  const db = await openSnapshot(dbPath);
  const source: DashboardDataSource = { snapshot: async () => db, metricsOptions: () => ({ timeZone: 'UTC' }), nowSeconds: () => Math.floor(Date.now() / 1000) };
  for (const tab of TAB_IDS) {
    const r = await answerDataRequest({ type: 'requestData', requestId: 1, tab, range: { preset: 'all' } }, source);
    if (r?.type !== 'data') throw new Error(`${tab}: ${JSON.stringify(r).slice(0, 300)}`);
  }
  const ms = performance.now() - t0;
  await settle();
  const openMB = rssMB();
  const peakMB = process.resourceUsage().maxRSS / 1024;
  db.close();
  process.stdout.write(JSON.stringify({ engine: engine.name, idleMB: Math.round(idleMB), openMB: Math.round(openMB), peakMB: Math.round(peakMB), ms: Math.round(ms) }) + '\n');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
