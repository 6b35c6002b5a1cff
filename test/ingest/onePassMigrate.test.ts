/**
 * Migrate JSONL in one pass (issue 10): the preview (previewSources) reads only what is new for
 * files the ledger proves append-only and reports exactly what the full comparison reports; its
 * plan is what the import consumes (no second discovery), re-checked per file at the import.
 * Real engine (wasm or native by TL_ENGINE), real files, python3 sqlite3 as the independent reader.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { auditSources, migrateSources, previewSources, type AuditReport, type IngestProgress } from '../../src/core/ingest';
import { lines, pyCount, tempDir, write } from './helpers';

const T0 = 1769423127;
const routing = (i: number, tag = 'a') => ({ ts: T0 + i, query_hash: `q${tag}${i}`, complexity: 0.4, model: i % 3 ? 'sonnet' : 'haiku', dq: 0.8 });
const routingLines = (from: number, to: number, tag = 'a') => Array.from({ length: to - from }, (_, k) => JSON.stringify(routing(from + k, tag)) + '\n').join('');

/** The full comparison (as main's audit does it) next to the preview's, on the same files. */
async function bothWays(paths: string[], db: string): Promise<{ fast: AuditReport; full: AuditReport; fastBytes: number }> {
  const events: IngestProgress[] = [];
  const fast = (await previewSources(paths, { dbPath: db, tz: 'UTC', nowMs: T0 * 1000, onProgress: (p) => events.push({ ...p }) })).report;
  const full = await auditSources(paths, { dbPath: db, tz: 'UTC', nowMs: T0 * 1000, fullCompare: true });
  const done = events.at(-1)!;
  assert.equal(done.phase, 'done');
  return { fast, full, fastBytes: done.bytesDone };
}

/**
 * Counts folder listings under `root` while `work` runs: discovery (discover.ts) lists folders with
 * fs.promises.readdir; the check of a planned file is a stat, no listing. (Claude Code's transcript
 * walk lists with readdirSync: off here, claudeCode: false.)
 */
async function listingsUnder<T>(root: string, work: () => Promise<T>): Promise<{ result: T; listings: number }> {
  const real = fs.realpathSync(root);
  let listings = 0;
  const count = (p: unknown) => {
    const s = String(p);
    if (s.startsWith(root) || s.startsWith(real)) listings++;
  };
  const origAsync = fs.promises.readdir;
  (fs.promises as { readdir: unknown }).readdir = (p: fs.PathLike, ...rest: unknown[]) => {
    count(p);
    return (origAsync as (...a: unknown[]) => unknown)(p, ...rest);
  };
  try {
    return { result: await work(), listings };
  } finally {
    (fs.promises as { readdir: unknown }).readdir = origAsync;
  }
}

describe('Migrate JSONL in one pass', () => {
  test('preview of an imported 100k-line file + 1k appended lines reads only the tail, and reports what the full comparison reports', async () => {
    const dir = tempDir('onepass-tail');
    const file = path.join(dir, 'routing-metrics.jsonl');
    // two rejects and a blank line in the imported part: their counts and samples come from the ledger and ingest_rejects
    write(file, routingLines(0, 50_000) + '{"ts": broken\n' + '\n' + '[1,2]\n' + routingLines(50_000, 100_000));
    const db = path.join(dir, 't.db');
    await migrateSources(db, [dir], { tz: 'UTC', claudeCode: false });
    const imported = fs.statSync(file).size;
    fs.appendFileSync(file, routingLines(100_000, 101_000) + '{"ts": also broken\n');
    const tail = fs.statSync(file).size - imported;

    const { fast, full, fastBytes } = await bothWays([dir], db);
    assert.deepEqual(fast, full);
    assert.equal(fastBytes, tail, `the preview read ${fastBytes} bytes, the tail is ${tail}`);
    const s = fast.sources[0];
    assert.equal(s.newLines, 1000);
    assert.equal(s.lines, 101_004);
    assert.equal(s.rejected, 3);
    assert.equal(s.blank, 1);
    assert.equal(s.firstEventTs, T0);
    assert.equal(s.lastEventTs, T0 + 100_999);
    assert.deepEqual(s.sampleRejects.map((r) => r.line), [50_001, 50_003, 101_004]);
    // the tail on two parse workers (as a tail of 16 MiB or more is read) gives the same
    const onWorkers = await previewSources([dir], { dbPath: db, tz: 'UTC', nowMs: T0 * 1000, workerMinBytes: 1, splitMinBytes: 1, parseWorkers: 2 });
    assert.deepEqual(onWorkers.report, full);

    // the import of the plan inserts exactly those (python3 reads the result)
    const { plan } = await previewSources([dir], { dbPath: db, tz: 'UTC' });
    const r = await migrateSources(db, [], { tz: 'UTC', claudeCode: false, plan });
    assert.equal(r.sources[0].inserted, 1000);
    assert.equal(pyCount(db, 'routing_metrics_events'), 101_000);
  });

  test('a tail line duplicating an earlier line, a rotated file, rewritten files: the preview equals the full comparison', async () => {
    const dir = tempDir('onepass-cases');
    const db = path.join(dir, 't.db');
    const dup = write(path.join(dir, 'dup', 'routing-metrics.jsonl'), routingLines(0, 2000));
    const rot = write(path.join(dir, 'rot', 'routing-metrics.jsonl'), routingLines(0, 2000, 'r'));
    const moved = write(path.join(dir, 'renamed', 'routing-metrics.jsonl'), routingLines(0, 2000, 'm'));
    const inPlace = write(path.join(dir, 'inplace', 'routing-metrics.jsonl'), routingLines(0, 2000, 'p'));
    const inferred = write(path.join(dir, 'inf', 'hook-events.jsonl'), lines(...Array.from({ length: 500 }, (_, i) => ({ ts: T0 + i, hook: `h${i}` }))));
    await migrateSources(db, [dir], { tz: 'UTC', claudeCode: false });

    // a tail line that repeats line 10 (its content is in the stream: the full comparison decides)
    fs.appendFileSync(dup, JSON.stringify(routing(10)) + '\n' + routingLines(2000, 2100));
    // rotated: the imported file renamed with 50 more lines, a new file at the name
    fs.appendFileSync(rot, routingLines(2000, 2050, 'r'));
    fs.renameSync(rot, rot + '.1');
    write(rot, routingLines(2050, 2300, 'r'));
    // rewritten by rename: same lines plus new ones (new inode at the path)
    const tmp = moved + '.tmp';
    fs.writeFileSync(tmp, routingLines(0, 2000, 'm') + routingLines(2000, 2040, 'm'));
    fs.renameSync(tmp, moved);
    // rewritten in place (same inode): another content
    fs.writeFileSync(inPlace, routingLines(500, 2600, 'p'));
    // an inferred stream with an appended tail (its keys are learnt from the tail, as the import does)
    fs.appendFileSync(inferred, lines({ ts: T0 + 900, hook: 'late', extra_key: 1 }));

    const { fast, full, fastBytes } = await bothWays([dir], db);
    assert.deepEqual(fast, full);
    const byPath = new Map(fast.sources.map((s) => [s.path, s]));
    assert.equal(byPath.get(dup)!.newLines, 101, 'the repeated line is a second occurrence: new (the stream went to the full comparison)');
    assert.equal(byPath.get(rot + '.1')!.newLines, 50);
    assert.equal(byPath.get(rot)!.newLines, 250);
    assert.equal(byPath.get(moved)!.newLines, 40);
    assert.equal(byPath.get(inPlace)!.newLines, 600);
    assert.equal(byPath.get(inferred)!.newLines, 1);
    const totalSize = fast.sources.reduce((n, s) => n + s.size * (s.kind === 'inferred' ? 2 : 1), 0);
    assert.ok(fastBytes < totalSize, 'the rotated and inferred files were read from their offsets');

    // and the import of the plan inserts what the preview said
    const { plan, report } = await previewSources([dir], { dbPath: db, tz: 'UTC' });
    const r = await migrateSources(db, [], { tz: 'UTC', claudeCode: false, plan });
    const inserted = new Map(r.sources.map((s) => [s.path, s.inserted]));
    for (const s of report.sources) assert.equal(inserted.get(s.path), s.newLines, s.path);
    const after = await auditSources([dir], { dbPath: db, tz: 'UTC', fullCompare: true });
    assert.deepEqual(after.sources.map((s) => s.newLines), after.sources.map(() => 0));
  });

  test('lines appended between preview and import are imported; nothing twice', async () => {
    const dir = tempDir('onepass-append');
    const db = path.join(dir, 't.db');
    const file = write(path.join(dir, 'routing-metrics.jsonl'), routingLines(0, 3000));
    await migrateSources(db, [dir], { tz: 'UTC', claudeCode: false });
    fs.appendFileSync(file, routingLines(3000, 3100));
    const { report, plan } = await previewSources([dir], { dbPath: db, tz: 'UTC' });
    assert.equal(report.sources[0].newLines, 100);
    fs.appendFileSync(file, routingLines(3100, 3400) + '{"ts":' + String(T0 + 3400)); // and a line still being written
    const r = await migrateSources(db, [], { tz: 'UTC', claudeCode: false, plan, only: [file] });
    assert.equal(r.sources[0].inserted, 400);
    assert.equal(r.sources[0].pending, 1);
    assert.equal(pyCount(db, 'routing_metrics_events'), 3400);
    assert.equal(pyCount(db, 'routing_metrics_events', `timestamp = ${T0 + 3399}`), 1);
  });

  test('a picked file deleted between preview and import is reported, the others imported; a rotated one is followed; unpicked files stay out', async () => {
    const dir = tempDir('onepass-gone');
    const db = path.join(dir, 't.db');
    const keep = write(path.join(dir, 'a', 'routing-metrics.jsonl'), routingLines(0, 100));
    const gone = write(path.join(dir, 'b', 'routing-metrics.jsonl'), routingLines(0, 100, 'b'));
    const rotated = write(path.join(dir, 'c', 'routing-metrics.jsonl'), routingLines(0, 100, 'c'));
    const notPicked = write(path.join(dir, 'd', 'tool-usage.jsonl'), lines({ ts: T0, tool: 'Bash', session: 's' }));
    const { plan } = await previewSources([dir], { dbPath: db, tz: 'UTC' });
    fs.rmSync(gone);
    fs.renameSync(rotated, rotated + '.1'); // rotated after the preview: 20 more lines in it, a new file at the name
    fs.appendFileSync(rotated + '.1', routingLines(100, 120, 'c'));
    write(rotated, routingLines(120, 130, 'c'));
    write(path.join(dir, 'e', 'routing-metrics.jsonl'), routingLines(0, 5, 'e')); // new since the preview: not picked
    const r = await migrateSources(db, [], { tz: 'UTC', claudeCode: false, plan, only: [keep, gone, rotated] });
    assert.deepEqual(r.sources.map((s) => [path.relative(dir, s.path), s.inserted]), [
      ['a/routing-metrics.jsonl', 100],
      ['c/routing-metrics.jsonl.1', 120],
      ['c/routing-metrics.jsonl', 10],
    ]);
    const issue = r.issues.find((i) => i.path === gone);
    assert.ok(issue && issue.problem === 'not-found' && issue.message.includes('gone since the preview'), JSON.stringify(r.issues));
    assert.equal(pyCount(db, 'routing_metrics_events'), 230);
    assert.equal(pyCount(db, 'ingest_sources', `path = '${notPicked}'`), 0, `${notPicked} was not picked`);
    assert.equal(pyCount(db, 'ingest_sources', `path LIKE '%/e/%'`), 0, 'a file new since the preview was not picked');
  });

  test('discovery runs once per Migrate: the import of a plan lists no folder (main: audit and migrate each walk the tree)', async () => {
    const dir = tempDir('onepass-once');
    const db = path.join(dir, 't.db');
    for (const sub of ['x', 'y/z', 'w']) write(path.join(dir, sub, 'routing-metrics.jsonl'), routingLines(0, 50, sub));
    const preview = await listingsUnder(dir, () => previewSources([dir], { dbPath: db, tz: 'UTC' }));
    assert.ok(preview.listings >= 4, `the preview walks the folders (${preview.listings} listings)`);
    const picked = preview.result.plan.sources.map((s) => s.path);
    const imported = await listingsUnder(dir, () => migrateSources(db, [], { tz: 'UTC', claudeCode: false, plan: preview.result.plan, only: picked }));
    assert.equal(imported.listings, 0);
    assert.equal(imported.result.sources.reduce((n, s) => n + s.inserted, 0), 150);
    // the old way for comparison: a migrate of the paths walks the tree again
    const again = await listingsUnder(dir, () => migrateSources(db, [dir], { tz: 'UTC', claudeCode: false, only: picked }));
    assert.equal(again.listings, preview.listings);
    // the plan's schema steps came from the preview's snapshot (a new database: every migration)
    assert.ok(preview.result.plan.schemaSteps.length >= 6, preview.result.plan.schemaSteps.join(', '));
    const { plan } = await previewSources([dir], { dbPath: db, tz: 'UTC' });
    assert.deepEqual(plan.schemaSteps, []);
  });
});
