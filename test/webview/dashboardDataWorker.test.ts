/**
 * The dashboard's data on a worker thread (src/core/dashboard/dashboardDataWorker.ts): the same
 * protocol replies as in-process on the engine of this pass, a database change reaches the
 * worker's snapshot through invalidate(), the thread ends with its last lease, and the calling
 * thread's event loop stays free while every tab of a large database is computed cold
 * (in-process side by side).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultEngineChoice, resolveEngine } from '../../src/core/db/database';
import { answerDataRequest, NO_TELEMETRY_TABLES } from '../../src/core/dashboard/dashboardRequests';
import { DashboardDataWorker, type DashboardDataMessage } from '../../src/core/dashboard/dashboardDataWorker';
import { SnapshotCache } from '../../src/core/dashboard/snapshotCache';
import { rebuildRollups } from '../../src/core/rollups/refresh';
import { loadSqlJs } from '../../src/core/db/sqljs';
import type { HostToWebview, RangeSelection } from '../../src/protocol';
import { dashboardTabIds } from '../../src/core/dashboard/tabPayload';
import { buildDatabase, NOW as BIG_NOW } from '../../bench/metrics-fixture';
import { buildFixtureDatabase, NOW } from './fixtureDb';
import { readMetricsTreeData } from '../../src/core/dashboard/metricsTreeData';
import { buildMetricsTree, metricsTreeFromData } from '../../src/extension/tree/metricsTreeModel';
import { openSnapshot } from '../../src/core/db/database';
import { listTableRows } from '../../src/core/metrics';
import { reportDataOf } from '../../src/core/dashboard/index';
import { maxLagDuring } from '../eventLoopLag';

const engine = defaultEngineChoice();
/** the freshness ages count from the fixture's now, not the clock, so both paths agree */
const optionsAt = (now: number) => ({ timeZone: 'UTC', nowSeconds: now });
const RANGES: RangeSelection[] = [{ preset: '24h' }, { preset: '7d' }, { preset: 'all' }];

function requestsFor(ranges: RangeSelection[]): DashboardDataMessage[] {
  let id = 0;
  const out: DashboardDataMessage[] = [];
  for (const range of ranges) for (const tab of dashboardTabIds()) out.push({ type: 'requestData', requestId: ++id, tab, range });
  return out;
}

/** The replies of `messages`, answered here from a fresh snapshot (what the panel did before the worker). */
async function answerInProcess(dbPath: string, messages: DashboardDataMessage[], now: number): Promise<(HostToWebview | undefined)[]> {
  const cache = new SnapshotCache(() => dbPath);
  try {
    const replies = [];
    for (const m of messages) replies.push(await answerDataRequest(m, { snapshot: () => cache.get(), metricsOptions: () => optionsAt(now), nowSeconds: () => now }));
    return replies;
  } finally {
    cache.dispose();
  }
}

async function answerInWorker(worker: DashboardDataWorker, messages: DashboardDataMessage[], now: number): Promise<(HostToWebview | undefined)[]> {
  const replies = [];
  for (const m of messages) replies.push(await worker.answer(m, optionsAt(now), now));
  return replies;
}

describe(`dashboard data worker (engine ${resolveEngine(engine).name})`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-dataworker-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('every tab, a drill-down page and the Metrics tree: the worker gives the in-process answers; a write reaches it through invalidate()', async () => {
    const file = path.join(dir, 'telemetry.db');
    const fixture = await buildFixtureDatabase();
    fs.writeFileSync(file, fixture.export());
    fixture.close();
    const drill: DashboardDataMessage = { type: 'drillDown', requestId: 100, label: 'Self-heal', request: { target: { kind: 'selfHeal' }, range: {}, limit: 50 } };
    const badDrill: DashboardDataMessage = { type: 'drillDown', requestId: 101, label: 'x', request: { target: { kind: 'sqlite_master; DROP TABLE tool_events' } as never, range: {} } };
    const messages = [...requestsFor(RANGES), drill, badDrill];
    const worker = new DashboardDataWorker({ dbPath: () => file, engine: () => engine });
    const lease = worker.acquire();
    try {
      const here = await answerInProcess(file, messages, NOW);
      const there = await answerInWorker(worker, messages, NOW);
      assert.equal(there.length, dashboardTabIds().length * RANGES.length + 2);
      for (let i = 0; i < messages.length - 1; i++) assert.equal(there[i]?.type, i < messages.length - 2 ? (messages[i].type === 'requestData' ? 'data' : 'rows') : 'rows');
      assert.equal(there[there.length - 1]?.type, 'error', 'an unknown drill kind is refused in the worker too');
      assert.deepEqual(there, here);
      const rows = there[messages.length - 2];
      assert.ok(rows?.type === 'rows' && rows.result.rows.length > 0, 'the drill-down page has rows');

      // the Metrics tree's data from the same worker: the nodes the tree built here from a snapshot
      const treeOptions = { ...optionsAt(NOW), freshness: { liveWithinSeconds: 3600, staleWithinSeconds: 7 * 86400 } };
      const treeData = await worker.metricsTreeData(treeOptions);
      const snapshot = await openSnapshot(file);
      try {
        assert.deepEqual(treeData, readMetricsTreeData(snapshot, treeOptions));
        const nodes = metricsTreeFromData(treeData);
        assert.deepEqual(nodes, buildMetricsTree(snapshot, treeOptions));
        assert.deepEqual(nodes.map((n) => n.id), ['section:sources', 'section:usage', 'section:skills', 'section:routing', 'section:selfHeal', 'section:migrations']);
        assert.ok(nodes[0].children!.length > 0, 'the data sources are listed');
        // Show Rows: a tree node's table and filters, listed in the worker as here
        const showRows = { table: 'self_heal_events', range: {}, filters: { success: 0 }, limit: 500 };
        const listed = await worker.tableRows(showRows);
        assert.deepEqual(listed, listTableRows(snapshot, showRows));
        assert.ok(listed.total > 0);
        await assert.rejects(worker.tableRows({ table: 'sqlite_master', range: {} }), /unknown event table/);
        // Export Dashboard as HTML: the report's data from the worker, as here
        const reportOptions = { timeZone: 'UTC', nowSeconds: NOW };
        assert.deepEqual(await worker.reportData(reportOptions), reportDataOf(snapshot, file, reportOptions));
      } finally {
        snapshot.close();
      }

      // another program writes (python's sqlite3, as the users' hooks): after invalidate() the
      // worker reads the new snapshot, and the Self-heal tab counts the new failure
      const before = there[messages.findIndex((m) => m.type === 'requestData' && m.tab === 'selfHeal' && m.range.preset === 'all')];
      const py = `import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("INSERT INTO self_heal_events (timestamp, error_pattern, success) VALUES (?, 'written-by-a-hook', 0)", (${NOW - 60},)); c.commit()`;
      assert.equal(spawnSync('python3', ['-c', py, file]).status, 0);
      worker.invalidate();
      const selfHeal: DashboardDataMessage = { type: 'requestData', requestId: 200, tab: 'selfHeal', range: { preset: 'all' } };
      const afterWrite = await worker.answer(selfHeal, optionsAt(NOW), NOW);
      assert.ok(afterWrite?.type === 'data' && afterWrite.payload.tab === 'selfHeal' && before?.type === 'data' && before.payload.tab === 'selfHeal');
      assert.notDeepEqual(afterWrite.payload.selfHeal, before.payload.selfHeal, 'the new row shows');
      assert.deepEqual(afterWrite, (await answerInProcess(file, [selfHeal], NOW))[0]);
    } finally {
      lease.dispose();
      worker.dispose();
    }
  });

  test('a database without telemetry tables: the same “run Migrate JSONL” answer; the thread ends with its last lease', async () => {
    const file = path.join(dir, 'blank.db');
    const SQL = await loadSqlJs();
    const blank = new SQL.Database();
    fs.writeFileSync(file, blank.export());
    blank.close();
    const worker = new DashboardDataWorker({ dbPath: () => file, engine: () => engine });
    try {
      const lease = worker.acquire();
      await worker.warm();
      assert.equal(worker.running, true);
      const reply = await worker.answer({ type: 'requestData', requestId: 1, tab: 'overview', range: { preset: '7d' } }, optionsAt(NOW), NOW);
      assert.deepEqual(reply, { type: 'error', requestId: 1, message: NO_TELEMETRY_TABLES });
      assert.equal(worker.running, true, 'a lease keeps the worker (and its snapshot) between requests');
      lease.dispose();
      assert.equal(worker.running, false, 'the last lease ends the worker');
      // with idleStopMs the thread (and its snapshot) outlives the last lease for that long, then ends
      const lingering = new DashboardDataWorker({ dbPath: () => file, engine: () => engine, idleStopMs: 300 });
      const brief = lingering.acquire();
      await lingering.warm();
      brief.dispose();
      assert.equal(lingering.running, true, 'kept for the next read');
      await new Promise((resolve) => setTimeout(resolve, 600));
      assert.equal(lingering.running, false, 'ended once idle');
      lingering.dispose();
      // a later request starts a new one; dispose ends it and refuses more
      const again = worker.acquire();
      assert.deepEqual(await worker.answer({ type: 'requestData', requestId: 2, tab: 'skills', range: { preset: 'all' } }, optionsAt(NOW), NOW), { type: 'error', requestId: 2, message: NO_TELEMETRY_TABLES });
      worker.dispose();
      again.dispose();
      assert.equal(worker.running, false);
      await assert.rejects(worker.answer({ type: 'requestData', requestId: 3, tab: 'skills', range: { preset: 'all' } }, optionsAt(NOW), NOW), /disposed/);
    } finally {
      worker.dispose();
    }
  });

  const EVENTS = Number(process.env.TL_DATA_WORKER_EVENTS ?? 300_000);

  test(`the calling thread stays responsive while every tab and the tree of a ${EVENTS}-event database are computed cold in the worker (in-process side by side)`, async () => {
    const file = path.join(dir, 'big.db');
    const big = await buildDatabase(EVENTS);
    rebuildRollups(big); // as after an ingest: the rollups are current
    fs.writeFileSync(file, big.export());
    big.close();
    const messages = requestsFor([{ preset: '7d' }, { preset: 'all' }]);
    const treeOptions = optionsAt(BIG_NOW);
    const inProcess = await maxLagDuring(async () => {
      const replies = await answerInProcess(file, messages, BIG_NOW);
      const snapshot = await openSnapshot(file);
      try {
        return { replies, tree: readMetricsTreeData(snapshot, treeOptions) };
      } finally {
        snapshot.close();
      }
    });
    const worker = new DashboardDataWorker({ dbPath: () => file, engine: () => engine });
    const lease = worker.acquire();
    try {
      const inWorker = await maxLagDuring(async () => ({ replies: await answerInWorker(worker, messages, BIG_NOW), tree: await worker.metricsTreeData(treeOptions) }));
      const mb = (fs.statSync(file).size / 2 ** 20).toFixed(0);
      console.log(
        `[lag] engine ${resolveEngine(engine).name}, ${EVENTS} events (${mb} MB), ${messages.length} tab payloads cold + the Metrics tree: max event-loop delay in-process ${inProcess.maxMs.toFixed(1)} ms, worker ${inWorker.maxMs.toFixed(1)} ms`,
      );
      assert.ok(inWorker.result.replies.every((r) => r?.type === 'data'), 'every tab answered with data');
      assert.ok(inWorker.result.tree.sources.sources.length >= 10, 'the tree lists the event tables');
      assert.deepEqual(inWorker.result, inProcess.result);
      // side by side: the same work blocks the caller's loop when run here, not when run in the worker
      assert.ok(inWorker.maxMs < inProcess.maxMs / 2, `worker ${inWorker.maxMs} ms vs in-process ${inProcess.maxMs} ms`);
    } finally {
      lease.dispose();
      worker.dispose();
    }
  });
});
