import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { runCli } from '../../src/cli/main';
import { escapeScriptText, jsonForScript } from '../../src/core/dashboard/index';
import { dashboardTabIds, specTab } from '../../src/core/dashboard/tabPayload';
import type { ReportData } from '../../src/protocol';
import { writeFixtureDatabase } from './fixtureDb';
import { artifact, cspViolationsOf, drawnPixels, ensureBundle, launchBrowser } from './harness';

describe('static report (telemetry-lens report)', () => {
  let dir: string;
  let out: string;
  let browser: Browser;
  let page: Page;
  const attempted: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    ensureBundle();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-report-'));
    const db = path.join(dir, 'telemetry.db');
    // events relative to the real clock: the CLI's report is "as of now"
    await writeFixtureDatabase(db, { now: Math.floor(Date.now() / 1000) });
    out = path.join(dir, 'dashboard.html');
    const lines: string[] = [];
    const code = await runCli(['report', '--db', db, '--out', out, '--tz', 'UTC'], { out: (t) => lines.push(t), err: (t) => lines.push(t) });
    assert.equal(code, 0, lines.join('\n'));
    assert.match(lines.join('\n'), /wrote .*dashboard\.html/);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const self = pathToFileURL(out).href;
    // No network: everything but the report file itself is aborted and recorded.
    await page.route('**/*', (route) => {
      if (route.request().url() === self) return route.continue();
      attempted.push(route.request().url());
      return route.abort();
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.addInitScript({ content: `window.__cspViolations = []; document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ': ' + e.blockedURI));` });
    await page.goto(self);
  });
  after(async () => {
    await browser?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('is one self-contained file: no external references, CSP without network or eval', () => {
    const html = fs.readFileSync(out, 'utf8');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)![1];
    assert.ok(csp.includes("default-src 'none'"), csp);
    assert.ok(!/unsafe-inline|unsafe-eval|https?:|connect-src/.test(csp), csp);
    // the markup around the two inline scripts (the data, the dashboard bundle with its in-page
    // host) references nothing outside the file
    const markup = html.replace(/(<script[^>]*>)[\s\S]*?(<\/script>)/g, '$1$2');
    assert.equal((markup.match(/<script/g) ?? []).length, 2);
    assert.ok(!/\ssrc=|<link|url\(/i.test(markup), markup.slice(0, 2000));
    assert.ok(!html.includes('sourceMappingURL='), 'a source map reference would point outside the file');
  });

  test('opens from file:// with the network blocked; every tab renders and draws', async () => {
    await page.waitForSelector('#app[data-loaded-tab="overview"]:not([aria-busy])');
    assert.match((await page.textContent('.db-label'))!, /Static report of telemetry\.db, generated/);
    const data = JSON.parse((await page.textContent('#tl-report-data'))!) as ReportData;
    assert.deepEqual(data.init.specTabs?.map((t) => t.id), dashboardTabIds().filter((t) => specTab(t)), 'the report lists the spec tabs');
    for (const tab of dashboardTabIds()) {
      await page.click(`vscode-tab-header[data-tab="${tab}"]`);
      await page.waitForSelector(`#app[data-loaded-tab="${tab}"]:not([aria-busy])`);
      const ids = await page.$$eval(`vscode-tab-panel[data-tab="${tab}"] .chart-card canvas`, (cs) => cs.map((c) => c.closest('.chart-card')!.getAttribute('data-chart-id')!));
      // a spec tab over a table the fixture lacks: its empty state, exactly when its precomputed view says so
      const preset = (await page.evaluate(`document.querySelector('#range-select').value`)) as keyof ReportData['payloads'];
      const payload = data.payloads[preset][tab];
      if (payload?.tab === 'spec' && payload.view.empty) {
        assert.equal(ids.length, 0, tab);
        assert.match((await page.textContent(`vscode-tab-panel[data-tab="${tab}"] [data-empty="${tab}"]`))!, /telemetry-lens migrate/, tab);
        continue;
      }
      assert.ok(ids.length > 0, tab);
      for (const id of ids) assert.ok((await drawnPixels(page, `[data-chart-id="${id}"] canvas`)) > 500, `${tab}/${id} blank`);
      await page.screenshot({ path: artifact(`report-${tab}.png`), fullPage: true });
    }
    assert.deepEqual(attempted, []);
    assert.deepEqual(await cspViolationsOf(page), []);
    assert.deepEqual(pageErrors, []);
  });

  test('ranges come from the precomputed presets (no custom), and change the numbers', async () => {
    await page.click('vscode-tab-header[data-tab="overview"]');
    await page.waitForSelector('#app[data-loaded-tab="overview"]:not([aria-busy])');
    const options = await page.$$eval('#range-select vscode-option', (os) => os.map((o) => o.getAttribute('value')));
    assert.deepEqual(options, ['24h', '7d', '30d', 'all']);
    const events: number[] = [];
    for (const preset of ['24h', 'all']) {
      await page.evaluate(`(() => { const s = document.querySelector('#range-select'); s.value = ${JSON.stringify(preset)}; s.dispatchEvent(new Event('change')); })()`);
      await page.waitForFunction(`document.querySelector('[data-kpi="events"] .kpi-sub')?.textContent.includes(${JSON.stringify(preset === 'all' ? 'database' : '24 hours')})`);
      events.push(Number((await page.textContent('[data-kpi="events"] .kpi-value'))!.replace(/[^0-9]/g, '')));
    }
    assert.ok(events[0] < events[1], String(events));
  });

  test('drill-down answers from the inlined sample and says so', async () => {
    await page.click('[data-table-id="overview-sources"] tbody tr:first-child');
    await page.waitForSelector('#drilldown table.rows tbody tr');
    assert.match((await page.textContent('#drilldown .drill-count'))!, /only a sample/);
  });

  test('a chart drill-down resolves its target with the map the report carries: the sample filtered by both columns', async () => {
    await page.click('vscode-tab-header[data-tab="routing"]');
    await page.waitForSelector('#app[data-loaded-tab="routing"]:not([aria-busy])');
    const cell = page.locator('vscode-tab-panel[data-tab="routing"] td.heat.clickable').first();
    const predicted = (await cell.getAttribute('data-predicted'))!;
    const actual = (await cell.getAttribute('data-actual'))!;
    await cell.click();
    await page.waitForFunction(`document.querySelector('#drilldown-title')?.textContent.includes(${JSON.stringify(`Routed to ${predicted}, actual ${actual}`)})`);
    await page.waitForSelector('#drilldown table.rows tbody tr');
    const grid = await page.$eval('#drilldown table.rows', (t) => ({
      head: [...t.querySelectorAll('thead th')].map((th) => th.textContent),
      rows: [...t.querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
    }));
    const p = grid.head.indexOf('predicted_model');
    const a = grid.head.indexOf('actual_model');
    assert.ok(p >= 0 && a >= 0, String(grid.head));
    assert.ok(grid.rows.length > 0);
    for (const row of grid.rows) assert.deepEqual([row[p], row[a]], [predicted, actual]);
  });
});

describe('report CLI usage', () => {
  test('missing options or a missing database are usage errors (exit 2), nothing written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-report-usage-'));
    try {
      const errors: string[] = [];
      const io = { out: () => {}, err: (t: string) => errors.push(t) };
      assert.equal(await runCli(['report', '--out', path.join(dir, 'a.html')], io), 2);
      assert.equal(await runCli(['report', '--db', path.join(dir, 'missing.db'), '--out', path.join(dir, 'b.html')], io), 2);
      assert.match(errors.join('\n'), /missing required option --db[\s\S]*database not found/);
      assert.deepEqual(fs.readdirSync(dir), []);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('report HTML escaping', () => {
  test('script text cannot close its <script> element; JSON cannot open a tag', () => {
    assert.equal(escapeScriptText('a="</script><!--"'), 'a="<\\/script><\\!--"');
    assert.equal(JSON.parse(jsonForScript({ s: '</script>' })).s, '</script>');
    assert.doesNotMatch(jsonForScript({ s: '</script>' }), /</);
  });
});
