import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { getDrillDownRows, getEventSpan, getOverview, getSelfHeal, getSkills } from '../../src/core/metrics';
import { computeTabPayload, dashboardTabIds, resolveRange, specTab } from '../../src/core/dashboard/tabPayload';
import { TAB_IDS, TAB_TITLES, type WebviewToHost } from '../../src/protocol';
import { artifact, cspViolationsOf, drawnPixels, ensureBundle, HIGH_CONTRAST_THEME_VARS, launchBrowser, LIGHT_THEME_VARS, openDashboard, type FakeHost } from './harness';
import { buildFixtureDatabase, NOW } from './fixtureDb';

const isDrill = (m: WebviewToHost): m is Extract<WebviewToHost, { type: 'drillDown' }> => m.type === 'drillDown';
const isData = (m: WebviewToHost): m is Extract<WebviewToHost, { type: 'requestData' }> => m.type === 'requestData';
const isOpen = (m: WebviewToHost): m is Extract<WebviewToHost, { type: 'openSource' }> => m.type === 'openSource';

async function kpiText(host: FakeHost, id: string): Promise<string> {
  return (await host.page.textContent(`[data-kpi="${id}"] .kpi-value`))!.trim();
}

async function showTab(host: FakeHost, tab: string): Promise<void> {
  await host.page.click(`vscode-tab-header[data-tab="${tab}"]`);
  await host.waitForTab(tab);
}

describe('dashboard webview in Chromium (fake host, real protocol, real metrics)', () => {
  let browser: Browser;
  let db: Database;
  let host: FakeHost;

  before(async () => {
    ensureBundle();
    db = await buildFixtureDatabase();
    browser = await launchBrowser();
    host = await openDashboard(browser, { db, nowSeconds: NOW });
  });
  after(async () => {
    await browser?.close();
    db?.close();
  });

  test('handshake: ready first, then the requested tab with the default range', async () => {
    await host.waitForTab('overview');
    assert.equal(host.received[0].type, 'ready');
    const first = host.received.find(isData)!;
    assert.deepEqual({ tab: first.tab, range: first.range }, { tab: 'overview', range: { preset: '7d' } });
  });

  test('every tab renders (the spec tabs too); every chart canvas has drawn pixels and a text alternative; screenshots', async () => {
    const tabs = dashboardTabIds();
    assert.deepEqual(tabs.slice(0, TAB_IDS.length), [...TAB_IDS]);
    assert.equal(new Set(tabs).size, tabs.length, 'tab ids are unique');
    assert.deepEqual(await host.page.$$eval('vscode-tab-header', (hs) => hs.map((x) => x.getAttribute('data-tab'))), tabs, 'the tab bar lists every tab of the registries');
    for (const tab of tabs) {
      const since = host.received.length;
      await showTab(host, tab);
      const panel = `vscode-tab-panel[data-tab="${tab}"]`;
      const canvases = await host.page.$$eval(`${panel} .chart-card canvas`, (cs) => cs.map((c) => c.closest('.chart-card')!.getAttribute('data-chart-id')!));
      const spec = specTab(tab);
      if (spec) {
        assert.equal((await host.page.textContent(`vscode-tab-header[data-tab="${tab}"]`))!.trim(), spec.title);
        // a spec tab over a table this fixture lacks shows its empty state — exactly when the host's view says so
        const request = host.received.slice(since).find(isData) ?? host.received.filter(isData).reverse().find((m) => m.tab === tab)!;
        const payload = computeTabPayload(db, tab, resolveRange(request.range, NOW), { timeZone: 'UTC', nowSeconds: NOW });
        assert.equal(payload.tab, 'spec');
        if (payload.tab === 'spec' && payload.view.empty) {
          assert.equal(canvases.length, 0, `${tab}: an empty spec tab draws no charts`);
          assert.match((await host.page.textContent(`${panel} [data-empty="${tab}"]`))!, new RegExp(`${payload.view.empty.title}.*${payload.view.empty.files.replace(/\./g, '\\.')}`), `${tab}: its empty state`);
          await host.page.screenshot({ path: artifact(`tab-${tab}-empty.png`), fullPage: true });
          continue;
        }
      }
      assert.ok(canvases.length > 0, `${tab}: no charts`);
      for (const id of canvases) {
        const sel = `${panel} [data-chart-id="${id}"] canvas`;
        assert.ok((await drawnPixels(host.page, sel)) > 500, `${tab}/${id}: canvas is blank`);
        const label = await host.page.getAttribute(sel, 'aria-label');
        assert.ok(label && label.length > 20, `${tab}/${id}: no text alternative`);
        assert.ok(await host.page.$(`${panel} [data-chart-id="${id}"] .data-table table`), `${tab}/${id}: no data table`);
        assert.ok((await host.page.textContent(`${panel} [data-chart-id="${id}"] .card-title`))!.length > 3);
      }
      await host.page.screenshot({ path: artifact(`tab-${tab}.png`), fullPage: true });
    }
    assert.deepEqual(await cspViolationsOf(host.page), []);
    assert.deepEqual(host.blockedRequests, [], 'the page tried to reach the network');
    assert.deepEqual(host.pageErrors, []);
  });

  test('the time range changes the numbers (24h < 7d < 30d < all), matching the metrics layer', async () => {
    await showTab(host, 'overview');
    const counts: Record<string, number> = {};
    for (const preset of ['24h', '30d', 'all', '7d']) {
      const since = host.received.length;
      await host.page.evaluate(`(() => { const s = document.querySelector('#range-select'); s.value = ${JSON.stringify(preset)}; s.dispatchEvent(new Event('change')); })()`);
      const req = await host.waitFor(isData, since);
      assert.equal(req.range.preset, preset);
      await host.page.waitForFunction(`document.querySelector('[data-kpi="events"] .kpi-sub')?.textContent.includes(${JSON.stringify(preset === 'all' ? 'in this database' : preset === '24h' ? '24 hours' : preset.replace('d', ' days'))})`);
      counts[preset] = Number((await kpiText(host, 'events')).replace(/[^0-9]/g, ''));
    }
    assert.ok(counts['24h'] < counts['7d'] && counts['7d'] < counts['30d'] && counts['30d'] < counts['all'], JSON.stringify(counts));
    assert.equal(counts['all'], getOverview(db, {}, { timeZone: 'UTC', nowSeconds: NOW }).totalEvents);
    assert.equal(counts['7d'], getOverview(db, { from: NOW - 7 * 86400 }, { timeZone: 'UTC', nowSeconds: NOW }).totalEvents);
  });

  test('a custom range asks for exactly the chosen days', async () => {
    const since = host.received.length;
    await host.page.evaluate(`(() => { const s = document.querySelector('#range-select'); s.value = 'custom'; s.dispatchEvent(new Event('change')); })()`);
    await host.page.fill('#range-from', '2026-03-01');
    await host.page.fill('#range-to', '2026-03-07');
    await host.page.click('#range-apply');
    const req = await host.waitFor(isData, since);
    assert.equal(req.range.preset, 'custom');
    const from = new Date(2026, 2, 1).getTime() / 1000;
    const to = new Date(2026, 2, 8).getTime() / 1000;
    assert.deepEqual({ from: req.range.from, to: req.range.to }, { from, to });
    await host.page.waitForFunction(`document.querySelector('[data-kpi="events"] .kpi-sub')?.textContent.includes('2026-03-01')`);
  });

  test('drill-down: clicking a bar asks for that bar’s rows; a row asks the host to open its JSONL line', async () => {
    await host.page.evaluate(`(() => { const s = document.querySelector('#range-select'); s.value = '30d'; s.dispatchEvent(new Event('change')); })()`);
    await showTab(host, 'routing');
    const chart = 'vscode-tab-panel[data-tab="routing"] [data-chart-id="routing-accuracy-per-model"] canvas';
    await host.page.waitForSelector(chart);
    // The first model's bar (models sorted by decisions): click inside it, near the axis.
    const box = (await host.page.locator(chart).boundingBox())!;
    const labels = await host.page.$$eval('[data-chart-id="routing-accuracy-per-model"] .data-table tbody th', (ths) => ths.map((t) => t.textContent));
    const since = host.received.length;
    // chart area: bars are centred in equal slots across the x axis; aim low inside the first slot
    const slot = (box.width - 60) / labels.length;
    await host.page.mouse.click(box.x + 55 + slot / 2, box.y + box.height * 0.4);
    const drill = await host.waitFor(isDrill, since);
    assert.deepEqual(drill.request.target, { kind: 'routing', predictedModel: labels[0] });
    assert.doesNotMatch(JSON.stringify(drill), /routing_metrics_events|predicted_model/, 'the page names no table or column');
    assert.equal(drill.request.range.from, NOW - 30 * 86400);
    await host.page.waitForSelector('#drilldown table.rows tbody tr');
    const expected = getDrillDownRows(db, { ...drill.request, limit: 100 });
    const shown = await host.page.$$eval('#drilldown table.rows tbody tr', (rows) => rows.length);
    assert.equal(shown, Math.min(100, expected.total));
    assert.match((await host.page.textContent('#drilldown .drill-count'))!, new RegExp(`of ${expected.total.toLocaleString('en-US')} rows`));
    await host.page.screenshot({ path: artifact('drilldown-routing.png') });

    // paging: "Load more" asks for the next page of the same rows
    if (expected.total > 100) {
      const beforeMore = host.received.length;
      await host.page.click('#drilldown-more');
      const more = await host.waitFor(isDrill, beforeMore);
      assert.deepEqual({ ...more.request, offset: undefined }, { ...drill.request, offset: undefined });
      assert.equal(more.request.offset, 100);
      await host.page.waitForFunction(`document.querySelectorAll('#drilldown table.rows tbody tr').length === ${Math.min(200, expected.total)}`);
    }

    const before = host.received.length;
    await host.page.click('#drilldown table.rows tbody tr:first-child');
    const open = await host.waitFor(isOpen, before);
    assert.deepEqual(open, { type: 'openSource', path: expected.rows[0].source.path, line: expected.rows[0].source.line });
  });

  test('confusion matrix cell drills into predicted × actual', async () => {
    const cell = 'vscode-tab-panel[data-tab="routing"] td.heat.clickable[data-predicted="haiku"][data-actual="sonnet"]';
    const since = host.received.length;
    await host.page.click(cell);
    const drill = await host.waitFor(isDrill, since);
    assert.deepEqual(drill.request.target, { kind: 'routing', predictedModel: 'haiku', actualModel: 'sonnet' });
    const shown = Number((await host.page.textContent(cell))!.replace(/[^0-9]/g, ''));
    await host.page.waitForFunction(`document.querySelector('#drilldown .drill-count')?.textContent.includes('of ${shown} rows')`);
  });

  test('Usage tab: "no price" names the model; a session row drills by the host-minted key (no table name); Activity shows each Claude Code call once', async () => {
    await showTab(host, 'usage');
    const panel = 'vscode-tab-panel[data-tab="usage"]';
    const warning = (await host.page.textContent(`${panel} [data-usage-warning]`))!;
    assert.match(warning, /no price for model "claude-nova-9-20261001"/);
    assert.ok((await host.page.$$eval(`${panel} [data-table-id="usage-models"] td`, (tds) => tds.map((t) => t.textContent))).includes('no price'));

    const perRow = await host.page.$$eval(`${panel} [data-table-id="usage-sessions"] tbody tr`, (trs) => trs.map((tr) => Number((tr.querySelector('td:nth-child(6)')?.textContent ?? '').replace(/[^0-9]/g, ''))));
    const index = perRow.findIndex((n) => n > 0);
    assert.ok(index >= 0, 'a session with tool calls in the range');
    const row = `${panel} [data-table-id="usage-sessions"] tbody tr:nth-child(${index + 1})`;
    const toolCalls = perRow[index];
    const since = host.received.length;
    await host.page.click(row);
    const drill = await host.waitFor(isDrill, since);
    assert.equal(drill.request.target.kind, 'keyed');
    assert.doesNotMatch(JSON.stringify(drill), /claude_code|SELECT|session_id/i, 'the page sends an opaque key only');
    assert.equal(getDrillDownRows(db, drill.request).total, toolCalls);
    await host.page.waitForFunction(`document.querySelector('#drilldown .drill-count')?.textContent.includes('of ${toolCalls} row')`);

    await showTab(host, 'activity');
    const cells = await host.page.$$eval('vscode-tab-panel[data-tab="activity"] [data-table-id="activity-claude-code-tools"] tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => Number((td.textContent ?? '').split(' ')[0].replace(/[^0-9]/g, '')))),
    );
    assert.ok(cells.length > 0);
    for (const c of cells) assert.equal(c[1], c[3] + c[4] + c[5], 'calls = transcript only + hook only + both');
    assert.ok(cells.some((c) => c[5] > 0), 'some calls were logged by both and are shown once');
    await showTab(host, 'routing');
  });

  test('databaseChanged makes the visible tab ask again (live refresh)', async () => {
    const since = host.received.length;
    await host.send({ type: 'databaseChanged' });
    const req = await host.waitFor(isData, since);
    assert.equal(req.tab, 'routing');
  });

  test('showTab from the host (tree "Open in Dashboard") switches tabs', async () => {
    await host.send({ type: 'showTab', tab: 'selfHeal' });
    await host.waitForTab('selfHeal');
    assert.equal(await host.page.getAttribute('vscode-tab-header[data-tab="selfHeal"]', 'aria-selected'), 'true');
    assert.equal(TAB_TITLES.selfHeal, (await host.page.textContent('vscode-tab-header[data-tab="selfHeal"]'))!.trim());
  });

  test('a recent failure opens its JSONL line (the source the metrics layer reports)', async () => {
    await showTab(host, 'selfHeal');
    const expected = getSelfHeal(db, { from: NOW - 30 * 86400 }, { timeZone: 'UTC', nowSeconds: NOW }).recentFailures[0];
    const since = host.received.length;
    await host.page.click('[data-table-id="recent-failures"] tbody tr:first-child');
    const open = await host.waitFor(isOpen, since);
    assert.deepEqual(open, { type: 'openSource', path: expected.source.path, line: expected.source.line });
  });

  test('re-themes when VS Code switches to a light theme (chart colours follow --vscode-charts-*)', async () => {
    await showTab(host, 'overview');
    const sel = '[data-chart-id="overview-events-per-day"] canvas';
    const colourAt = () =>
      host.page.evaluate(`(() => {
        const c = document.querySelector(${JSON.stringify(sel)});
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = {};
        for (let i = 0; i < d.length; i += 4) if (d[i + 3] === 255) { const k = d[i] + ',' + d[i + 1] + ',' + d[i + 2]; seen[k] = (seen[k] || 0) + 1; }
        return Object.entries(seen).sort((a, b) => b[1] - a[1])[0][0];
      })()`);
    const darkMost = await colourAt();
    await host.page.evaluate(`(() => {
      const vars = ${JSON.stringify(LIGHT_THEME_VARS)};
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.className = 'vscode-light';
    })()`);
    await host.page.waitForFunction(`true`);
    await new Promise((r) => setTimeout(r, 200));
    const lightMost = await colourAt();
    assert.notEqual(lightMost, darkMost);
    await host.page.screenshot({ path: artifact('theme-light-overview.png'), fullPage: true });

    await host.page.evaluate(`(() => {
      const vars = ${JSON.stringify(HIGH_CONTRAST_THEME_VARS)};
      for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
      document.body.className = 'vscode-high-contrast';
    })()`);
    await new Promise((r) => setTimeout(r, 200));
    assert.notEqual(await colourAt(), lightMost);
    assert.ok((await drawnPixels(host.page, sel)) > 500);
    await showTab(host, 'routing');
    await host.page.screenshot({ path: artifact('theme-high-contrast-routing.png'), fullPage: true });
  });
});

describe('dashboard empty states', () => {
  test('an empty database tells the user to run Migrate JSONL, on every tab', async () => {
    ensureBundle();
    const db = await buildFixtureDatabase({ empty: true });
    const browser = await launchBrowser();
    try {
      const host = await openDashboard(browser, { db, nowSeconds: NOW });
      await host.waitForTab('overview');
      assert.match((await host.page.textContent('[data-empty="overview"]'))!, /Migrate JSONL/);
      await host.page.screenshot({ path: artifact('empty-overview.png'), fullPage: true });
      for (const tab of dashboardTabIds().filter((t) => t !== 'overview')) {
        await showTab(host, tab);
        assert.match((await host.page.textContent(`vscode-tab-panel[data-tab="${tab}"] [data-empty]`))!, /Migrate JSONL/, tab);
      }
      assert.deepEqual(host.pageErrors, []);
    } finally {
      await browser.close();
      db.close();
    }
  });
});

describe('dashboard without a telemetry database', () => {
  test('a file with no telemetry tables shows why, in the tab, with the next step', async () => {
    ensureBundle();
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    const browser = await launchBrowser();
    try {
      const host = await openDashboard(browser, { db, nowSeconds: NOW });
      await host.waitForTab('overview');
      const text = (await host.page.textContent('vscode-tab-panel[data-tab="overview"] [data-empty="error"]'))!;
      assert.match(text, /Could not load Overview/);
      assert.match(text, /Migrate JSONL/);
      assert.deepEqual(host.pageErrors, []);
    } finally {
      await browser.close();
      db.close();
    }
  });
});

describe('dashboard state', () => {
  test('the tab and range survive a reload of the webview (setState)', async () => {
    ensureBundle();
    const db = await buildFixtureDatabase();
    const browser = await launchBrowser();
    try {
      const host = await openDashboard(browser, { db, nowSeconds: NOW });
      await showTab(host, 'activity');
      await host.page.evaluate(`(() => { const s = document.querySelector('#range-select'); s.value = '30d'; s.dispatchEvent(new Event('change')); })()`);
      await host.waitFor((m): m is Extract<WebviewToHost, { type: 'requestData' }> => m.type === 'requestData' && m.range.preset === '30d');
      const since = host.received.length;
      await host.page.reload();
      const first = await host.waitFor(isData, since);
      assert.deepEqual({ tab: first.tab, range: first.range }, { tab: 'activity', range: { preset: '30d' } });
      await host.waitForTab('activity');
      assert.equal(await host.page.getAttribute('vscode-tab-header[data-tab="activity"]', 'aria-selected'), 'true');

      // the host's view (Open Dashboard with a tab argument) wins over the saved one
      const opened = await openDashboard(browser, { db, nowSeconds: NOW, init: { view: { tab: 'sessions' } } });
      const firstOpened = await opened.waitFor(isData);
      assert.equal(firstOpened.tab, 'sessions');
    } finally {
      await browser.close();
      db.close();
    }
  });
});

describe('dashboard keyboard drill-down', () => {
  test('a value cell of a chart’s data table is focusable and Enter lists the same rows as the bar', async () => {
    ensureBundle();
    const db = await buildFixtureDatabase();
    const browser = await launchBrowser();
    try {
      const host = await openDashboard(browser, { db, nowSeconds: NOW });
      await showTab(host, 'selfHeal');
      const table = 'vscode-tab-panel[data-tab="selfHeal"] [data-chart-id="self-heal-by-pattern"] .data-table';
      await host.page.click(`${table} summary`);
      const firstLabel = (await host.page.textContent(`${table} tbody tr:first-child th`))!.trim();
      const since = host.received.length;
      await host.page.focus(`${table} tbody tr:first-child td.clickable`);
      await host.page.keyboard.press('Enter');
      const drill = await host.waitFor(isDrill, since);
      assert.deepEqual(drill.request.target, { kind: 'selfHeal', errorPattern: firstLabel, fixed: true });
    } finally {
      await browser.close();
      db.close();
    }
  });
});

describe('dashboard: the last 24 hours by the hour', () => {
  test('24h shows one bar per hour of the zone, with hour labels; a bar lists that hour’s rows', async () => {
    ensureBundle();
    const db = await buildFixtureDatabase();
    const browser = await launchBrowser();
    try {
      const zone = 'Europe/Berlin';
      const host = await openDashboard(browser, { db, nowSeconds: NOW, timeZone: zone });
      await host.waitForTab('overview');
      const since = host.received.length;
      await host.page.evaluate(`(() => { const s = document.querySelector('#range-select'); s.value = '24h'; s.dispatchEvent(new Event('change')); })()`);
      await host.waitFor(isData, since);
      const card = '[data-chart-id="overview-events-per-day"]';
      await host.page.waitForFunction(`document.querySelector('${card} .card-title')?.textContent.startsWith('Events per hour')`);
      assert.ok((await drawnPixels(host.page, `${card} canvas`)) > 500);

      // the metrics layer's hourly points, and one row per hour of the 24 h (empty hours as 0)
      const expected = getOverview(db, { from: NOW - 86400 }, { timeZone: zone, nowSeconds: NOW, seriesBucket: 'auto' });
      assert.equal(expected.bucket, 'hour');
      const rows = await host.page.$$eval(`${card} .data-table tbody tr`, (trs) => trs.map((tr) => [tr.querySelector('th')!.textContent!, tr.querySelector('td')!.textContent!]));
      assert.equal(rows.length, 24);
      const hourOf = new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
      const shown = new Map(rows.map(([label, value]) => [label.slice(label.lastIndexOf(', ') + 2), Number(value.replace(/[^0-9]/g, ''))]));
      for (const p of expected.eventsPerDay) assert.equal(shown.get(hourOf.format(new Date(p.startAt! * 1000))), p.count, `hour ${p.startAt}`);
      assert.equal([...shown.values()].reduce((a, b) => a + b, 0), expected.totalEvents);
      // NOW = 12:00 UTC = 13:00 in Berlin: the first hour is yesterday 13:00, the last today 12:00
      assert.match(rows[0][0], /13:00$/);
      assert.match(rows[23][0], /12:00$/);
      assert.equal(await host.page.textContent(`${card} .data-table thead th:first-child`), `Hour (${zone})`);
      await host.page.screenshot({ path: artifact('range-24h-overview.png'), fullPage: true });

      // the busiest hour's value cell lists exactly that hour's rows
      await showTab(host, 'skills');
      const skillCard = '[data-chart-id="skills-timeline"]';
      await host.page.click(`${skillCard} .data-table summary`);
      const skills = getSkillsHourly(db, zone);
      const busiest = skills.timeline.reduce((m, p) => (p.completed > m.completed ? p : m));
      const cells = await host.page.$$(`${skillCard} .data-table tbody tr`);
      const slot = Math.round((busiest.startAt! - (NOW - 86400 - ((NOW - 86400) % 3600))) / 3600);
      const before = host.received.length;
      await (await cells[slot].$('td.clickable'))!.dispatchEvent('click');
      const drill = await host.waitFor(isDrill, before);
      assert.deepEqual(drill.request.range, { from: Math.max(busiest.startAt!, NOW - 86400), to: busiest.startAt! + 3600 });
      assert.deepEqual(drill.request.target, { kind: 'skills', completed: true });
      await host.page.waitForFunction(`document.querySelector('#drilldown .drill-count')?.textContent.includes('of ${busiest.completed} rows')`);
      await host.page.screenshot({ path: artifact('range-24h-skills.png'), fullPage: true });

      // every time-series chart of every tab is hourly, drawn, with hour rows in its data table
      for (const tab of ['routing', 'selfHeal', 'activity', 'sessions']) {
        await showTab(host, tab);
        const titles = await host.page.$$eval(`vscode-tab-panel[data-tab="${tab}"] .chart-card .card-title`, (hs) => hs.map((x) => x.textContent!));
        assert.ok(titles.some((t) => /per hour/.test(t)) && !titles.some((t) => /per day/.test(t)), `${tab}: ${titles.join(' | ')}`);
        await host.page.screenshot({ path: artifact(`range-24h-${tab}.png`), fullPage: true });
      }
      assert.deepEqual(host.pageErrors, []);
    } finally {
      await browser.close();
      db.close();
    }
  });
});

function getSkillsHourly(db: Database, zone: string) {
  return getSkills(db, { from: NOW - 86400 }, { timeZone: zone, nowSeconds: NOW, seriesBucket: 'auto' });
}

describe('dashboard: days of the configured zone, not the browser’s', () => {
  test('a custom range is the chosen days in telemetryLens.timezone; times show in that zone', async () => {
    ensureBundle();
    const db = await buildFixtureDatabase();
    const browser = await launchBrowser();
    try {
      // host counts in India (UTC+5:30), the browser runs in Los Angeles (UTC−8 in March before the 8th, −7 after)
      const host = await openDashboard(browser, { db, nowSeconds: NOW, timeZone: 'Asia/Kolkata', browserTimeZone: 'America/Los_Angeles' });
      await host.waitForTab('overview');
      const since = host.received.length;
      await host.page.evaluate(`(() => { const s = document.querySelector('#range-select'); s.value = 'custom'; s.dispatchEvent(new Event('change')); })()`);
      await host.page.fill('#range-from', '2026-03-01');
      await host.page.fill('#range-to', '2026-03-07');
      await host.page.click('#range-apply');
      const req = await host.waitFor(isData, since);
      const istMidnight = (d: number) => Date.UTC(2026, 2, d) / 1000 - 5.5 * 3600;
      assert.deepEqual({ preset: req.range.preset, from: req.range.from, to: req.range.to }, { preset: 'custom', from: istMidnight(1), to: istMidnight(8) });
      await host.page.waitForFunction(`document.querySelector('[data-kpi="events"] .kpi-sub')?.textContent.includes('from 2026-03-01 to 2026-03-07')`);
      assert.equal(await host.page.textContent('#range-zone'), 'Asia/Kolkata');
      await host.page.screenshot({ path: artifact('range-custom-zone.png') });
      // reopening the custom range fills in the same days
      assert.equal(await host.page.inputValue('#range-from'), '2026-03-01');
      assert.equal(await host.page.inputValue('#range-to'), '2026-03-07');

      // a timestamp (recent failure) reads in India time, the browser's zone notwithstanding
      await showTab(host, 'selfHeal');
      const first = getSelfHeal(db, { from: istMidnight(1), to: istMidnight(8) }, { timeZone: 'Asia/Kolkata', nowSeconds: NOW }).recentFailures[0];
      const when = (await host.page.textContent('[data-table-id="recent-failures"] tbody tr:first-child td:first-child'))!;
      const ist = new Date(first.at * 1000).toLocaleString('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: 'Asia/Kolkata' });
      assert.equal(when, ist);
      assert.deepEqual(host.pageErrors, []);
    } finally {
      await browser.close();
      db.close();
    }
  });
});

describe('dashboard: quiet days', () => {
  test('a day without events between two busy days shows as 0, not as a missing day', async () => {
    ensureBundle();
    const db = await buildFixtureDatabase({ empty: true });
    const day = (d: number, h: number) => Date.UTC(2026, 2, d, h) / 1000;
    [day(10, 9), day(10, 11), day(13, 15)].forEach((t, i) => db.run(`INSERT INTO tool_events (timestamp, tool, success, row_hash, row_seq) VALUES (?, 'Bash', 1, ?, 1)`, [t, i + 1]));
    const browser = await launchBrowser();
    try {
      const host = await openDashboard(browser, { db, nowSeconds: NOW, init: { view: { range: { preset: 'all' } } } });
      await host.waitForTab('overview');
      const rows = await host.page.$$eval('[data-chart-id="overview-events-per-day"] .data-table tbody tr', (trs) =>
        trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td')!.textContent]),
      );
      assert.deepEqual(rows, [['2026-03-10', '2'], ['2026-03-11', '0'], ['2026-03-12', '0'], ['2026-03-13', '1']]);
      assert.match((await host.page.getAttribute('[data-chart-id="overview-events-per-day"] canvas', 'aria-label'))!, /3 events on 2 days/);
    } finally {
      await browser.close();
      db.close();
    }
  });
});

describe('dashboard: a database whose newest events are older than the default range', () => {
  test('opens on a range that holds the data; an empty range says where the data is, with one click to show it', async () => {
    ensureBundle();
    const db = await buildFixtureDatabase();
    const browser = await launchBrowser();
    try {
      const events = getOverview(db, {}, { timeZone: 'UTC', nowSeconds: NOW }).totalEvents;
      // 20 days after the fixture's newest events: "last 7 days" would be empty, 30 days holds them
      const soon = await openDashboard(browser, { db, nowSeconds: NOW + 20 * 86400 });
      const firstSoon = await soon.waitFor(isData);
      assert.equal(firstSoon.range.preset, '7d');
      const second = await soon.waitFor((m): m is Extract<WebviewToHost, { type: 'requestData' }> => m.type === 'requestData' && m.range.preset === '30d');
      assert.equal(second.tab, 'overview');
      await soon.page.waitForFunction(`document.querySelector('[data-kpi="events"] .kpi-sub')?.textContent.includes('30 days')`);
      assert.equal(await soon.page.evaluate(`document.querySelector('#range-select').value`), '30d');

      // a year later: all time
      const late = await openDashboard(browser, { db, nowSeconds: NOW + 365 * 86400 });
      await late.waitFor((m): m is Extract<WebviewToHost, { type: 'requestData' }> => m.type === 'requestData' && m.range.preset === 'all');
      await late.page.waitForFunction(`document.querySelector('[data-kpi="events"] .kpi-sub')?.textContent.includes('in this database')`);
      assert.equal(Number((await kpiText(late, 'events')).replace(/[^0-9]/g, '')), events);

      // a range the user chose stays chosen; its empty tabs say where the data is and offer all time
      await late.page.evaluate(`(() => { const s = document.querySelector('#range-select'); s.value = '24h'; s.dispatchEvent(new Event('change')); })()`);
      await late.waitFor((m): m is Extract<WebviewToHost, { type: 'requestData' }> => m.type === 'requestData' && m.range.preset === '24h');
      await showTab(late, 'routing');
      const span = await late.page.waitForSelector('vscode-tab-panel[data-tab="routing"] [data-empty-span]');
      const { first, last } = getEventSpan(db)!;
      const day = (t: number) => new Date(t * 1000).toLocaleDateString('en-US', { timeZone: 'UTC', month: 'short', day: 'numeric', year: 'numeric' });
      assert.match((await span.textContent())!, new RegExp(`This database has events from ${day(first)}.* to ${day(last)}`));
      const since = late.received.length;
      await late.page.click('vscode-tab-panel[data-tab="routing"] #show-all-time');
      const all = await late.waitFor(isData, since);
      assert.deepEqual({ tab: all.tab, range: all.range }, { tab: 'routing', range: { preset: 'all' } });
      assert.equal(await late.page.evaluate(`document.querySelector('#range-select').value`), 'all');
      await late.page.waitForFunction(`!document.querySelector('vscode-tab-panel[data-tab="routing"] [data-empty-span]')`);
      assert.deepEqual(late.pageErrors, []);
    } finally {
      await browser.close();
      db.close();
    }
  });
});
