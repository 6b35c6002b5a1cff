/**
 * The schema commands in a real VS Code (code-server + Chromium), on a database that a user's
 * Python script created with the plain seed DDL, plus a migrations folder of their own:
 * Run Migrations (modal lists the plan, adopts the tables, applies V100), Show Migration Status
 * (rendered Markdown table), Roll Back Last Migration (confirmed), and a broken V101 (error names the
 * file; the database file stays byte-identical). Run with `npm run test:e2e`.
 * Screenshots: test-artifacts/e2e-migrations/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunningCodeServer } from './harness/codeServer';
import type { Workbench } from './harness/workbench';
import { e2eBuild, openWorkspace, type OpenWorkspace } from './harness/workspace';
import { buildSeedFixture, pythonQuery, type SeedFixture } from '../schema/seedFixture';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'e2e-migrations');

describe('Telemetry schema commands in VS Code (code-server)', { timeout: 10 * 60_000 }, () => {
  let root: string;
  let wb: Workbench;
  let opened: OpenWorkspace | undefined;
  let fx: SeedFixture;
  let migrations: string;

  before(async () => {
    e2eBuild();
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-e2m-'));
    const workspace = path.join(root, 'ws');
    fs.mkdirSync(workspace);
    fx = buildSeedFixture(workspace);
    migrations = path.join(workspace, '.telemetry', 'migrations');
    fs.mkdirSync(migrations, { recursive: true });
    fs.writeFileSync(path.join(migrations, 'V100__routing_daily_view.sql'), 'CREATE VIEW routing_daily AS\n  SELECT timestamp / 86400 AS day, count(*) AS n, avg(accuracy) AS accuracy\n  FROM routing_metrics_events GROUP BY 1;\n');
    fs.writeFileSync(path.join(migrations, 'U100__routing_daily_view.sql'), 'DROP VIEW routing_daily;\n');
    opened = await openWorkspace({ root, workspace, artifacts: ARTIFACTS, readyCommand: 'Telemetry: Run Migrations', settings: { 'telemetryLens.databasePath': '${workspaceFolder}/claude.db', 'telemetryLens.timezone': 'UTC', 'telemetryLens.autoIngest': false } });
    wb = opened.wb;
  });

  after(async () => {
    await opened?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const dialog = () => wb.page.locator('.monaco-dialog-box');
  async function pressDialogButton(label: RegExp): Promise<void> {
    const button = dialog().locator('.dialog-buttons .monaco-button').filter({ hasText: label });
    await wb.waitFor(button, 10_000, `the dialog has no button ${label}`);
    await button.first().click();
  }

  test('Run Migrations shows the plan in a modal, then adopts the script-made tables and applies V100', async () => {
    await wb.runCommand('Telemetry: Run Migrations');
    await wb.waitFor(dialog(), 60_000, 'no confirmation dialog after Telemetry: Run Migrations');
    const text = (await dialog().innerText()).replace(/\s+/g, ' ');
    await wb.screenshot('run-migrations-plan');
    assert.match(text, /Adopt existing tables, keeping every row: .*routing_metrics_events/);
    assert.match(text, /V1__telemetry_core.*V100__routing_daily_view \(your folder\)/);
    await pressDialogButton(/^Run \d+ Migrations$/);
    const note = await wb.waitForNotification(/Applied \d+ migration\(s\); schema version 100/, 60_000, 'no "Applied N migration(s)" notification');
    await wb.screenshot('run-migrations-done');
    assert.match(note, /Adopted 1,?000 existing rows/);
    for (const [t, n] of Object.entries(fx.counts)) assert.deepEqual(pythonQuery(fx.dbPath, `SELECT count(*) FROM ${t}`), [[n]], t);
    assert.deepEqual(pythonQuery(fx.dbPath, 'SELECT sum(n) FROM routing_daily'), [[fx.counts.routing_metrics_events]]);
    assert.deepEqual(pythonQuery(fx.dbPath, 'PRAGMA integrity_check'), [['ok']]);
  });

  test('Show Migration Status renders the status table in the Markdown preview', async () => {
    await wb.clearNotifications();
    await wb.runCommand('Telemetry: Show Migration Status');
    const frame = await wb.findWebviewFrame('table', 60_000, 'no Markdown preview with a status table appeared');
    const table = (await frame.locator('table').first().innerText()).replace(/\u00a0/g, ' ');
    await wb.screenshot('migration-status');
    const lines = table.split('\n').map((l) => l.replace(/\s+/g, ' ').trim());
    assert.ok(lines.some((l) => /^1 telemetry_core built-in applied \(baseline\)/.test(l)), table);
    assert.ok(lines.some((l) => /^100 routing_daily_view user applied/.test(l)), table);
    const heading = await frame.locator('h1').first().innerText();
    assert.match(heading, /Telemetry schema migrations/);
  });

  test('Roll Back Last Migration confirms, then runs U100', async () => {
    await wb.runCommand('Telemetry: Roll Back Last Migration');
    await wb.waitFor(dialog(), 30_000, 'no confirmation dialog for the rollback');
    assert.match(await dialog().innerText(), /Roll back V100__routing_daily_view/);
    await wb.screenshot('rollback-confirm');
    await pressDialogButton(/^Roll Back V100__routing_daily_view$/);
    await wb.waitForNotification(/Rolled back V100__routing_daily_view; schema version \d+/, 30_000, 'no "Rolled back" notification');
    // the open status preview follows the database
    const frame = await wb.findWebviewFrame('table', 10_000, 'the status preview is gone');
    await wb.poll(async () => (/100\s+routing_daily_view\s+user\s+pending/.test((await frame.locator('table').first().innerText()).replace(/\u00a0/g, ' ')) ? true : undefined), 20_000, 'the open status preview did not show V100 as pending after the rollback');
    await wb.screenshot('rollback-done');
    assert.deepEqual(pythonQuery(fx.dbPath, `SELECT count(*) FROM sqlite_master WHERE name = 'routing_daily'`), [[0]]);
  });

  test('a broken migration: error names file and statement, the database file is unchanged, Open Migration jumps to it', async () => {
    await wb.clearNotifications();
    fs.writeFileSync(path.join(migrations, 'V101__broken.sql'), 'CREATE TABLE a (x);\nCREATE TABLE b (y);\nCREATE TABLE c (z,, w);\n');
    const before = fs.readFileSync(fx.dbPath);
    await wb.runCommand('Telemetry: Run Migrations');
    await wb.waitFor(dialog(), 30_000, 'no confirmation dialog');
    await pressDialogButton(/^Run \d+ Migrations$/);
    const toast = wb.page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'V101__broken' });
    await wb.waitFor(toast, 30_000, 'no error notification naming V101__broken');
    const text = (await toast.first().innerText()).replace(/\s+/g, ' ');
    await wb.screenshot('broken-migration-error');
    assert.match(text, /statement 3 \(line 3\)/);
    assert.match(text, /syntax error/);
    assert.deepEqual(fs.readFileSync(fx.dbPath), before, 'database file byte-for-byte unchanged');
    await toast.first().locator('.monaco-button').filter({ hasText: 'Open Migration' }).click();
    await wb.waitFor(wb.page.locator('.tab').filter({ hasText: 'V101__broken.sql' }), 15_000, 'Open Migration did not open V101__broken.sql');
    await wb.screenshot('broken-migration-opened');
  });
});
