/**
 * Migrate JSONL's one pass through the extension's adapter (engineAdapter → offThread → the
 * ingest worker thread): the preview's plan crosses to the worker and back to the import, the
 * schema steps come with the preview, and the import takes only the picked files as they are now.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { previewForMigrate, runIngest } from '../../src/extension/ingest/engineAdapter';
import { ingestWorkerAvailable } from '../../src/core/ingest/ingestWorker';
import { ingestSummaryMessage } from '../../src/extension/ingest/messages';

const row = (i: number) => JSON.stringify({ ts: 1769423127 + i, query_hash: `q${i}`, complexity: 0.4, model: 'sonnet', dq: 0.8 }) + '\n';
const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, k) => row(from + k)).join('');

describe('Migrate JSONL: the preview plan through the ingest worker', () => {
  test('preview → pick → files change → import of the plan', async () => {
    assert.ok(ingestWorkerAvailable(), 'the worker runs the preview and the import');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-plan-'));
    const data = path.join(home, 'telemetry');
    fs.mkdirSync(path.join(data, 'b'), { recursive: true });
    const a = path.join(data, 'routing-metrics.jsonl');
    const b = path.join(data, 'b', 'routing-metrics.jsonl');
    fs.writeFileSync(a, rows(0, 200));
    fs.writeFileSync(b, rows(0, 10));
    const ctx = { dbPath: path.join(home, 'db', 'telemetry.db'), tz: 'UTC', claudeCode: false };

    const first = await previewForMigrate([data], ctx);
    assert.ok(first.plan.schemaSteps.length >= 6, 'a new database: every migration is pending, read by the preview');
    assert.deepEqual(first.audit.files.map((f) => [f.path, f.newLines]), [[b, 10], [a, 200]]);
    await runIngest([data], ctx, { only: [a, b], plan: first.plan });

    fs.appendFileSync(a, rows(200, 250));
    const second = await previewForMigrate([data], ctx);
    assert.deepEqual(second.plan.schemaSteps, []);
    assert.deepEqual(second.audit.files.map((f) => [f.path, f.newLines]), [[b, 0], [a, 50]]);
    const planned = second.plan.sources.find((s) => s.path === a)!;
    assert.equal(planned.ledger?.mode, 'fast');
    assert.equal(planned.ledger?.lineCount, 200);
    fs.appendFileSync(a, rows(250, 260)); // written while the user picks
    fs.rmSync(b);
    const view = await runIngest([data], ctx, { only: [a, b], plan: second.plan });
    assert.deepEqual(view.files.map((f) => [f.path, f.inserted, f.present]), [[a, 60, 200]]);
    assert.equal(view.problems?.length, 1);
    assert.match(view.problems![0].message, /gone since the preview/);
    assert.match(ingestSummaryMessage(view), /1 file not imported \(see Output/);
    fs.rmSync(home, { recursive: true, force: true });
  });
});
