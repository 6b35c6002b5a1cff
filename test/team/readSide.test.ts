/**
 * The read side over a real PostgreSQL team database: query (runTeamQuery, read-only), health,
 * verify (a machine's sources against its team rows) and report (the static dashboard over the
 * team's rows; its charts draw in Chromium; one machine's team report equals its local one).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openSnapshot } from '../../src/core/db/database';
import { buildReportData } from '../../src/core/dashboard/index';
import { materialiseTeam, runTeamQuery } from '../../src/core/team/read';
import { appendTelemetryLines, generateTelemetry } from '../../src/sample';
import { TAB_IDS } from '../../src/protocol';
import { drawnPixels, ensureBundle, launchBrowser } from '../webview/harness';
import { startPgCluster, type PgCluster } from './pgCluster';
import { cli, localDigest, rowCounts, tempDir } from './helpers';

const NOW_MS = Date.now();

describe('team database: query, health, verify, report', () => {
  let pg: PgCluster;
  let dir: string;
  let dbA: string;
  let dbB: string;
  let srcA: string;
  before(async () => {
    ensureBundle();
    pg = await startPgCluster();
    dir = tempDir('read');
    srcA = path.join(dir, 'a');
    const srcB = path.join(dir, 'b');
    generateTelemetry({ outDir: srcA, eventsPerSource: 40, seed: 21, now: NOW_MS });
    generateTelemetry({ outDir: srcB, eventsPerSource: 25, seed: 22, now: NOW_MS });
    dbA = path.join(dir, 'a.db');
    dbB = path.join(dir, 'b.db');
    for (const [db, src] of [[dbA, srcA], [dbB, srcB]]) assert.equal((await cli('migrate', '--db', db, src)).code, 0);
    assert.equal((await cli('sync', '--db', dbA, '--to', pg.url, '--machine', 'alpha')).code, 0);
    assert.equal((await cli('sync', '--db', dbB, '--to', pg.url, '--machine', 'beta')).code, 0);
  });
  after(() => {
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('runTeamQuery reads, and only reads', async () => {
    const r = await runTeamQuery(pg.url, `SELECT machine, count(*) AS n FROM routing_metrics_events GROUP BY machine ORDER BY machine`);
    assert.deepEqual(r.columns, ['machine', 'n']);
    assert.deepEqual(r.rows, [
      ['alpha', rowCounts(localDigest(dbA)).routing_metrics_events],
      ['beta', rowCounts(localDigest(dbB)).routing_metrics_events],
    ]);
    await assert.rejects(runTeamQuery(pg.url, `WITH gone AS (DELETE FROM routing_metrics_events RETURNING 1) SELECT count(*) FROM gone`), /read-only transaction/);
    await assert.rejects(runTeamQuery(pg.url, `SELECT 1; DELETE FROM routing_metrics_events`), /multiple commands|SQL error/);
    await assert.rejects(runTeamQuery(pg.url, `DELETE FROM routing_metrics_events`), /read-only/);
    assert.ok(Number(pg.psql('SELECT count(*) FROM routing_metrics_events').trim()) > 0);
    const capped = await runTeamQuery(pg.url, 'SELECT id FROM tool_events', { maxRows: 5 });
    assert.equal(capped.rows.length, 5);
    assert.equal(capped.truncated, true);
  });

  test('health --db URL: machines, tables, schema version; password not shown', async () => {
    const r = await cli('health', '--db', pg.url, '--json');
    assert.equal(r.code, 0, r.err);
    const h = JSON.parse(r.out);
    assert.equal(h.schemaVersion, 1);
    assert.deepEqual(h.machines.map((m: { machine: string }) => m.machine), ['alpha', 'beta']);
    const a = Object.values(rowCounts(localDigest(dbA))).reduce((x, y) => x + y, 0);
    assert.equal(h.machines[0].rows, a);
    assert.equal(h.tables.find((t: { name: string }) => t.name === 'tool_events').machines, 2);
    assert.ok(!r.out.includes(pg.password));
    const text = await cli('health', '--db', pg.url);
    assert.match(text.out, /# Team database health: OK/);
  });

  test('verify --db URL --machine: sources against that machine\'s team rows; exit 1 when some are not synced', async () => {
    const ok = await cli('verify', '--db', pg.url, '--machine', 'alpha', srcA, '--json');
    assert.equal(ok.code, 0, ok.out + ok.err);
    const json = JSON.parse(ok.out);
    assert.equal(json.machine, 'alpha');
    assert.ok(json.sources.length >= 10 && json.sources.every((s: { ok: boolean }) => s.ok));
    // beta's team rows do not hold alpha's sources
    assert.equal((await cli('verify', '--db', pg.url, '--machine', 'beta', srcA)).code, 1);
    // new lines imported locally but not yet synced: the team is missing exactly them
    appendTelemetryLines(path.join(srcA, '.claude', 'data', 'tool-usage.jsonl'), 'tool-usage', 4, { seed: 3, now: NOW_MS });
    assert.equal((await cli('migrate', '--db', dbA, srcA)).code, 0);
    const behind = JSON.parse((await cli('verify', '--db', pg.url, '--machine', 'alpha', srcA, '--json')).out);
    assert.equal(behind.sources.reduce((n: number, s: { missing: number }) => n + s.missing, 0), 4);
    assert.equal((await cli('sync', '--db', dbA, '--to', pg.url, '--machine', 'alpha')).code, 0);
    assert.equal((await cli('verify', '--db', pg.url, '--machine', 'alpha', srcA)).code, 0);
  });

  test('one machine\'s team metrics equal its local metrics; all machines add up', async () => {
    const nowSeconds = Math.floor(NOW_MS / 1000);
    const local = await openSnapshot(dbA);
    const team = await materialiseTeam(pg.url, { machine: 'alpha' });
    const all = await materialiseTeam(pg.url);
    const localB = await openSnapshot(dbB);
    try {
      const opts = { databaseLabel: 'x', nowSeconds, timeZone: 'UTC' };
      const l = buildReportData(local, opts);
      const t = buildReportData(team, opts);
      assert.deepEqual(t.payloads, l.payloads);
      type Overview = { overview: { totalEvents: number } };
      const total = (d: typeof l) => (d.payloads.all.overview as unknown as Overview).overview.totalEvents;
      const lb = buildReportData(localB, opts);
      assert.ok(total(l) > 0 && total(lb) > 0);
      assert.equal(total(buildReportData(all, opts)), total(l) + total(lb));
    } finally {
      for (const d of [local, team, all, localB]) d.close();
    }
  });

  test('report --db URL: the dashboard over the team database; every tab draws', async () => {
    const out = path.join(dir, 'team.html');
    const r = await cli('report', '--db', pg.url, '--out', out, '--tz', 'UTC');
    assert.equal(r.code, 0, r.err);
    const html = fs.readFileSync(out, 'utf8');
    assert.ok(!html.includes(pg.password), 'password in the report');
    assert.match(html, /all machines/);
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const self = pathToFileURL(out).href;
      await page.route('**/*', (route) => (route.request().url() === self ? route.continue() : route.abort()));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(self);
      await page.waitForSelector('#app[data-loaded-tab="overview"]:not([aria-busy])');
      for (const tab of TAB_IDS) {
        await page.click(`vscode-tab-header[data-tab="${tab}"]`);
        await page.waitForSelector(`#app[data-loaded-tab="${tab}"]:not([aria-busy])`);
        if (tab === 'usage') {
          // team sync carries the hooks' event tables, not Claude Code's transcript tables: the tab says there is no usage
          assert.match((await page.textContent('vscode-tab-panel[data-tab="usage"] [data-empty="usage"]')) ?? '', /No Claude Code usage/);
          continue;
        }
        const ids = await page.$$eval(`vscode-tab-panel[data-tab="${tab}"] .chart-card canvas`, (cs) => cs.map((c) => c.closest('.chart-card')!.getAttribute('data-chart-id')!));
        assert.ok(ids.length > 0, tab);
        let drawn = 0;
        for (const id of ids) if ((await drawnPixels(page, `[data-chart-id="${id}"] canvas`)) > 500) drawn++;
        assert.ok(drawn > 0, `${tab}: no chart drew`);
      }
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });
});
