/**
 * The dashboard's host path on a 1M-event database (BENCH_SCALE=0.1 → 100k): for every tab,
 * answerDataRequest (what the panel does per request: metrics over rollups + the payload)
 * next to a floor measured in the same run — an indexed count(*) of the tab's rows in range,
 * which any query that reads the events themselves costs at least; a drill-down page; and
 * the static report (24 precomputed tab payloads + row samples + HTML). Times are medians;
 * "fresh snapshot" is the first request on a newly opened copy of the database (a new snapshot
 * after a change on disk: aggregates registered again, nothing warm), "fresh, warmed" the same
 * after prepareForMetrics (what the panel does while the page debounces its refresh); both
 * medians of 3 copies.
 *
 *   node --import tsx bench/dashboard.bench.ts
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SqlDatabase as Database } from '../src/core/db/database';
import { loadSqlJs } from '../src/core/db/sqljs';
import { prepareForMetrics } from '../src/core/metrics';
import { buildReportData, buildReportHtml } from '../src/core/dashboard/index';
import { answerDataRequest, type DashboardDataSource } from '../src/core/dashboard/dashboardRequests';
import { dashboardTabIds, specTab } from '../src/core/dashboard/tabPayload';
import type { DashboardTabId, RangeSelection, TabId } from '../src/protocol';
import { buildDatabase, DAYS, MIX, NOW, START, TOTAL } from './metrics-fixture';
import { KNOWN_SOURCES } from '../src/core/formats/catalogue';
import { ensureKnownTable } from '../src/core/ingest/knownTables';
import { ensureSchema } from '../src/core/schema';

/** The event tables each hand-written tab reads (the full-scan baseline scans these; a spec tab names its own). */
const TAB_TABLES: Record<TabId, string[]> = {
  overview: MIX.map(([t]) => t),
  skills: ['skill_invocation'],
  routing: ['routing_metrics_events', 'expertise_routing_events'],
  selfHeal: ['self_heal_events', 'recovery_events'],
  activity: ['tool_events', 'git_events', 'coordinator_events', 'activity_events'],
  sessions: ['session_outcome_events'],
  // the fixture has no Claude Code transcripts: the tab reads empty V5 tables (or none)
  usage: [],
};


/** The floor of reading the events themselves: count the tab's rows in range (index only). */
function tablesOf(tab: DashboardTabId): readonly string[] {
  return specTab(tab)?.tables ?? TAB_TABLES[tab as TabId];
}

function fullScan(db: Database, tab: DashboardTabId, from: number | undefined): number {
  let n = 0;
  for (const table of tablesOf(tab)) {
    if (!db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '${table}'`).length) continue; // a spec tab's table the fixture lacks
    const ts = table === 'skill_invocation' ? 'invoked_at' : 'timestamp';
    n += db.exec(`SELECT count(*), total(rowid) FROM ${table} WHERE ${from === undefined ? '1' : `${ts} >= ${from}`}`)[0].values[0][0] as number;
  }
  return n;
}

function time<T>(fn: () => T, runs = 5): { ms: number; value: T } {
  let value = fn(); // warm-up (rollups caught up, statements compiled)
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], value };
}

async function timeAsync<T>(fn: () => Promise<T>, runs = 5): Promise<{ ms: number; value: T }> {
  let value = await fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { ms: samples[Math.floor(samples.length / 2)], value };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const db = await buildDatabase();
  console.log(`built ${TOTAL.toLocaleString('en-US')} events in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const metricsOptions = () => ({ timeZone: 'UTC', nowSeconds: NOW });
  const source: DashboardDataSource = { snapshot: async () => db, metricsOptions, nowSeconds: () => NOW };
  await answerDataRequest({ type: 'requestData', requestId: 0, tab: 'overview', range: { preset: 'all' } }, source); // rollups built
  const image = db.export();
  const SQL = await loadSqlJs();

  console.log('\ntab        range  answerDataRequest  fresh snapshot  fresh, warmed  count(*) floor  host/floor  payload');
  for (const range of [{ preset: '24h' }, { preset: '7d' }, { preset: 'all' }] as RangeSelection[]) {
    const from = range.preset === '24h' ? NOW - 86400 : range.preset === '7d' ? NOW - 7 * 86400 : undefined;
    for (const tab of dashboardTabIds()) {
      const host = await timeAsync(() => answerDataRequest({ type: 'requestData', requestId: 1, tab, range }, source));
      if (host.value?.type !== 'data') throw new Error(`${tab}: ${JSON.stringify(host.value)}`);
      const firstRequest = async (warmed: boolean) => {
        const samples: number[] = [];
        for (let i = 0; i < 3; i++) {
          const fresh = new SQL.Database(image);
          if (warmed) prepareForMetrics(fresh);
          const t0 = performance.now();
          await answerDataRequest({ type: 'requestData', requestId: 1, tab, range }, { snapshot: async () => fresh, metricsOptions, nowSeconds: () => NOW });
          samples.push(performance.now() - t0);
          fresh.close();
        }
        return samples.sort((a, b) => a - b)[1];
      };
      const coldMs = await firstRequest(false);
      const warmedMs = await firstRequest(true);
      const scan = time(() => fullScan(db, tab, from));
      const bytes = JSON.stringify(host.value).length;
      console.log(
        `${tab.padEnd(10)} ${range.preset.padEnd(5)}  ${host.ms.toFixed(1).padStart(14)} ms  ${coldMs.toFixed(1).padStart(11)} ms  ${warmedMs.toFixed(1).padStart(10)} ms  ${scan.ms.toFixed(1).padStart(11)} ms  ${(host.ms / Math.max(scan.ms, 0.01)).toFixed(1).padStart(9)}×  ${(bytes / 1024).toFixed(1)} KiB`,
      );
    }
  }

  const drill = await timeAsync(() =>
    answerDataRequest({ type: 'drillDown', requestId: 2, label: 'bench', request: { target: { kind: 'routing', predictedModel: 'haiku' }, range: {} } }, source),
  );
  if (drill.value?.type !== 'rows') throw new Error(JSON.stringify(drill.value));
  console.log(`\ndrill-down first page (100 of ${drill.value.result.total.toLocaleString('en-US')} routing rows): ${drill.ms.toFixed(1)} ms`);

  await specTabsOverRows(SQL);

  const bundlePath = path.resolve(__dirname, '..', 'dist', 'webview.js');
  const bundle = fs.existsSync(bundlePath) ? fs.readFileSync(bundlePath, 'utf8') : '';
  const report = time(() => buildReportHtml({ webviewBundle: bundle, data: buildReportData(db, { databaseLabel: 'bench.db', nowSeconds: NOW, timeZone: 'UTC' }) }), 2);
  console.log(`static report (${dashboardTabIds().length * 4} tab payloads + samples + HTML): ${report.ms.toFixed(0)} ms, ${(report.value.length / 1024).toFixed(0)} KiB (bundle ${(bundle.length / 1024).toFixed(0)} KiB${bundle ? '' : ' — run npm run build'})`);
  db.close();
}

/**
 * The spec tabs read event rows, not rollups: their cost at scale, over a table of TOTAL/10 rows
 * made from the catalogue entry (its indexes included) spread over DAYS, against the count(*) floor.
 */
async function specTabsOverRows(SQL: Awaited<ReturnType<typeof loadSqlJs>>): Promise<void> {
  const db = new SQL.Database();
  ensureSchema(db);
  const src = KNOWN_SOURCES.find((k) => k.table === 'permission_events')!;
  ensureKnownTable(db, src);
  const n = Math.round(TOTAL / 10);
  const insert = db.prepare('INSERT INTO permission_events ("timestamp", event_type, agent_id, permission_level, confidence, row_hash, row_seq) VALUES (?, ?, ?, ?, ?, ?, 1)');
  db.run('BEGIN');
  for (let i = 0; i < n; i++) {
    insert.run([Math.floor(START + ((i + 0.5) * DAYS * 86400) / n), i % 5 === 4 ? 'PERMISSION_REVOKED' : 'PERMISSION_GRANTED', `agent_${(i * 7) % 40}`, ['metrics_write', 'read_only', 'edit_access'][i % 3], 0.8, i + 1]);
  }
  db.run('COMMIT');
  insert.free();
  const source: DashboardDataSource = { snapshot: async () => db, metricsOptions: () => ({ timeZone: 'UTC', nowSeconds: NOW }), nowSeconds: () => NOW };
  console.log(`\nspec tabs over ${n.toLocaleString('en-US')} rows of their tables (event rows, no rollup)`);
  for (const spec of dashboardTabIds().filter((t) => specTab(t))) {
    for (const range of [{ preset: '24h' }, { preset: '7d' }, { preset: 'all' }] as RangeSelection[]) {
      const from = range.preset === '24h' ? NOW - 86400 : range.preset === '7d' ? NOW - 7 * 86400 : undefined;
      const host = await timeAsync(() => answerDataRequest({ type: 'requestData', requestId: 1, tab: spec, range }, source));
      if (host.value?.type !== 'data' || host.value.payload.tab !== 'spec' || host.value.payload.view.empty) throw new Error(`${spec}: ${JSON.stringify(host.value).slice(0, 300)}`);
      const scan = time(() => fullScan(db, spec, from));
      console.log(`${spec.padEnd(11)} ${range.preset.padEnd(5)}  ${host.ms.toFixed(1).padStart(8)} ms  floor ${scan.ms.toFixed(1).padStart(7)} ms  ${(host.ms / Math.max(scan.ms, 0.01)).toFixed(1).padStart(7)}×  ${(JSON.stringify(host.value).length / 1024).toFixed(1)} KiB`);
    }
  }
  db.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
