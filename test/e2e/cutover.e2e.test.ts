/**
 * Cutover and rollback of a dual-written source in a real VS Code (code-server + Chromium):
 * python3 sqlite3 hooks write routing rows and the router's JSONL backup; after a migrate,
 * "Telemetry: Cut Over Source" retires routing-metrics.jsonl (the tree says database-native),
 * "Telemetry: Roll Back Cutover" brings it back. python3 reads source_writer_mode each time.
 * Run with `npm run test:e2e -- cutover`. Screenshots: test-artifacts/e2e-cutover/.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { RunningCodeServer } from './harness/codeServer';
import type { Workbench } from './harness/workbench';
import { e2eBuild, openWorkspace, type OpenWorkspace } from './harness/workspace';
import { migrateSources } from '../../src/core/ingest/migrate';
import { pyQuery } from '../ingest/helpers';
import { runHooks } from '../writer/hooks';

const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'e2e-cutover');
const TREE_VIEW = 'Metrics';

describe('Telemetry cutover commands in VS Code (code-server)', { timeout: 10 * 60_000 }, () => {
  let root: string;
  let wb: Workbench;
  let opened: OpenWorkspace | undefined;
  let db: string;
  let routing: string;

  before(async () => {
    e2eBuild();
    fs.rmSync(ARTIFACTS, { recursive: true, force: true });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-e2c-'));
    const workspace = path.join(root, 'ws');
    const logs = path.join(workspace, 'logs');
    fs.mkdirSync(logs, { recursive: true });
    db = path.join(workspace, 'claude.db');
    routing = path.join(logs, 'routing-metrics.jsonl');
    await migrateSources(db, [logs], { tz: 'UTC' });
    const t0 = Math.floor(Date.now() / 1000) - 600;
    for (let n = 0; n < 4; n++) {
      const t = t0 + n * 60;
      assert.equal(
        runHooks(db, [{ kind: 'routing_lib', args: { timestamp: t, query_id: `q-${n}`, model: 'sonnet', dq: 0.5 + n / 100, complexity: 0.3, reasoning: 'r', query_text: `q ${n}` } }], { wal: true }),
        null,
      );
      fs.appendFileSync(routing, JSON.stringify({ ts: t + (n % 2), query_hash: `h${n}`, complexity: 0.3, model: 'sonnet', dq: 0.5 + n / 100, latency_ms: 10 }) + '\n');
    }
    await migrateSources(db, [logs], { tz: 'UTC' });
    opened = await openWorkspace({ root, workspace, artifacts: ARTIFACTS, readyCommand: 'Telemetry: Cut Over Source', settings: { 'telemetryLens.databasePath': '${workspaceFolder}/claude.db', 'telemetryLens.timezone': 'UTC', 'telemetryLens.autoIngest': false } });
    wb = opened.wb;
  });

  after(async () => {
    await opened?.close();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  const routingRow = async () => (await wb.treeRows(TREE_VIEW)).find((r) => r.includes('routing_metrics_events')) ?? '';

  test('the tree shows routing as dual-write; Cut Over Source retires its JSONL; the tree says database-native', async () => {
    await wb.openActivity('Telemetry');
    await wb.expandTreeRow(TREE_VIEW, /data sources/i);
    await wb.poll(async () => ((await routingRow()).includes('dual-write 100%') ? true : undefined), 60_000, 'routing_metrics_events is not shown as dual-write 100%');
    await wb.runCommand('Telemetry: Cut Over Source');
    await wb.waitForQuickPick(/Cut Over Source/, 30_000, 'no source QuickPick');
    await wb.quickInputRows().filter({ hasText: 'routing-metrics.jsonl' }).first().click();
    await wb.waitForNotification(/routing_metrics_events is database-native/, 60_000, 'no "database-native" notification');
    await wb.screenshot('cut-over');
    assert.deepEqual(pyQuery(db, 'SELECT table_name, mode FROM source_writer_mode'), [{ table_name: 'routing_metrics_events', mode: 'database-native' }]);
    await wb.poll(async () => ((await routingRow()).includes('database-native') ? true : undefined), 60_000, 'the tree does not show database-native');
  });

  test('Roll Back Cutover imports the source again', async () => {
    await wb.clearNotifications();
    await wb.runCommand('Telemetry: Roll Back Cutover');
    await wb.waitForQuickPick(/Roll Back Cutover/, 30_000, 'no retired-source QuickPick');
    await wb.quickInputRows().filter({ hasText: 'routing-metrics.jsonl' }).first().click();
    await wb.waitForNotification(/imported again/, 60_000, 'no "imported again" notification');
    await wb.screenshot('rolled-back');
    assert.deepEqual(pyQuery(db, 'SELECT count(*) AS n FROM source_writer_mode'), [{ n: 0 }]);
    await wb.poll(async () => ((await routingRow()).includes('dual-write') ? true : undefined), 60_000, 'the tree does not show dual-write again');
    assert.deepEqual(pyQuery(db, 'SELECT count(*) AS n FROM routing_metrics_events'), [{ n: 4 }]);
  });
});
