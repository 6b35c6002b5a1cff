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
import { buildTeamReportData, materialiseTeam, runTeamQuery, teamOverview, teamVersion } from '../../src/core/team/read';
import { teamTreeSection } from '../../src/core/team/scope';
import { runTeamUserQuery } from '../../src/core/team/query';
import { QueryCancelledError } from '../../src/core/query/runUserQuery';
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
    await assert.rejects(runTeamQuery(pg.url, `WITH gone AS (DELETE FROM routing_metrics_events RETURNING 1) SELECT count(*) FROM gone`), /read-only transaction|data-modifying/);
    await assert.rejects(runTeamQuery(pg.url, `SELECT 1; DELETE FROM routing_metrics_events`), /multiple commands|SQL error/);
    await assert.rejects(runTeamQuery(pg.url, `DELETE FROM routing_metrics_events`), /read-only/);
    assert.ok(Number(pg.psql('SELECT count(*) FROM routing_metrics_events').trim()) > 0);
    const capped = await runTeamQuery(pg.url, 'SELECT id FROM tool_events', { maxRows: 5 });
    assert.equal(capped.rows.length, 5);
    assert.equal(capped.truncated, true);
  });

  test('query --db URL (CLI): table, csv, json over the team database; exact counts per machine', async () => {
    const counts = [rowCounts(localDigest(dbA)).routing_metrics_events, rowCounts(localDigest(dbB)).routing_metrics_events];
    const sql = 'SELECT machine, count(*) AS n FROM routing_metrics_events GROUP BY machine ORDER BY machine';
    const table = await cli('query', '--db', pg.url, sql);
    assert.equal(table.code, 0, table.err);
    assert.match(table.out, new RegExp(`alpha\\s+${counts[0]}\\n`));
    assert.match(table.out, new RegExp(`beta\\s+${counts[1]}\\n`));
    assert.match(table.out, /\(2 rows\)/);
    const csv = await cli('query', '--db', pg.url, '--format', 'csv', sql);
    assert.equal(csv.out, `machine,n\r\nalpha,${counts[0]}\r\nbeta,${counts[1]}\r\n\n`);
    const json = await cli('query', '--db', pg.url, '--format', 'json', sql);
    assert.deepEqual(JSON.parse(json.out), [{ machine: 'alpha', n: counts[0] }, { machine: 'beta', n: counts[1] }]);
    for (const r of [table, csv, json]) assert.ok(!(r.out + r.err).includes(pg.password));
  });

  test('query --db URL: exact big integers in json, CSV formula guard, server-side cursor', async () => {
    const json = await cli('query', '--db', pg.url, '--format', 'json', `SELECT 9007199254740993::bigint AS big, (2::numeric ^ 70)::numeric(30,0) AS huge, '-9223372036854775808'::bigint AS lo, 0.5::float8 AS half, 3::int4 AS small, true AS yes, NULL::text AS nothing`);
    assert.equal(json.code, 0, json.err);
    assert.match(json.out, /"big": 9007199254740993,/);
    assert.match(json.out, /"huge": 1180591620717411303424,/);
    assert.match(json.out, /"lo": -9223372036854775808,/);
    assert.match(json.out, /"half": 0\.5,/);
    assert.match(json.out, /"small": 3,/);
    assert.match(json.out, /"nothing": null/);
    const csv = await cli('query', '--db', pg.url, '--format', 'csv', `SELECT '=HYPERLINK(1)' AS f, '-2+3' AS g, -5 AS n, '@x' AS h`);
    assert.equal(csv.out, `f,g,n,h\r\n'=HYPERLINK(1),'-2+3,-5,'@x\r\n\n`);
    // the rows come through our cursor: the statement sees it in pg_cursors
    const cursors = await cli('query', '--db', pg.url, '--format', 'json', "SELECT name, is_holdable FROM pg_cursors WHERE name <> ''");
    assert.deepEqual(JSON.parse(cursors.out), [{ name: 'tl_user_query', is_holdable: 'false' }]);
    // EXPLAIN and SHOW run too
    assert.equal((await cli('query', '--db', pg.url, 'EXPLAIN SELECT * FROM tool_events')).code, 0);
    assert.match((await cli('query', '--db', pg.url, '--format', 'csv', 'SHOW transaction_read_only')).out, /^transaction_read_only\r\non\r\n/);
  });

  test('query --db URL: row cap counts the rest, time limit, read-only, exit codes, no password', async () => {
    const capped = await cli('query', '--db', pg.url, '--format', 'csv', '--max-rows', '5', 'SELECT g FROM generate_series(1, 250000) g');
    assert.equal(capped.code, 0, capped.err);
    assert.equal(capped.out, 'g\r\n1\r\n2\r\n3\r\n4\r\n5\r\n\n');
    assert.match(capped.err, /printed 5 rows; 249,995 more rows not printed \(--max-rows 5\)/);
    const table = await cli('query', '--db', pg.url, 'SELECT g FROM generate_series(1, 1500) g');
    assert.match(table.out, /\(1000 rows; 500 more rows not shown/);
    const all = await cli('query', '--db', pg.url, '--format', 'json', 'SELECT g FROM generate_series(1, 4321) g');
    assert.equal(JSON.parse(all.out).length, 4321);

    const t0 = Date.now();
    const slow = await cli('query', '--db', pg.url, '--timeout', '1', 'SELECT pg_sleep(20)');
    assert.equal(slow.code, 2);
    assert.match(slow.err, /ran longer than its 1 s time limit.*--timeout/);
    assert.ok(Date.now() - t0 < 10_000, 'stopped at the limit');

    const before = pg.psql('SELECT count(*) FROM routing_metrics_events').trim();
    for (const sql of ['DELETE FROM routing_metrics_events', 'SELECT 1; COMMIT; DELETE FROM routing_metrics_events', 'WITH gone AS (DELETE FROM routing_metrics_events RETURNING 1) SELECT count(*) FROM gone', 'SELECT 1; DELETE FROM routing_metrics_events']) {
      const r = await cli('query', '--db', pg.url, sql);
      assert.equal(r.code, 2, sql + ': ' + r.err);
    }
    assert.equal(pg.psql('SELECT count(*) FROM routing_metrics_events').trim(), before);
    const bad = await cli('query', '--db', pg.url, 'SELECT nope FROM routing_metrics_events');
    assert.equal(bad.code, 2);
    assert.match(bad.err, /SQL error: column "nope" does not exist/);

    const wrong = pg.url.replace(encodeURIComponent(pg.password), 'Wrong-Secret-456');
    const refused = await cli('query', '--db', wrong, 'SELECT 1');
    assert.equal(refused.code, 3);
    assert.match(refused.err, /password authentication failed/);
    assert.ok(!(refused.out + refused.err).includes('Wrong-Secret-456'));
    assert.ok(!(refused.out + refused.err).includes(pg.password));
  });

  test('runTeamUserQuery: cancel stops a running statement (exit 130)', async () => {
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 300);
    await assert.rejects(runTeamUserQuery(pg.url, 'SELECT pg_sleep(30)', { signal: ac.signal, timeoutMs: 60_000 }), (e: Error & { exitCode?: number }) => e instanceof QueryCancelledError);
    assert.ok(Date.now() - t0 < 5000);
  });

  test('teamOverview + teamTreeSection: the tree\'s "Team database" lists each machine and its data sources with exact rows', async () => {
    const overview = await teamOverview(pg.url);
    assert.deepEqual(overview.map((m) => m.machine), ['alpha', 'beta']);
    for (const [m, db] of [['alpha', dbA], ['beta', dbB]] as const) {
      const o = overview.find((x) => x.machine === m)!;
      assert.deepEqual(Object.fromEntries(o.tables.map((t) => [t.table, t.rows])), rowCounts(localDigest(db)));
    }
    const node = teamTreeSection(pg.url, overview);
    assert.equal(node.label, 'Team database');
    assert.ok(!JSON.stringify(node).includes(pg.password));
    assert.deepEqual(node.children!.map((c) => c.label), ['alpha', 'beta']);
    const beta = node.children![1];
    assert.deepEqual(beta.children!.map((c) => [c.label, Number(c.description!.replace(/[^0-9]/g, ''))]), overview[1].tables.map((t) => [t.table, t.rows]));
    const version = await teamVersion(pg.url);
    assert.equal(await teamVersion(pg.url), version);
    const unreachable = teamTreeSection(pg.url, { error: 'cannot connect' });
    assert.equal(unreachable.description, 'cannot read');
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
      // the rollups computed in PostgreSQL give the same (report --db URL's path)
      assert.deepEqual((await buildTeamReportData(pg.url, { machine: 'alpha', ...opts })).payloads, l.payloads);
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
