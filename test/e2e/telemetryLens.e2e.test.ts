/**
 * Telemetry Lens in a real VS Code (code-server 1.100.3 + Chromium), driven through the UI.
 * Run with `npm run test:e2e` (scripts/e2e/run-e2e.mjs installs code-server and packages the .vsix
 * first and passes them in TL_E2E_CODE_SERVER / TL_E2E_VSIX). Screenshots: test-artifacts/e2e/.
 * Steps run in order and each reports on its own, so one missing feature does not hide the rest.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { specTabInfos } from '../../src/core/dashboard/tabPayload';
import { appendTelemetryLines } from '../../src/sample';
import { startSession, type E2eSession } from './harness/session';
import { canvasesWithPixels, rowCount } from './harness/probes';
import { storageCommandTests } from './storageCommands';

const EVENTS_PER_SOURCE = Number(process.env.TL_E2E_EVENTS ?? 150);
const TREE_VIEW = 'Metrics';

describe('Telemetry Lens in VS Code (code-server)', { timeout: 15 * 60_000 }, () => {
  let s: E2eSession;
  const expectedRows = (): number => Object.values(s.corpus.tables).reduce((a, b) => a + b, 0);
  const expectedRejects = (): number => s.corpus.files.reduce((a, f) => a + f.rejected.json + f.rejected.timestamp + f.rejected.success, 0);

  before(async () => {
    const codeServer = process.env.TL_E2E_CODE_SERVER;
    const vsix = process.env.TL_E2E_VSIX;
    if (!codeServer || !vsix) throw new Error('TL_E2E_CODE_SERVER and TL_E2E_VSIX are not set: run this suite with `npm run test:e2e`');
    s = await startSession({ codeServer, vsix, eventsPerSource: EVENTS_PER_SOURCE });
  });

  after(async () => {
    await s?.dispose();
  });

  test('the installed extension shows its activity bar item and commands', async () => {
    await s.wb.screenshot('workbench-opened');
    await s.wb.openActivity('Telemetry');
    await s.wb.page.keyboard.press('F1');
    await s.wb.quickInput.locator('input').fill('>Telemetry:');
    await s.wb.waitFor(s.wb.quickInputRows().filter({ hasText: 'Telemetry: Migrate JSONL' }), 60_000, 'the command palette does not list "Telemetry: Migrate JSONL"');
    await s.wb.screenshot('command-palette-telemetry-commands');
    await s.wb.page.keyboard.press('Escape');
  });

  test('Telemetry: Migrate JSONL — preview QuickPick, then the summary notification', async (t) => {
    await s.wb.runCommand('Telemetry: Migrate JSONL');
    const title = await s.wb.waitForQuickPick(/Migrate JSONL/i, 60_000, 'the Migrate JSONL preview QuickPick did not appear');
    const rows = await s.wb.quickInputRows().allInnerTexts(); // the list is virtual: only the visible rows
    await s.wb.screenshot('migrate-preview-quickpick');
    const counts = /([\d,]+) new lines? in ([\d,]+) files? \(([\d,]+) files? found\)/.exec(title);
    assert.ok(counts, `preview title states new lines and files: "${title}"`);
    const [newLines, withNew, found] = counts.slice(1).map((x) => Number(x.replace(/,/g, '')));
    assert.equal(found, s.corpus.files.length, `files found: "${title}"`);
    assert.equal(withNew, s.corpus.files.length, `files with new lines: "${title}"`);
    assert.equal(newLines, expectedRows(), `new lines (importable rows): "${title}"`);
    for (const name of ['activity-events.jsonl', 'routing-metrics.jsonl']) {
      assert.ok(rows.some((r) => r.includes(name)), `preview lists ${name}; rows:\n${rows.join('\n')}`);
    }
    await s.wb.page.keyboard.press('Enter'); // accept the pre-picked files (those with new lines)
    // a new database: the modal lists the schema steps and asks to apply them first
    const apply = s.wb.page.locator('.monaco-dialog-box a.monaco-button, .monaco-dialog-box .monaco-button').filter({ hasText: 'Apply and Import' });
    await s.wb.waitFor(apply, 60_000, 'no "Apply and Import" schema confirmation dialog after accepting the preview');
    await s.wb.screenshot('migrate-schema-confirmation');
    await apply.first().click();
    const importStarted = Date.now();
    const summary = await s.wb.waitForNotification(/imported [\d,]+ rows?/i, 600_000, 'no "Telemetry: imported N rows" summary notification after accepting the preview');
    t.diagnostic(`${expectedRows()} rows imported through the UI in ${((Date.now() - importStarted) / 1000).toFixed(1)} s (confirm → summary)`);
    await s.wb.screenshot('migrate-summary-notification');
    const imported = Number(/imported ([\d,]+) rows?/i.exec(summary)![1].replace(/,/g, ''));
    const rejected = Number((/([\d,]+) rejected/i.exec(summary)?.[1] ?? 'NaN').replace(/,/g, ''));
    assert.equal(imported, expectedRows(), `summary: ${summary}`);
    assert.equal(rejected, expectedRejects(), `summary: ${summary}`);
    assert.ok(/Open Dashboard/.test(summary), `summary offers Open Dashboard: ${summary}`);
    assert.ok(/Show Rejects/.test(summary), `summary offers Show Rejects: ${summary}`);
  });

  test('Telemetry: Show Rejected Lines lists the quarantined lines and opens one at its line', async () => {
    await s.wb.runCommand('Telemetry: Show Rejected Lines');
    const total = expectedRejects();
    await s.wb.waitForQuickPick(new RegExp(`${total} rejected lines`), 30_000, `no "${total} rejected lines" QuickPick`);
    const git = s.corpus.files.find((f) => path.basename(f.path) === 'git-activity.jsonl')!;
    const lineNo = fs.readFileSync(git.path, 'latin1').split('\n').findIndex((l) => l.includes('C:\\"')) + 1;
    const row = s.wb.quickInputRows().filter({ hasText: `git-activity.jsonl:${lineNo}` });
    await s.wb.waitFor(row, 10_000, `the rejects QuickPick has no git-activity.jsonl:${lineNo} (the lone-backslash line)`);
    await s.wb.screenshot('rejected-lines-quickpick');
    await row.first().click();
    await s.wb.waitFor(s.wb.page.locator('.tab.active', { hasText: 'git-activity.jsonl' }), 20_000, 'git-activity.jsonl did not open in an editor');
    await s.wb.waitFor(s.wb.page.locator('.statusbar-item', { hasText: `Ln ${lineNo},` }), 10_000, `the cursor is not on line ${lineNo}`);
    await s.wb.screenshot('rejected-line-opened');
  });

  test('Metrics tree lists the data sources with their row counts', async () => {
    await s.wb.openActivity('Telemetry');
    await s.wb.expandTreeRow(TREE_VIEW, /data sources/i);
    const rows = await s.wb.poll(
      async () => {
        const r = await s.wb.treeRows(TREE_VIEW);
        return r.some((x) => x.includes('routing_metrics_events')) ? r : undefined;
      },
      30_000,
      'the Metrics tree shows no routing_metrics_events row under Data sources',
    );
    await s.wb.screenshot('metrics-tree-data-sources');
    for (const [table, count] of Object.entries(s.corpus.tables)) {
      const row = rows.find((r) => r.includes(table));
      assert.ok(row, `tree row for ${table}; rows:\n${rows.join('\n')}`);
      assert.equal(rowCount(row!), count, `row count of ${table} in "${row}"`);
    }
  });

  test('Telemetry: Open Dashboard draws its charts', async () => {
    await s.wb.runCommand('Telemetry: Open Dashboard');
    const frame = await s.wb.findWebviewFrame('canvas', 60_000, 'no dashboard webview frame with a <canvas> appeared');
    const drawn = await s.wb.poll(async () => {
      const n = await canvasesWithPixels(frame);
      return n > 0 ? n : undefined;
    }, 30_000, 'the dashboard canvases stayed blank');
    await s.wb.page.waitForTimeout(1000); // let chart animations finish for the screenshot
    await s.wb.screenshot('dashboard-overview');
    assert.ok(drawn >= 1, `${drawn} chart canvases drew pixels`);
    const tables = Object.keys(s.corpus.tables).length;
    const text = (await frame.locator('body').innerText()).replace(/\s+/g, ' ');
    assert.match(text, new RegExp(`of ${tables} sources live`), 'the overview summarises every data source');
  });

  test('the spec tabs the extension lists are in the panel’s tab bar and each loads: charts, or its empty state', async () => {
    const frame = await s.wb.findWebviewFrame('canvas', 30_000, 'no dashboard webview frame');
    const tabs = specTabInfos();
    assert.ok(tabs.length > 0, 'the registry has spec tabs');
    for (const t of tabs) {
      const header = frame.locator(`vscode-tab-header[data-tab="${t.id}"]`);
      assert.equal((await header.innerText()).trim().toLowerCase(), t.title.toLowerCase());
      await header.click();
      await frame.locator(`#app[data-loaded-tab="${t.id}"]:not([aria-busy])`).waitFor({ timeout: 30_000 });
      const panel = frame.locator(`vscode-tab-panel[data-tab="${t.id}"]`);
      const charts = await panel.locator('.chart-card canvas').count();
      const empty = await panel.locator(`[data-empty="${t.id}"]`).count();
      assert.ok((charts > 0) !== (empty === 1), `${t.id}: ${charts} charts, ${empty} empty states`);
      await s.wb.screenshot(`dashboard-${t.id}`);
    }
    await frame.locator('vscode-tab-header[data-tab="overview"]').click();
    await frame.locator('#app[data-loaded-tab="overview"]:not([aria-busy])').waitFor({ timeout: 30_000 });
  });

  test('the dashboard follows a switch to a light theme', async () => {
    const pickTheme = async (name: string): Promise<void> => {
      await s.wb.runCommand('Preferences: Color Theme');
      const input = await s.wb.waitFor(s.wb.quickInput.locator('input'), 10_000, 'the color theme picker did not open');
      await input.fill(name);
      await s.wb.waitFor(s.wb.quickInputRows().filter({ hasText: name }), 10_000, `the color theme picker has no "${name}"`);
      await input.press('Enter');
    };
    await pickTheme('Light Modern');
    const frame = await s.wb.findWebviewFrame('body.vscode-light canvas', 30_000, 'the dashboard webview did not switch to the light theme (body.vscode-light)');
    await s.wb.poll(async () => ((await canvasesWithPixels(frame)) > 0 ? true : undefined), 30_000, 'the dashboard canvases are blank after the theme switch');
    await s.wb.page.waitForTimeout(800);
    await s.wb.screenshot('dashboard-light-theme');
    await pickTheme('Dark Modern');
    await s.wb.findWebviewFrame('body.vscode-dark canvas', 30_000, 'the dashboard webview did not switch back to the dark theme');
  });

  test('live ingest: appended lines reach the tree without any command', async () => {
    await s.wb.page.keyboard.press('Escape');
    await s.wb.openActivity('Telemetry');
    const before = rowCount((await s.wb.treeRows(TREE_VIEW)).find((r) => r.includes('tool_events')) ?? '');
    assert.equal(before, s.corpus.tables.tool_events, 'tool_events row before the append');
    const file = s.corpus.files.find((f) => path.basename(f.path) === 'tool-usage.jsonl')!.path;
    const added = appendTelemetryLines(file, 'tool-usage', 5);
    const after = await s.wb.poll(
      async () => {
        const n = rowCount((await s.wb.treeRows(TREE_VIEW)).find((r) => r.includes('tool_events')) ?? '');
        return n === before + added ? n : undefined;
      },
      60_000,
      `the tool_events tree row did not go from ${before} to ${before + added} after appending ${added} lines to tool-usage.jsonl`,
    );
    await s.wb.screenshot('live-ingest-tree-updated');
    assert.equal(after, before + added);
  });

  test('live ingest: completing a half-written line imports it once', async () => {
    const f = s.corpus.files.find((x) => x.pending === 1)!;
    const count = async (): Promise<number> => rowCount((await s.wb.treeRows(TREE_VIEW)).find((r) => r.includes(f.table)) ?? '');
    const before = await count();
    assert.equal(before, s.corpus.tables[f.table], `${f.table} before the writer finishes its line`);
    fs.appendFileSync(f.path, f.pendingRest!);
    await s.wb.poll(async () => ((await count()) === before + 1 ? true : undefined), 60_000, `${f.table} did not go from ${before} to ${before + 1} after the half-written line of ${path.basename(f.path)} was completed`);
    await s.wb.page.waitForTimeout(3000); // a second, late run must not import it again
    assert.equal(await count(), before + 1);
    await s.wb.screenshot('live-ingest-pending-line-completed');
  });

  test('Telemetry: Verify Sources finds every line of every source in the database', async () => {
    await s.wb.clearNotifications();
    await s.wb.runCommand('Telemetry: Verify Sources');
    const message = await s.wb.waitForNotification(/match the database|mismatch/i, 120_000, 'no Verify Sources result notification');
    await s.wb.screenshot('verify-sources');
    assert.match(message, /match the database/i);
  });

  test('a second Telemetry: Migrate JSONL finds everything already imported', async () => {
    await s.wb.clearNotifications();
    await s.wb.runCommand('Telemetry: Migrate JSONL');
    const title = await s.wb.waitForQuickPick(/already imported|new lines?/i, 60_000, 'the Migrate JSONL preview did not appear the second time');
    await s.wb.screenshot('migrate-again-nothing-new');
    await s.wb.page.keyboard.press('Escape');
    assert.match(title, new RegExp(`everything is already imported \\(${s.corpus.files.length} files found\\)`), title);
  });

  test('Telemetry: Run Query sees rows another program committed to the live WAL-mode database', async () => {
    // python3 commits 7 rows in WAL mode with checkpoints off and keeps the connection open, so
    // the rows exist only in telemetry.db-wal: reading the main file alone would miss them.
    const writer = spawn('python3', ['-c', WAL_WRITER, s.databasePath], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      await new Promise<void>((resolve, reject) => {
        writer.stdout.on('data', (d: Buffer) => (String(d).includes('ready') ? resolve() : undefined));
        writer.once('exit', (code) => reject(new Error(`the python WAL writer exited early (${code})`)));
        setTimeout(() => reject(new Error('the python WAL writer did not get ready in 20 s')), 20_000);
      });
      assert.ok(fs.statSync(`${s.databasePath}-wal`).size > 0, 'the rows are in telemetry.db-wal');
      const mainFileOnly = path.join(s.root, 'main-file-only.db');
      fs.copyFileSync(s.databasePath, mainFileOnly);
      const inMainFile = spawnSync('python3', ['-c', "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT count(*) FROM routing_metrics_events WHERE predicted_model = 'e2e-wal'\").fetchone()[0])", mainFileOnly], { encoding: 'utf8' });
      assert.equal(inMainFile.stdout.trim(), '0', `the main file alone does not hold them yet ${inMainFile.stderr}`);
      await s.wb.runCommand('Telemetry: Run Query');
      const input = await s.wb.waitFor(s.wb.quickInput.locator('input'), 10_000, 'the Run Query input box did not open');
      await input.fill("SELECT count(*) AS wal_rows FROM routing_metrics_events WHERE predicted_model = 'e2e-wal'");
      await input.press('Enter');
      const editor = s.wb.page.locator('.editor-instance .view-lines', { hasText: 'wal_rows' });
      await s.wb.waitFor(editor, 30_000, 'no query result document opened');
      const text = (await editor.first().innerText()).replace(/\s+/g, ' ');
      await s.wb.screenshot('run-query-live-wal-rows');
      assert.match(text, /wal_rows.*\|\s*7\s*\|/, `the result counts the 7 rows still in the WAL: ${text}`);
    } finally {
      writer.kill();
    }
  });

  // Open Database (switches this session to another file), Health, Back Up, Restore: keep last
  storageCommandTests(() => s);
});

/** Commits 7 rows in WAL mode, no checkpoint, then holds the connection open until killed. */
const WAL_WRITER = `
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute('PRAGMA journal_mode=WAL')
c.execute('PRAGMA wal_autocheckpoint=0')
c.execute('BEGIN')
for i in range(7):
    c.execute("INSERT INTO routing_metrics_events (timestamp, predicted_model, stream_id, row_hash, row_seq) VALUES (?, 'e2e-wal', 0, ?, 1)", (int(time.time()), 900000000 + i))
c.execute('COMMIT')
print('ready', flush=True)
time.sleep(300)
`;
