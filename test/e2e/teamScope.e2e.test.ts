/**
 * The team database in a real VS Code (code-server + Chromium) against a throwaway PostgreSQL
 * cluster: "Telemetry: Sync to Team Database" asks for the password once (SecretStorage) and syncs
 * this machine under its host name next to "beta" (synced by the CLI code); the tree shows the Team database
 * section with both machines and their data sources; the dashboard's scope bar switches This
 * machine → Team (all machines) → one machine → back, and the numbers follow.
 * Run with `npm run test:e2e -- teamScope`. Screenshots: test-artifacts/e2e-team/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { openSnapshot } from '../../src/core/db/database';
import { migrateSources } from '../../src/core/ingest/migrate';
import { computeTabPayload, resolveRange } from '../../src/core/dashboard/tabPayload';
import { defaultMachineName, syncToTeam } from '../../src/core/team/sync';
import { generateTelemetry } from '../../src/sample';
import type { Workbench } from './harness/workbench';
import { e2eBuild, openWorkspace, type OpenWorkspace } from './harness/workspace';
import { startPgCluster, type PgCluster } from '../team/pgCluster';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'e2e-team');
const TREE_VIEW = 'Metrics';

/** Events of a local database over all time, as the Overview's "Events" KPI counts them. */
async function allTimeEvents(db: string): Promise<number> {
  const snap = await openSnapshot(db);
  try {
    const now = Math.floor(Date.now() / 1000);
    const p = computeTabPayload(snap, 'overview', resolveRange({ preset: 'all' }, now), { timeZone: 'UTC', nowSeconds: now });
    return (p as Extract<typeof p, { tab: 'overview' }>).overview.totalEvents;
  } finally {
    snap.close();
  }
}

describe('Team database in VS Code (code-server, real PostgreSQL)', { timeout: 10 * 60_000 }, () => {
  let pg: PgCluster;
  let root: string;
  let wb: Workbench;
  let opened: OpenWorkspace | undefined;
  let alphaDb: string;
  let betaDb: string;
  let frame: Frame;
  /** this machine's name in the team database: the host name */
  const alpha = defaultMachineName();

  before(async () => {
    e2eBuild();
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    pg = await startPgCluster();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-e2t-'));
    const workspace = path.join(root, 'ws');
    fs.mkdirSync(workspace, { recursive: true });
    const now = Date.now();
    alphaDb = path.join(workspace, 'claude.db');
    betaDb = path.join(root, 'beta.db');
    generateTelemetry({ outDir: path.join(root, 'alpha-src'), eventsPerSource: 25, seed: 81, now });
    generateTelemetry({ outDir: path.join(root, 'beta-src'), eventsPerSource: 40, seed: 82, now });
    await migrateSources(alphaDb, [path.join(root, 'alpha-src')], { tz: 'UTC' });
    await migrateSources(betaDb, [path.join(root, 'beta-src')], { tz: 'UTC' });
    // the other machine synced on its own
    const beta = await syncToTeam(betaDb, pg.url, { machine: 'beta' });
    assert.equal(beta.validation?.ok, true);
    opened = await openWorkspace({
      root,
      workspace,
      artifacts: ARTIFACTS,
      readyCommand: 'Telemetry: Sync to Team Database',
      settings: {
        'telemetryLens.databasePath': '${workspaceFolder}/claude.db',
        'telemetryLens.timezone': 'UTC',
        'telemetryLens.autoIngest': false,
        // the URL as a user sets it: no password
        'telemetryLens.team.database': `postgresql://${pg.user}@127.0.0.1:${pg.port}/${pg.database}`,
        // (telemetryLens.team.machine is machine-scoped: VS Code ignores it in workspace settings, so
        // this machine syncs under its host name, the default)
      },
    });
    wb = opened.wb;
  });

  after(async () => {
    await opened?.close();
    pg?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  test('Sync to Team Database asks for the password once, then syncs without asking', async () => {
    await wb.runCommand('Telemetry: Sync to Team Database');
    await wb.waitForQuickPick(/Team database password/, 30_000, 'no password box for the team database');
    await wb.quickInput.locator('input').fill(pg.password);
    await wb.page.keyboard.press('Enter');
    const done = await wb.waitForNotification(new RegExp(`team sync as "${alpha}": \\d+ new row`), 120_000, 'no "team sync" notification after the first sync');
    const rows = Number(/: (\d+) new row/.exec(done)![1]);
    assert.equal(rows, Number(pg.psql(`SELECT sum(rows_synced) FROM team_watermarks WHERE machine = '${alpha}'`).trim()));
    assert.ok(!done.includes(pg.password));
    await wb.clearNotifications();
    // again: the stored password is used, nobody asks; what it sends is exactly what the team
    // gained (0 unless the automatic sync after a live ingest ran in between)
    await wb.runCommand('Telemetry: Sync to Team Database');
    const again = await wb.waitForNotification(new RegExp(`team sync as "${alpha}": \\d+ new row`), 120_000, 'the second sync did not finish without a password box');
    assert.equal(await wb.quickInput.isVisible(), false, 'a password box showed on the second sync');
    assert.ok(Number(/: (\d+) new row/.exec(again)![1]) <= Number(pg.psql(`SELECT sum(rows_synced) FROM team_watermarks WHERE machine = '${alpha}'`).trim()) - rows, again);
    await wb.clearNotifications();
    await wb.screenshot('synced');
  });

  test('the tree shows the Team database with both machines and their data sources', async () => {
    await wb.openActivity('Telemetry');
    const rows = await wb.poll(
      async () => {
        const r = await wb.treeRows(TREE_VIEW);
        return r.some((x) => x.startsWith(`${alpha},`)) && r.some((x) => /^beta\b/.test(x)) ? r : undefined;
      },
      60_000,
      'the Metrics tree shows no Team database machines',
    );
    assert.ok(rows.some((r) => /^Team database\b.*2 machines/.test(r)), rows.join('\n'));
    await wb.expandTreeRow(TREE_VIEW, /^beta/);
    // beta's data sources are the rows below the beta row (the local Data sources section has its own tool_events)
    const betaSources = (r: string[]) => r.slice(r.findIndex((x) => /^beta\b/.test(x)) + 1);
    const withSources = await wb.poll(async () => {
      const r = await wb.treeRows(TREE_VIEW);
      return betaSources(r).some((x) => /^tool_events\b.*rows/.test(x)) ? r : undefined;
    }, 30_000, 'the beta machine shows no data sources');
    const betaTools = Number(pg.psql(`SELECT count(*) FROM tool_events WHERE machine = 'beta'`).trim());
    const toolRow = betaSources(withSources).find((x) => /^tool_events\b/.test(x))!;
    assert.equal(Number(/([\d,]+) rows/.exec(toolRow)![1].replace(/,/g, '')), betaTools, toolRow);
    assert.ok(!withSources.join('\n').includes(pg.password));
    await wb.screenshot('tree-team');
  });

  async function kpiEvents(scopeKey: string): Promise<number> {
    await frame.waitForSelector(`#app[data-loaded-scope="${scopeKey}"][data-loaded-tab="overview"]:not([aria-busy])`, { timeout: 60_000 });
    return Number((await frame.locator('[data-kpi="events"] .kpi-value').innerText()).replace(/[^0-9]/g, ''));
  }

  test('the dashboard switches This machine → Team → one machine → back; the numbers follow', async () => {
    await wb.runCommand('Telemetry: Open Dashboard');
    frame = await wb.findWebviewFrame('#scope-bar:not([hidden])', 60_000, 'the dashboard shows no scope bar (team database configured)');
    await frame.evaluate(`(() => { const s = document.querySelector('#range-select'); s.value = 'all'; s.dispatchEvent(new Event('change')); })()`);
    await wb.poll(async () => ((await frame.locator('[data-kpi="events"] .kpi-sub').innerText().catch(() => '')).includes('in this database') ? true : undefined), 30_000, 'the range did not change to all time');
    const alphaEvents = await allTimeEvents(alphaDb);
    const beta = await allTimeEvents(betaDb);
    assert.equal(await kpiEvents('local'), alphaEvents);

    await frame.click('#scope-team');
    assert.equal(await kpiEvents('team:'), alphaEvents + beta);
    const label = await frame.locator('#db-label').innerText();
    assert.match(label, new RegExp(`team postgresql://${pg.user}@127\\.0\\.0\\.1:${pg.port}/${pg.database} — all machines`));
    await wb.page.waitForTimeout(800);
    await wb.screenshot('dashboard-team-all');

    await frame.selectOption('#scope-machine', 'beta');
    assert.equal(await kpiEvents('team:beta'), beta);
    assert.match(await frame.locator('#db-label').innerText(), /machine beta$/);
    await wb.screenshot('dashboard-team-beta');

    await frame.click('#scope-local');
    assert.equal(await kpiEvents('local'), alphaEvents);
    const text = (await frame.locator('body').innerText()) + (await wb.page.locator('body').innerText());
    assert.ok(!text.includes(pg.password));
  });
});
