/**
 * The parse worker (big reads) gives exactly the rows, rejects and ledger of the in-thread
 * reader, including the fallback to a full re-read and cancellation mid-file.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { SqlValue } from '../../src/core/db/database';
import { openSnapshot, resolveEngine } from '../../src/core/db/database';
import { migrateSources } from '../../src/core/ingest';
import { buildMapper, readRowsHere, type MapperSpec, type RowSink, type WorkerSummary } from '../../src/core/ingest/lineRows';
import { readRowsInWorkers, splitJob } from '../../src/core/ingest/parseWorkers';
import { RunRollupDeltas, type TableRollupDeltas } from '../../src/core/rollups/deltas';
import { listEventTables } from '../../src/core/rollups/refresh';
import { writeBigRoutingMetrics } from '../../src/sample';
import { pyQuery, tempDir } from './helpers';

const DUMP = `SELECT timestamp, query_id, predicted_model, actual_model, dq_score, complexity, accuracy, cost_saved, latency_ms, reasoning,
  source_line, extra, row_hash FROM routing_metrics_events ORDER BY source_line`;
// which of two identical records gets occurrence 1 may depend on arrival order; the counts may not
const IDENTITY = 'SELECT row_hash, count(*) AS n, max(row_seq) AS top FROM routing_metrics_events GROUP BY row_hash ORDER BY row_hash';

/** deepEqual on big row lists, reporting only the first difference. */
function sameRows(actual: unknown[], expected: unknown[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: row count`);
  for (let i = 0; i < actual.length; i++) assert.deepEqual(actual[i], expected[i], `${what}: row ${i + 1}`);
}

describe('parse worker', () => {
  const dir = tempDir('worker');
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs);
  const file = path.join(logs, 'routing-metrics.jsonl');
  writeBigRoutingMetrics(file, 20_000, { seed: 3, now: Date.UTC(2026, 0, 28) });
  fs.appendFileSync(file, 'not json\n[1]\n\n' + fs.readFileSync(file, 'utf8').split('\n')[5] + '\n{"ts":17694');
  const inline = path.join(dir, 'inline.db');
  const worker = path.join(dir, 'worker.db');

  test('same rows, rejects and reconciliation as the in-thread reader', async () => {
    const a = await migrateSources(inline, [logs], { tz: 'UTC', workerMinBytes: Number.MAX_SAFE_INTEGER });
    // the worker run also takes the index bulk-load path (indexes dropped, rebuilt after)
    const b = await migrateSources(worker, [logs], { tz: 'UTC', workerMinBytes: 0, bulkLoadMinBytes: 0 });
    assert.deepEqual(b.sources, a.sources);
    assert.deepEqual(a.sources[0], { path: file, kind: 'routing-metrics', table: 'routing_metrics_events', lines: 20_005, inserted: 20_001, present: 0, rejected: 2, blank: 1, pending: 1 });
    sameRows(pyQuery(worker, DUMP), pyQuery(inline, DUMP), 'worker vs inline');
    sameRows(pyQuery(worker, IDENTITY), pyQuery(inline, IDENTITY), 'identity');
    assert.deepEqual(pyQuery(worker, 'SELECT line, reason FROM ingest_rejects ORDER BY line'), pyQuery(inline, 'SELECT line, reason FROM ingest_rejects ORDER BY line'));
    assert.deepEqual(pyQuery(worker, 'SELECT byte_offset, line_count FROM ingest_sources'), pyQuery(inline, 'SELECT byte_offset, line_count FROM ingest_sources'));
    const indexes = `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'routing_metrics_events' ORDER BY name`;
    assert.deepEqual(pyQuery(worker, indexes), pyQuery(inline, indexes));
    assert.equal(pyQuery(worker, indexes).length, 4); // timestamp, accuracy, identity, untagged (V6)
    assert.deepEqual(pyQuery(worker, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
  });

  test('a read split over three workers gives the same result', async () => {
    const split = path.join(dir, 'split.db');
    const c = await migrateSources(split, [logs], { tz: 'UTC', workerMinBytes: 0, splitMinBytes: 0, parseWorkers: 3 });
    const a = await migrateSources(inline, [logs], { tz: 'UTC', workerMinBytes: Number.MAX_SAFE_INTEGER, rescan: true });
    assert.deepEqual(c.sources.map((s) => ({ ...s, inserted: s.inserted + s.present, present: 0 })), a.sources.map((s) => ({ ...s, inserted: s.inserted + s.present, present: 0 })));
    sameRows(pyQuery(split, DUMP), pyQuery(inline, DUMP), 'split vs inline');
    sameRows(pyQuery(split, IDENTITY), pyQuery(inline, IDENTITY), 'identity');
    assert.deepEqual(pyQuery(split, 'SELECT line, reason FROM ingest_rejects ORDER BY line'), pyQuery(inline, 'SELECT line, reason FROM ingest_rejects ORDER BY line'));
    assert.deepEqual(pyQuery(split, 'SELECT byte_offset, line_count, ends_mid_line FROM ingest_sources'), pyQuery(inline, 'SELECT byte_offset, line_count, ends_mid_line FROM ingest_sources'));
  });

  test('an appended genuine duplicate triggers the full re-read on the worker too', async () => {
    fs.appendFileSync(file, '0}\n' + fs.readFileSync(file, 'utf8').split('\n')[7] + '\n');
    const r = await migrateSources(worker, [logs], { tz: 'UTC', workerMinBytes: 0 });
    // the completed pending line is new; the copy of line 8 is a second genuine occurrence
    assert.deepEqual([r.sources[0].inserted, r.sources[0].pending], [2, 0]);
    assert.equal(pyQuery<{ n: number }>(worker, 'SELECT count(*) AS n FROM routing_metrics_events')[0].n, 20_003);
  });

  test('cancel while the worker reads: nothing written', async () => {
    const db = path.join(dir, 'cancel.db');
    const controller = new AbortController();
    const run = migrateSources(db, [logs], {
      tz: 'UTC',
      workerMinBytes: 0,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'read') controller.abort();
      },
    });
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
    if (resolveEngine().name === 'wasm') assert.equal(fs.existsSync(db), false);
    else {
      // native writes in place and commits whole chunks: a re-run imports every line exactly once
      const r = await migrateSources(db, [logs], { tz: 'UTC' });
      const snap = await openSnapshot(db);
      try {
        for (const src of r.sources) {
          assert.equal(src.inserted + src.present + src.rejected + src.blank + src.pending, src.lines, src.path);
          const rows = Number(snap.exec(`SELECT count(*) FROM "${src.table}" WHERE source_id IN (SELECT id FROM ingest_sources WHERE path = ?)`, [src.path])[0].values[0][0]);
          assert.equal(rows, src.inserted + src.present, `${src.path}: each line once`);
        }
      } finally {
        snap.close();
      }
    }
  });

  test('workers sum rollup deltas and time range exactly as this thread does over the same rows', async () => {
    const db = await openSnapshot(worker);
    try {
      const spec: MapperSpec = { kind: 'routing-metrics', table: 'routing_metrics_events', tz: 'UTC', adoptedColumns: null, inferredColumns: null };
      const mapper = buildMapper(spec);
      const table = listEventTables(db).find((t) => t.name === mapper.table)!;
      const run = new RunRollupDeltas(db);
      const timeAt = mapper.columns.indexOf(mapper.timeColumn!);
      const noop = () => {};
      // reference: every row fed on this thread
      const here = run.begin(table, mapper.columns);
      let lo = Infinity;
      let hi = -Infinity;
      const job = { path: file, startOffset: 0, startLine: 0 };
      await readRowsHere(job, mapper, {
        row: (_l, vals: SqlValue[], at) => {
          here.add(vals, at);
          lo = Math.min(lo, vals[at + timeAt] as number);
          hi = Math.max(hi, vals[at + timeAt] as number);
        },
        reject: noop,
        blank: noop,
        pending: noop,
      });
      // three workers, each summing its part; their batches are only counted here
      const summed = run.begin(table, mapper.columns);
      const summaries: WorkerSummary[] = [];
      let rows = 0;
      const sink: RowSink = { row: () => assert.fail('rows come as batches'), rows: (b) => void (rows += b.rows), summary: (s) => void summaries.push(s), reject: noop, blank: noop, pending: noop };
      const jobs = await splitJob(job, fs.statSync(file).size, 3);
      assert.equal(jobs.length, 3);
      await readRowsInWorkers(jobs, spec, mapper.columns.length + 1, sink, undefined, undefined, { timeAt, rollup: run.setup(table, mapper.columns) });
      assert.equal(summaries.length, 3);
      for (const s of summaries) summed.absorb(s.deltas!);
      assert.equal(rows, here.rows);
      assert.deepEqual([Math.min(...summaries.map((s) => s.time![0])), Math.max(...summaries.map((s) => s.time![1]))], [lo, hi]);
      assert.equal(summed.valid && here.valid, true);
      assert.deepEqual([summed.rows, summed.minTs, summed.maxTs], [here.rows, here.minTs, here.maxTs]);
      assert.deepEqual(bucketsOf(summed), bucketsOf(here));
    } finally {
      db.close();
    }
  });
});

/** Every spec's buckets, sorted, sums rounded to 1e-9 (the order of float additions differs). */
function bucketsOf(d: TableRollupDeltas): string[][] {
  return d.specs.map((s) =>
    [...s.entries()].map((e) => JSON.stringify([e.bucket, e.dims, e.measures.map((m) => (m === null ? null : Math.round(m * 1e9) / 1e9))])).sort(),
  );
}
