/**
 * The storage commands through the UI, in the main suite's code-server session (registered from
 * telemetryLens.e2e.test.ts, after its other steps): Open Database (the open dialog), Check
 * Database Health (the rendered report), Back Up Database and Restore Database from Backup.
 * Every number is compared with what python3's sqlite3 reads from the files on disk.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { E2eSession } from './harness/session';
import { rowCount } from './harness/probes';

const TREE_VIEW = 'Metrics';
const CLI = path.resolve(__dirname, '..', '..', 'dist', 'cli.js');

interface DbFacts {
  integrity: string;
  schemaVersion: number;
  /** every table (not sqlite_*) → COUNT(*) */
  tables: Record<string, number>;
}

/** What python3's sqlite3 reads from the file: integrity, schema version, row count per table. */
function pythonFacts(dbPath: string): DbFacts {
  const script = `
import json, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
names = [r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
print(json.dumps({
  'integrity': c.execute('PRAGMA integrity_check').fetchone()[0],
  'schemaVersion': c.execute('SELECT max(version) FROM schema_migrations WHERE success = 1').fetchone()[0],
  'tables': {n: c.execute('SELECT count(*) FROM "%s"' % n.replace('"', '""')).fetchone()[0] for n in names},
}))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, dbPath], { encoding: 'utf8' })) as DbFacts;
}

export function storageCommandTests(session: () => E2eSession): void {
  let s: E2eSession;
  let archive: string; // the database picked through Open Database
  let backup: { path: string; facts: DbFacts };
  const dialog = () => s.wb.page.locator('.monaco-dialog-box');
  const eventTables = () => Object.keys(s.corpus.tables);

  /** Polls the Metrics tree until every event table shows the count python3 reads (absent = 0). */
  async function treeShows(expected: Record<string, number>, what: string): Promise<void> {
    await s.wb.openActivity('Telemetry');
    await s.wb.expandTreeRow(TREE_VIEW, /data sources/i);
    let last: string[] = [];
    await s.wb.poll(
      async () => {
        last = await s.wb.treeRows(TREE_VIEW);
        const ok = eventTables().every((t) => {
          const row = last.find((r) => r.startsWith(`${t} `) || r.startsWith(`${t},`));
          return row ? rowCount(row) === (expected[t] ?? 0) : (expected[t] ?? 0) === 0;
        });
        return ok ? true : undefined;
      },
      30_000,
      `${what}: the Metrics tree does not show ${eventTables().map((t) => `${t}=${expected[t] ?? 0}`).join(', ')}`,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\ntree rows:\n${last.join('\n')}`);
    });
  }

  test('Telemetry: Open Database picks a file in the open dialog; the status bar and the tree follow it', async () => {
    s = session();
    // a second database, made by the CLI from two of the workspace's sources only, so its
    // counts differ from telemetry.db's everywhere
    archive = path.join(s.root, 'archive', 'archive.db');
    fs.mkdirSync(path.dirname(archive), { recursive: true });
    const sources = ['routing-metrics.jsonl', 'tool-usage.jsonl'].map((n) => s.corpus.files.find((f) => path.basename(f.path) === n)!.path);
    execFileSync(process.execPath, [CLI, 'migrate', '--db', archive, ...sources], { encoding: 'utf8' });
    const facts = pythonFacts(archive);
    assert.ok(facts.tables.routing_metrics_events > 0 && facts.tables.git_events === 0, `archive.db holds two sources only: ${JSON.stringify(facts.tables)}`);

    await s.wb.clearNotifications();
    await s.wb.runCommand('Telemetry: Open Database');
    const input = await s.wb.waitFor(s.wb.quickInput.locator('input'), 15_000, 'the Open Database file dialog did not open');
    await s.wb.waitForQuickPick(/Open Telemetry Database/, 15_000, 'the file dialog is not titled "Open Telemetry Database"');
    // the dialog fills in the current database's path once it has listed that folder: typing
    // before then gets overwritten
    await s.wb.poll(async () => ((await input.inputValue()) === s.databasePath ? true : undefined), 15_000, `the file dialog does not start at ${s.databasePath}`);
    await input.fill(archive);
    await s.wb.waitFor(s.wb.quickInputRows().filter({ hasText: 'archive.db' }), 15_000, 'the file dialog does not list archive.db');
    assert.equal(await input.inputValue(), archive, 'the typed path stays in the file dialog');
    await s.wb.screenshot('open-database-dialog');
    await input.press('Enter');
    const note = await s.wb.waitForNotification(/now uses/i, 20_000, 'no "Telemetry Lens now uses …" notification after picking archive.db');
    assert.ok(note.includes(archive), `the notification names the picked file: ${note}`);
    await s.wb.waitFor(s.wb.page.locator('.statusbar-item', { hasText: 'archive.db' }), 15_000, 'the status bar does not show archive.db');
    const settings = JSON.parse(fs.readFileSync(path.join(s.workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(settings['telemetryLens.databasePath'], archive, 'the workspace setting (where it was defined) now points at archive.db');
    await treeShows(facts.tables, 'after Open Database');
    await s.wb.screenshot('open-database-tree-and-status-bar');
  });

  test('Telemetry: Check Database Health renders integrity, schema version and every table with its row count', async () => {
    const facts = pythonFacts(archive);
    await s.wb.runCommand('Telemetry: Check Database Health');
    const frame = await s.wb.findWebviewFrame('h1', 60_000, 'no rendered health report (Markdown preview) appeared');
    await s.wb.poll(async () => ((await frame.locator('h1').first().innerText()).includes('Database health') ? true : undefined), 10_000, 'the preview is not the health report');
    const text = (await frame.locator('body').innerText()).replace(/\u00a0/g, ' ');
    await s.wb.screenshot('check-database-health');
    assert.match(text, /Database health: OK/);
    assert.ok(text.includes(archive), `the report names ${archive}`);
    assert.match(text, /Integrity check: ok/);
    // the flavour says which engine this extension host can have: code-server 4.100 on Node 20
    // has no node:sqlite (wasm), code-server 4.103 on Node 22 has it (native)
    const engine = process.env.TL_E2E_ENGINE ?? 'wasm';
    assert.match(text, new RegExp(`Engine: ${engine}: `), `the health report says the ${engine} engine ran`);
    assert.match(text, new RegExp(`Schema version: ${facts.schemaVersion}\\b`));
    const shown: Record<string, number> = {};
    for (const line of (await frame.locator('table').first().innerText()).split('\n')) {
      const m = /^\s*(\S+)\s+(\d+)\s*$/.exec(line.replace(/\u00a0/g, ' '));
      if (m) shown[m[1]] = Number(m[2]);
    }
    assert.deepEqual(shown, facts.tables, 'the report lists every table with the row count python3 reads');
  });

  test('Telemetry: Back Up Database writes the file it names; python3 reads it intact with the same rows', async () => {
    await s.wb.clearNotifications();
    await s.wb.runCommand('Telemetry: Back Up Database');
    const note = await s.wb.waitForNotification(/Backed up to /, 30_000, 'no "Backed up to …" notification');
    await s.wb.screenshot('backup-done');
    const file = /Backed up to (\S+\.db)/.exec(note)?.[1];
    assert.ok(file, `the notification names the backup file: ${note}`);
    assert.equal(path.dirname(file), path.join(path.dirname(archive), 'backups'), 'the backup sits in <dbdir>/backups');
    assert.ok(fs.existsSync(file), `${file} exists`);
    const facts = pythonFacts(file);
    assert.equal(facts.integrity, 'ok');
    assert.deepEqual(facts.tables, pythonFacts(archive).tables, 'the backup has the same row counts as the database');
    backup = { path: file, facts };
  });

  test('Telemetry: Restore Database from Backup (confirmed) brings the row counts back after a Migrate JSONL of more lines', async () => {
    // change the database: import the other sources through the UI
    await s.wb.clearNotifications();
    await s.wb.runCommand('Telemetry: Migrate JSONL');
    await s.wb.waitForQuickPick(/new lines?/i, 60_000, 'the Migrate JSONL preview did not appear for archive.db');
    await s.wb.page.keyboard.press('Enter');
    const summary = await s.wb.waitForNotification(/imported [\d,]+ rows?/i, 120_000, 'no "imported N rows" summary for archive.db');
    const changed = pythonFacts(archive);
    assert.ok(changed.tables.git_events > 0, `the migrate added the other sources (${summary}): ${JSON.stringify(changed.tables)}`);
    await treeShows(changed.tables, 'after the Migrate JSONL into archive.db');

    await s.wb.clearNotifications();
    await s.wb.runCommand('Telemetry: Restore Database from Backup');
    await s.wb.waitForQuickPick(/Restore Database from Backup/, 30_000, 'no backup QuickPick');
    const row = s.wb.quickInputRows().filter({ hasText: path.basename(backup.path) });
    await s.wb.waitFor(row, 10_000, `the backup QuickPick does not list ${path.basename(backup.path)}`);
    // filter down to that backup and accept it with Enter (a click can land while the list re-renders)
    await s.wb.quickInput.locator('input').fill(path.basename(backup.path));
    await s.wb.poll(async () => ((await s.wb.quickInputRows().count()) === 1 && (await row.count()) === 1 ? true : undefined), 10_000, `the backup QuickPick does not narrow to ${path.basename(backup.path)}`);
    await s.wb.screenshot('restore-pick-backup');
    await s.wb.quickInput.locator('input').press('Enter');
    await s.wb.waitFor(dialog(), 30_000, 'no confirmation dialog before the restore');
    assert.match(await dialog().innerText(), new RegExp(`Replace archive\\.db with the backup ${path.basename(backup.path).replace(/\./g, '\\.')}`));
    await s.wb.screenshot('restore-confirm');
    await dialog().locator('.dialog-buttons .monaco-button').filter({ hasText: /^Restore$/ }).first().click();
    const note = await s.wb.waitForNotification(/Restored from /, 30_000, 'no "Restored from …" notification');
    await s.wb.screenshot('restore-done');

    const restored = pythonFacts(archive);
    assert.equal(restored.integrity, 'ok');
    assert.deepEqual(restored.tables, backup.facts.tables, 'archive.db has the backup\'s row counts again');
    // the replaced state was itself backed up first (restore can be undone)
    const saved = /saved as (\S+\.db)/.exec(note)?.[1];
    assert.ok(saved, `the notification names the saved previous state: ${note}`);
    assert.deepEqual(pythonFacts(path.join(path.dirname(backup.path), saved)).tables, changed.tables, 'the pre-restore backup holds the migrated state');
    await treeShows(backup.facts.tables, 'after the restore');
    await s.wb.screenshot('restore-tree-counts-back');
  });
}
