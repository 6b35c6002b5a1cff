/**
 * The Permissions spec tab (src/core/dashboard/tabs/permissions.ts) on a real database: seed
 * 003's permission_events lines imported by migrate, read with the suite's engine (sql.js, or
 * node:sqlite with --engine-native), its numbers checked against python3's sqlite3 on the same
 * file; its drill keys listing exactly those rows (live and in the static report's data); and
 * the page drawing it in Chromium (fake host, real protocol). A Claude Code permission log of the
 * same name (an inferred table without agent_id) shows the empty state.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSnapshot, type SqlDatabase } from '../../src/core/db/database';
import { resolveEngine } from '../../src/core/db/engine';
import { buildReportData } from '../../src/core/dashboard/reportData';
import { computeTabPayload, resolveRange } from '../../src/core/dashboard/tabPayload';
import { migrateSources } from '../../src/core/ingest';
import { getDrillDownRows } from '../../src/core/metrics';
import type { SpecTabView, TabPayload, WebviewToHost } from '../../src/protocol';
import { lines, pyQuery, tempDir } from '../ingest/helpers';
import { artifact, cspViolationsOf, drawnPixels, ensureBundle, launchBrowser, openDashboard } from '../webview/harness';

const NOW = Date.UTC(2026, 2, 15, 12) / 1000;
const AGENTS = ['gemma_dead_code_detection', 'qwen_strategy', 'holo_index', 'gemma_jsonl_audit'];
const LEVELS = ['metrics_write', 'read_only', 'edit_access', null];

/** 60 events over the 12 days before NOW: agent i % 4 (weighted to the first), every 5th a revocation, one level unrecorded. */
function seedLines(): string {
  const records = [];
  for (let i = 0; i < 60; i++) {
    const t = NOW - 12 * 86400 + Math.floor((i * 12 * 86400) / 60) + 1234;
    const agent = AGENTS[i % 7 < 3 ? 0 : i % 4];
    const level = LEVELS[i % 4];
    records.push({
      timestamp: new Date(t * 1000).toISOString(),
      event_type: i % 5 === 4 ? 'PERMISSION_REVOKED' : 'PERMISSION_GRANTED',
      agent_id: agent,
      ...(level ? { permission_level: level } : {}),
      granted_by: '0102',
      confidence: 0.5 + (i % 5) / 10,
      justification: 'pattern accuracy above threshold',
    });
  }
  return lines(...records) + '\n';
}

const viewOf = (p: TabPayload): SpecTabView => {
  assert.equal(p.tab, 'spec');
  return (p as Extract<TabPayload, { tab: 'spec' }>).view;
};

describe(`Permissions tab (${resolveEngine().name})`, () => {
  let dbPath: string;
  let db: SqlDatabase;
  const opts = { timeZone: 'UTC', nowSeconds: NOW };
  const py = (sql: string) => pyQuery<{ n: number }>(dbPath, sql)[0].n;

  before(async () => {
    const dir = tempDir('perm-tab');
    fs.mkdirSync(path.join(dir, 'memory'));
    fs.writeFileSync(path.join(dir, 'memory', 'permission_events.jsonl'), seedLines());
    dbPath = path.join(dir, 'foundups.db');
    const r = await migrateSources(dbPath, [path.join(dir, 'memory')], { tz: 'UTC' });
    assert.deepEqual([r.sources[0].table, r.sources[0].inserted], ['permission_events', 60]);
    db = await openSnapshot(dbPath);
  });
  after(() => db?.close());

  test('KPIs, events per day by type, levels and top agents equal python3 sqlite3 on the same file; every key lists its rows', () => {
    for (const preset of ['7d', 'all'] as const) {
      const range = resolveRange({ preset }, NOW);
      const where = range.from === undefined ? '1' : `timestamp >= ${range.from}`;
      const v = viewOf(computeTabPayload(db, 'permissions', range, opts));
      assert.equal(v.empty, undefined);
      const kpi = Object.fromEntries(v.kpis.map((k) => [k.id, k.value]));
      assert.deepEqual(kpi, {
        'permission-events': py(`SELECT count(*) AS n FROM permission_events WHERE ${where}`),
        'permission-grants': py(`SELECT count(*) AS n FROM permission_events WHERE ${where} AND event_type = 'PERMISSION_GRANTED'`),
        'permission-revocations': py(`SELECT count(*) AS n FROM permission_events WHERE ${where} AND event_type = 'PERMISSION_REVOKED'`),
        'permission-agents': py(`SELECT count(DISTINCT agent_id) AS n FROM permission_events WHERE ${where}`),
      });
      assert.ok(kpi['permission-revocations']! > 0 && kpi['permission-grants']! > kpi['permission-revocations']!, preset);

      const perDay = v.charts.find((c) => c.id === 'permission-events-per-day')!;
      assert.ok(perDay.kind === 'time' && perDay.stacked);
      const expectedDays = pyQuery<{ day: string; t: string; n: number }>(dbPath, `SELECT date(timestamp, 'unixepoch') AS day, event_type AS t, count(*) AS n FROM permission_events WHERE ${where} GROUP BY day, t ORDER BY day, t`);
      const shownDays = perDay.series.flatMap((s) => s.points.map((p) => ({ day: p.day, t: s.label, n: p.value }))).sort((a, b) => a.day.localeCompare(b.day) || a.t.localeCompare(b.t));
      assert.deepEqual(shownDays, expectedDays);
      for (const s of perDay.series) {
        const p = s.points[0];
        const rows = getDrillDownRows(db, { target: { kind: 'keyed', key: s.drillKey! }, range, day: p.day, timeZone: 'UTC' });
        assert.equal(rows.total, p.value, `${s.label} on ${p.day}`);
        assert.ok(rows.rows.every((r) => r.values.event_type === s.label));
      }

      const levels = v.charts.find((c) => c.id === 'permission-levels')!;
      assert.ok(levels.kind === 'categories' && levels.chart === 'doughnut');
      const expectedLevels = pyQuery<{ l: string | null; n: number }>(dbPath, `SELECT permission_level AS l, count(*) AS n FROM permission_events WHERE ${where} GROUP BY l`);
      assert.deepEqual(
        levels.categories.map((c) => [c.label, c.value]).sort(),
        expectedLevels.map((r) => [r.l ?? '(not recorded)', r.n]).sort(),
      );
      for (const c of levels.categories) assert.equal(getDrillDownRows(db, { target: { kind: 'keyed', key: c.drillKey! }, range }).total, c.value, c.label);

      const agents = v.tables.find((t) => t.id === 'permission-top-agents')!;
      const expectedAgents = pyQuery<{ a: string; n: number }>(dbPath, `SELECT agent_id AS a, count(*) AS n FROM permission_events WHERE ${where} GROUP BY a ORDER BY n DESC, a`);
      assert.deepEqual(agents.rows.map((r) => r.cells), expectedAgents.map((r) => [r.a, r.n]));
      for (const r of agents.rows) {
        const rows = getDrillDownRows(db, { target: { kind: 'keyed', key: r.drillKey! }, range });
        assert.equal(rows.total, r.cells[1]);
        assert.ok(rows.rows.every((x) => x.values.agent_id === r.cells[0] && x.source.table === 'permission_events'));
      }
    }
  });

  test('the static report carries the view for every preset and resolves its keys to table and filters for the sampled rows', () => {
    const data = buildReportData(db, { databaseLabel: 'foundups.db', nowSeconds: NOW, timeZone: 'UTC' });
    assert.deepEqual(data.init.specTabs?.find((t) => t.id === 'permissions'), { id: 'permissions', title: 'Permissions' });
    const v = viewOf(data.payloads.all.permissions);
    const top = v.tables[0].rows[0];
    assert.deepEqual(data.keyedRows?.[top.drillKey!], { table: 'permission_events', filters: { agent_id: top.cells[0] } });
    assert.equal(data.samples.permission_events.total, 60);
    assert.equal(data.samples.permission_events.rows.filter((r) => r.values.agent_id === top.cells[0]).length, top.cells[1]);
  });

  test('a Claude Code permission log of the same name (inferred, no agent_id) shows the empty state', async () => {
    const dir = tempDir('perm-cc');
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'permission_events.jsonl'), lines(...[0, 1, 2].map((i) => ({ ts: NOW - 3600 * (i + 1), tool: 'Bash', decision: i % 2 ? 'deny' : 'allow' }))) + '\n');
    const file = path.join(dir, 'cc.db');
    const r = await migrateSources(file, [path.join(dir, 'logs')], { tz: 'UTC' });
    assert.deepEqual([r.sources[0].kind, r.sources[0].inserted], ['inferred', 3]);
    const cc = await openSnapshot(file);
    try {
      const v = viewOf(computeTabPayload(cc, 'permissions', resolveRange({ preset: 'all' }, NOW), opts));
      assert.deepEqual(v.empty, { title: 'No permission events', files: 'permission_events.jsonl' });
      assert.deepEqual([v.kpis, v.charts, v.tables], [[], [], []]);
    } finally {
      cc.close();
    }
  });

  test('the page draws it: KPIs, a stacked bar and a doughnut with pixels, the agents table; drill-downs send only the minted key', async () => {
    ensureBundle();
    const browser = await launchBrowser();
    try {
      const host = await openDashboard(browser, { db, nowSeconds: NOW, init: { view: { tab: 'permissions', range: { preset: '7d' } } } });
      await host.waitForTab('permissions');
      const panel = 'vscode-tab-panel[data-tab="permissions"]';
      const v = viewOf(computeTabPayload(db, 'permissions', resolveRange({ preset: '7d' }, NOW), opts));
      for (const k of v.kpis) assert.equal((await host.page.textContent(`${panel} [data-kpi="${k.id}"] .kpi-value`))!.trim(), k.value!.toLocaleString('en-US'), k.id);
      assert.match((await host.page.textContent(`${panel} [data-kpi="permission-grants"] .kpi-sub`))!, /revocations/);
      for (const id of ['permission-events-per-day', 'permission-levels']) {
        assert.ok((await drawnPixels(host.page, `${panel} [data-chart-id="${id}"] canvas`)) > 500, `${id} drawn`);
        assert.ok(((await host.page.getAttribute(`${panel} [data-chart-id="${id}"] canvas`, 'aria-label')) ?? '').length > 20, `${id} text alternative`);
      }
      assert.match((await host.page.textContent(`${panel} [data-chart-id="permission-events-per-day"] .card-title`))!, /Permission events by type per day/);
      const agentRows = await host.page.$$eval(`${panel} [data-table-id="permission-top-agents"] tbody tr`, (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
      assert.deepEqual(agentRows, v.tables[0].rows.map((r) => [r.cells[0], Number(r.cells[1]).toLocaleString('en-US')]));
      await host.page.screenshot({ path: artifact('tab-permissions.png'), fullPage: true });

      const isDrill = (m: WebviewToHost): m is Extract<WebviewToHost, { type: 'drillDown' }> => m.type === 'drillDown';
      // a row of the agents table
      let since = host.received.length;
      await host.page.click(`${panel} [data-table-id="permission-top-agents"] tbody tr:first-child`);
      let drill = await host.waitFor(isDrill, since);
      assert.deepEqual(drill.request.target, { kind: 'keyed', key: v.tables[0].rows[0].drillKey });
      assert.doesNotMatch(JSON.stringify(drill), /permission_events|agent_id/, 'the page names no table or column');
      assert.equal(drill.request.range.from, NOW - 7 * 86400);
      await host.page.waitForSelector('#drilldown table.rows tbody tr');
      assert.equal(await host.page.$$eval('#drilldown table.rows tbody tr', (trs) => trs.length), v.tables[0].rows[0].cells[1]);

      // a day of one event type, through the stacked bar's data table (the keyboard way to the same rows)
      since = host.received.length;
      await host.page.evaluate(`document.querySelector('${panel} [data-chart-id="permission-events-per-day"] .data-table td.clickable').click()`);
      drill = await host.waitFor(isDrill, since);
      assert.equal(drill.request.target.kind, 'keyed');
      assert.match(drill.request.day ?? '', /^\d{4}-\d{2}-\d{2}$/);
      const expected = getDrillDownRows(db, { ...drill.request, limit: 100 });
      await host.page.waitForFunction(`document.querySelector('#drilldown .drill-count')?.textContent.includes('${expected.total} row')`);
      assert.ok(expected.total > 0 && expected.rows.every((r) => r.values.event_type === expected.rows[0].values.event_type));

      assert.deepEqual(await cspViolationsOf(host.page), []);
      assert.deepEqual(host.blockedRequests, []);
      assert.deepEqual(host.pageErrors, []);
    } finally {
      await browser.close();
    }
  });
});
