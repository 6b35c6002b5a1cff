import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  auditForPreview,
  discoverBeside,
  loadRejects,
  pendingSchemaSteps,
  runIngest,
  runVerify,
  streamKeysOf,
} from '../../src/extension/ingest/engineAdapter';
import { selectChosen } from '../../src/extension/ingest/chosenSources';
import { ingestSummaryMessage, rejectPickLabel } from '../../src/extension/ingest/messages';
import { buildPreviewItems, isFileItem } from '../../src/extension/ingest/previewItems';
import { resolveEnginePaths } from '../../src/core/ingest/sources/enginePaths';
import { resolveSourceSettings } from '../../src/core/ingest/sources/settings';
import { totalsOf } from '../../src/extension/ingest/viewModel';

/**
 * The extension's adapter against the real ingest engine and real sql.js: the texts the
 * QuickPick and the summary show are computed from real audit / migrate results.
 */
describe('extension ingest adapter on the real engine', () => {
  let home: string;
  let claude: string;
  let dbPath: string;
  const ctx = () => ({ dbPath, tz: 'UTC' });

  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-adapter-'));
    claude = path.join(home, '.claude', 'data');
    fs.mkdirSync(claude, { recursive: true });
    dbPath = path.join(home, 'db', 'telemetry.db');
    fs.writeFileSync(
      path.join(claude, 'tool-usage.jsonl'),
      [
        '{"ts":1769423127,"tool":"Bash","session":"s1","success":true,"exit_code":0}',
        '{"ts":1769423128,"tool":"Edit","session":"s1","success":"false"}',
        '{"ts":1769423129,"tool":"Bash"', // broken JSON → reject
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(claude, 'routing-metrics.jsonl'), '{"ts":1769423127,"query_hash":"a1","complexity":0.4,"model":"sonnet","dq":0.8}\n');
  });
  after(() => fs.rmSync(home, { recursive: true, force: true }));

  test('setting → paths → audit → preview items → migrate only the picked file → summary → second run inserts 0', async () => {
    const specs = resolveSourceSettings([], { home, workspaceFolders: [] });
    const { paths, problems } = await resolveEnginePaths(specs);
    assert.deepEqual(paths, [path.join(home, '.claude')]);
    assert.deepEqual(problems, []);

    assert.ok((await pendingSchemaSteps(ctx())).length >= 1, 'a new database has migrations to apply');
    assert.equal(fs.existsSync(dbPath), false, 'looking at the schema creates nothing');

    const audit = await auditForPreview(paths, ctx());
    const items = buildPreviewItems(audit.files, home).filter(isFileItem);
    assert.deepEqual(
      items.map((i) => [i.label, i.picked, i.file.newLines]),
      [
        ['routing-metrics.jsonl', true, 1],
        ['tool-usage.jsonl', true, 2],
      ],
    );
    assert.match(items[1].description, /^2 new lines → tool_events · \d+ B$/);
    assert.match(items[1].detail, /^tool-usage · 3 lines in file · 1 line rejected · (live|stale|frozen)$/);

    const picked = [path.join(claude, 'tool-usage.jsonl')];
    const progressPhases = new Set<string>();
    const view = await runIngest(paths, ctx(), { only: picked, onProgress: (p) => progressPhases.add(p.phase) });
    assert.equal(view.cancelled, false);
    assert.deepEqual(view.files.map((f) => path.basename(f.path)), ['tool-usage.jsonl']);
    assert.deepEqual(totalsOf(view), { files: 1, inserted: 2, present: 0, rejected: 1, pending: 0 });
    assert.equal(ingestSummaryMessage(view), 'Telemetry: imported 2 rows from 1 file — 0 already present, 1 rejected.');
    assert.ok(progressPhases.size > 0, 'the engine reported progress');
    assert.deepEqual(await pendingSchemaSteps(ctx()), []);

    const again = await runIngest(paths, ctx(), { only: picked });
    assert.deepEqual(totalsOf(again), { files: 1, inserted: 0, present: 2, rejected: 1, pending: 0 });

    const after = await auditForPreview(paths, ctx());
    const byName = new Map(after.files.map((f) => [path.basename(f.path), f.newLines]));
    assert.equal(byName.get('tool-usage.jsonl'), 0);
    assert.equal(byName.get('routing-metrics.jsonl'), 1);

    const rejects = await loadRejects(dbPath);
    assert.equal(rejects.total, 1);
    assert.equal(rejectPickLabel(rejects.rows[0]), 'tool-usage.jsonl:3');
    assert.match(rejects.rows[0].reason, /^json/);

    const verify = await runVerify(picked, ctx());
    assert.equal(verify.ok, true, JSON.stringify(verify.findings));
  });

  test('a cancelled run reports cancelled and writes nothing', async () => {
    const before = fs.readFileSync(dbPath);
    const abort = new AbortController();
    abort.abort();
    const view = await runIngest([path.join(claude, 'routing-metrics.jsonl')], ctx(), { signal: abort.signal });
    assert.equal(view.cancelled, true);
    assert.deepEqual(fs.readFileSync(dbPath), before);
  });

  test('cancelling mid-run (at the first progress event) leaves the database byte-identical', async () => {
    const big = path.join(claude, 'routing-metrics.jsonl');
    const lines: string[] = [];
    for (let i = 0; i < 50_000; i++) lines.push(`{"ts":${1769423127 + i},"query_hash":"q${i}","complexity":0.5,"model":"haiku","dq":0.7}`);
    fs.appendFileSync(big, lines.join('\n') + '\n');
    const before = fs.readFileSync(dbPath);
    const abort = new AbortController();
    let events = 0;
    const view = await runIngest([big], ctx(), {
      signal: abort.signal,
      onProgress: () => {
        events++;
        abort.abort();
      },
    });
    assert.ok(events >= 1);
    assert.equal(view.cancelled, true);
    assert.deepEqual(fs.readFileSync(dbPath), before);
    const done = await runIngest([big], ctx());
    assert.equal(totalsOf(done).inserted, 50_001, 'a later run imports everything exactly once');
  });

  test('live-ingest plan: a chosen file follows its rotation', async () => {
    const file = path.join(claude, 'tool-usage.jsonl');
    const streams = await streamKeysOf([file]);
    assert.equal(streams.length, 1);
    fs.renameSync(file, `${file}.1`);
    fs.writeFileSync(file, '{"ts":1769423200,"tool":"Read"}\n');
    const plan = selectChosen(await discoverBeside([file]), { roots: [], files: [file], streams, savedAt: 0 });
    assert.deepEqual(plan.map((p) => path.basename(p)).sort(), ['tool-usage.jsonl', 'tool-usage.jsonl.1']);
    const view = await runIngest(plan, ctx());
    assert.equal(totalsOf(view).inserted, 1, 'only the new line after the rotation is inserted');
  });
});
