/**
 * The extension's ingest on a worker thread (src/core/ingest/ingestWorker.ts): the same result
 * as in-process on the engine of this pass, the calling thread's event loop stays free while
 * a big ingest runs, cancel goes through the signal and leaves a consistent database, and an
 * error arrives with its class and exit code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { defaultEngineChoice, resolveEngine } from '../../src/core/db/database';
import { CheckFailedError, describeError, UsageError } from '../../src/core/db/errors';
import { migrateSources, verifySources, type IngestProgress } from '../../src/core/ingest';
import { backupInWorker, healthInWorker, listRejectsInWorker, migrationStatusInWorker, migrationsDownInWorker, migrationsUpInWorker, previewRollbackInWorker, restoreInWorker, pendingSchemaStepsInWorker, runAuditInWorker, runIngestInWorker } from '../../src/core/ingest/ingestWorker';
import { checkDatabaseHealth } from '../../src/core/db/health';
import { MigrationFailedError } from '../../src/core/schema/errors';
import { migrateFileDown, migrateFileUp, previewRollback, readStatus } from '../../src/core/schema/fileOperations';
import { auditSources, listRejects } from '../../src/core/ingest';
import { pendingSchemaSteps } from '../../src/core/ingest/schemaStep';
import { openSnapshot } from '../../src/core/db/database';
import { loadNodeSqlite } from '../../src/core/db/nativeSqlite';
import { writeBigRoutingMetrics } from '../../src/sample';
import { lines, pyQuery, tempDir, write } from './helpers';
import { maxLagDuring } from '../eventLoopLag';

const DUMP = `SELECT timestamp, query_id, predicted_model, actual_model, dq_score, complexity, accuracy, cost_saved, latency_ms, reasoning,
  source_line, extra, row_hash FROM routing_metrics_events ORDER BY source_line`;
const engine = defaultEngineChoice();

function sameRows(actual: unknown[], expected: unknown[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: row count`);
  for (let i = 0; i < actual.length; i++) assert.deepEqual(actual[i], expected[i], `${what}: row ${i + 1}`);
}

describe(`ingest worker (engine ${resolveEngine(engine).name})`, () => {
  const dir = tempDir('ingestworker');

  test('migrate and verify through the worker give the in-process results', async () => {
    const logs = path.join(dir, 'same');
    fs.mkdirSync(logs);
    const file = path.join(logs, 'routing-metrics.jsonl');
    writeBigRoutingMetrics(file, 5_000, { seed: 5, now: Date.UTC(2026, 0, 28) });
    fs.appendFileSync(file, 'not json\n\n{"ts":17694');
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: 1769423127, tool: 'Bash', session: 's1', success: true }, { ts: 1769423128, tool: 'Edit', session: 's1' }, '{"ts":'));
    const here = path.join(dir, 'here.db');
    const there = path.join(dir, 'there.db');
    const opts = { tz: 'UTC', claudeCode: false as const };
    const a = await migrateSources(here, [logs], opts);
    const progress: IngestProgress[] = [];
    const b = await runIngestInWorker('migrate', there, [logs], opts, { engine, onProgress: (p) => progress.push(p) });
    assert.deepEqual(b.sources, a.sources);
    assert.deepEqual(b.tables, a.tables);
    assert.deepEqual(b.migrations, a.migrations);
    assert.equal(b.rejects.length, a.rejects.length);
    assert.deepEqual(
      b.sources.map((s) => [path.basename(s.path), s.lines, s.inserted, s.rejected, s.blank, s.pending]).sort(),
      [
        ['routing-metrics.jsonl', 5_003, 5_000, 1, 1, 1],
        ['tool-usage.jsonl', 3, 2, 1, 0, 0],
      ],
    );
    // progress crossed as messages, ending with done
    assert.ok(progress.some((p) => p.phase === 'write' || p.phase === 'read'), 'read/write progress arrived');
    assert.equal(progress[progress.length - 1].phase, 'done');
    sameRows(pyQuery(there, DUMP), pyQuery(here, DUMP), 'worker vs in-process');
    assert.deepEqual(pyQuery(there, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    // a second run inserts nothing, as in-process
    const again = await runIngestInWorker('migrate', there, [logs], opts, { engine });
    assert.deepEqual(again.sources.map((s) => s.inserted), [0, 0]);
    // verify: same reconciliation
    const va = await verifySources(here, [logs], { tz: 'UTC' });
    const vb = await runIngestInWorker('verify', there, [logs], { tz: 'UTC' }, { engine });
    assert.equal(vb.ok, true);
    assert.deepEqual(vb.sources.map((s) => ({ ...s, path: path.basename(s.path) })), va.sources.map((s) => ({ ...s, path: path.basename(s.path) })));
    // a row deleted behind the engine's back: both report it missing
    const py = `import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("DELETE FROM routing_metrics_events WHERE source_line = 7"); c.commit()`;
    for (const db of [here, there]) assert.equal(spawnSync('python3', ['-c', py, db]).status, 0);
    const ma = await verifySources(here, [logs], { tz: 'UTC' });
    const mb = await runIngestInWorker('verify', there, [logs], { tz: 'UTC' }, { engine });
    assert.equal(mb.ok, false);
    assert.deepEqual(mb.sources.map((s) => [s.missing, s.ok]), ma.sources.map((s) => [s.missing, s.ok]));
    assert.equal(mb.sources.find((s) => s.kind === 'routing-metrics')!.missing, 1);
  });

  const big = path.join(dir, 'big');
  fs.mkdirSync(big);
  const LINES = 150_000;
  writeBigRoutingMetrics(path.join(big, 'routing-metrics.jsonl'), LINES, { seed: 9, now: Date.UTC(2026, 0, 28) });

  test(`the calling thread stays responsive during a ${LINES}-line ingest in the worker (in-process side by side)`, async () => {
    const inProcess = await maxLagDuring(() => migrateSources(path.join(dir, 'lag-here.db'), [big], { tz: 'UTC', claudeCode: false }));
    const inWorker = await maxLagDuring(() => runIngestInWorker('migrate', path.join(dir, 'lag-worker.db'), [big], { tz: 'UTC', claudeCode: false }, { engine, onProgress: () => {} }));
    console.log(`[lag] engine ${resolveEngine(engine).name}, ${LINES} lines: max event-loop delay in-process ${inProcess.maxMs.toFixed(1)} ms, worker ${inWorker.maxMs.toFixed(1)} ms`);
    assert.equal(inWorker.result.sources[0].inserted, LINES);
    assert.deepEqual(inWorker.result.sources, inProcess.result.sources);
    // side by side: the same ingest blocks the caller's loop when run here, not when run in the worker
    assert.ok(inWorker.maxMs < inProcess.maxMs, `worker ${inWorker.maxMs} ms vs in-process ${inProcess.maxMs} ms`);
  });

  test('cancel through the signal stops the worker; the database stays consistent and a re-run is exact', async () => {
    const db = path.join(dir, 'cancel.db');
    const controller = new AbortController();
    let aborted = false;
    const run = runIngestInWorker('migrate', db, [big], { tz: 'UTC', claudeCode: false }, {
      engine,
      signal: controller.signal,
      onProgress: (p) => {
        if (!aborted && (p.phase === 'write' || (p.phase === 'read' && p.bytesDone > 0))) {
          aborted = true;
          controller.abort();
        }
      },
    });
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
    assert.ok(aborted);
    if (fs.existsSync(db)) {
      assert.deepEqual(pyQuery(db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
      const n = pyQuery<{ n: number }>(db, "SELECT count(*) AS n FROM sqlite_master WHERE name = 'routing_metrics_events'")[0].n;
      if (n) assert.ok(pyQuery<{ n: number }>(db, 'SELECT count(*) AS n FROM routing_metrics_events')[0].n < LINES, 'cancelled before the end');
    }
    const r = await runIngestInWorker('migrate', db, [big], { tz: 'UTC', claudeCode: false }, { engine });
    assert.equal(r.sources[0].inserted + r.sources[0].present, LINES);
    sameRows(pyQuery(db, DUMP), pyQuery(path.join(dir, 'lag-here.db'), DUMP), 'cancelled + re-run vs one run');
    assert.deepEqual(pyQuery(db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
  });

  test(`the Migrate preview's audit, schema steps, rejects and health read through the worker: in-process results (event-loop figures side by side)`, async () => {
    const db = path.join(dir, 'lag-here.db');
    const opts = { dbPath: db, tz: 'UTC', nowMs: Date.UTC(2026, 0, 28) };
    const inProcess = await maxLagDuring(() => auditSources([big, path.join(dir, 'same')], opts));
    const progress: IngestProgress[] = [];
    const inWorker = await maxLagDuring(() => runAuditInWorker([big, path.join(dir, 'same')], opts, { engine, onProgress: (p) => progress.push(p) }));
    console.log(`[lag] engine ${resolveEngine(engine).name}, audit of ${LINES} + 5,005 lines: max event-loop delay in-process ${inProcess.maxMs.toFixed(1)} ms, worker ${inWorker.maxMs.toFixed(1)} ms`);
    assert.deepEqual(inWorker.result, inProcess.result);
    const routing = inWorker.result.sources.find((s) => s.path === path.join(big, 'routing-metrics.jsonl'))!;
    assert.equal(routing.newLines, 0, 'everything in the big file is in lag-here.db');
    assert.ok(inWorker.result.sources.some((s) => s.newLines > 0), 'the other folder is new to it');
    assert.ok(progress.some((p) => p.phase === 'read'), 'read progress crossed');
    // figures only: in-process the audit's reads are streamed, so it blocks in chunks (100–400 ms
    // here), close enough to a loaded machine's noise that a comparison would be flaky
    // cancel: the preview's Cancel button, during a long read (the big file is imported: the
    // preview would read only its empty tail, so the full comparison is asked for)
    const controller = new AbortController();
    const cancelled = runAuditInWorker([big], { ...opts, fullCompare: true }, { engine, signal: controller.signal, onProgress: (p) => p.phase === 'read' && controller.abort() });
    await assert.rejects(cancelled, (e: Error) => e.name === 'AbortError');

    // schema steps: none pending on a migrated database, every step on a missing one
    const missing = path.join(dir, 'not-yet.db');
    assert.deepEqual(await pendingSchemaStepsInWorker(db, undefined, engine), await pendingSchemaSteps(db, undefined));
    assert.deepEqual(await pendingSchemaStepsInWorker(db, undefined, engine), []);
    const all = await pendingSchemaStepsInWorker(missing, undefined, engine);
    assert.ok(all.length >= 5 && all[0].startsWith('V1__'), all.join(', '));
    assert.deepEqual(all, await pendingSchemaSteps(missing, undefined));
    assert.equal(fs.existsSync(missing), false, 'reading the steps creates no database');

    // rejects: the same page as listRejects here (there.db holds 'not json' and the cut-off tool line)
    const there = path.join(dir, 'there.db');
    const snapshot = await openSnapshot(there);
    try {
      const page = await listRejectsInWorker(there, 1, engine);
      assert.deepEqual(page, listRejects(snapshot, { limit: 1 }));
      assert.equal(page.rows.length, 1);
      assert.ok(page.total >= 1);
    } finally {
      snapshot.close();
    }
    assert.deepEqual(await listRejectsInWorker(missing, 10, engine), { rows: [], total: 0 });

    // Check Database Health: the same report as here (integrity_check, every table's rows)
    const health = await healthInWorker(there, engine);
    assert.deepEqual(health, await checkDatabaseHealth(there, { engine }));
    assert.equal(health.integrityOk, true);
    assert.ok(health.tables.some((t) => t.name === 'tool_events' && t.rows > 0), JSON.stringify(health.tables));
  });

  test('errors arrive with their class and exit code', async () => {
    const missing = path.join(dir, 'nothing-here.db');
    const e1 = await runIngestInWorker('verify', missing, [big], { tz: 'UTC' }, { engine }).then(() => null, (e: unknown) => e);
    assert.ok(e1 instanceof CheckFailedError, `got ${String(e1)}`);
    assert.equal(describeError(e1).exitCode, 1);
    assert.match((e1 as Error).message, /no database at .*nothing-here\.db/);
    // the engine choice reaches the worker: native where node:sqlite cannot load is a usage error (exit 2)
    const nativeRun = runIngestInWorker('migrate', path.join(dir, 'engine.db'), [path.join(dir, 'same')], { tz: 'UTC', claudeCode: false }, { engine: 'native' });
    if (loadNodeSqlite().module) assert.equal((await nativeRun).sources.length, 2);
    else {
      const e2 = await nativeRun.then(() => null, (e: unknown) => e);
      assert.ok(e2 instanceof UsageError, `got ${String(e2)}`);
      assert.equal(describeError(e2).exitCode, 2);
    }
    // an unforeseen error keeps its name and message (and errno code)
    const e3 = await runIngestInWorker('migrate', path.join(dir, 'x.db'), [big], { tz: 'Mars/Olympus' }, { engine }).then(() => null, (e: unknown) => e);
    assert.ok(e3 instanceof Error);
    assert.equal((e3 as Error).name, 'RangeError');
    assert.match((e3 as Error).message, /unknown time zone 'Mars\/Olympus'/);
  });

  test('Migration Status, Run Migrations, Roll Back, Back Up and Restore through the worker: the in-process results; a failed script keeps its place', async () => {
    const mig = path.join(dir, 'user-migrations');
    fs.mkdirSync(mig, { recursive: true });
    fs.writeFileSync(path.join(mig, 'V100__notes.sql'), 'CREATE TABLE notes (x TEXT);\n');
    fs.writeFileSync(path.join(mig, 'U100__notes.sql'), 'DROP TABLE notes;\n');
    const [here, there] = [path.join(dir, 'mig-here.db'), path.join(dir, 'mig-there.db')];
    const up = await migrationsUpInWorker(there, { userDir: mig, tz: 'UTC', tool: 'test' }, engine);
    assert.deepEqual(up, await migrateFileUp(here, { userDir: mig, tz: 'UTC', write: { tool: 'test' } }));
    assert.ok(up.applied.includes('V100__notes'), up.applied.join(', '));
    assert.deepEqual(pyQuery(there, `SELECT count(*) AS n FROM sqlite_master WHERE name = 'notes'`), [{ n: 1 }]);
    assert.deepEqual(await migrationStatusInWorker(there, mig, engine), await readStatus(there, { userDir: mig }));
    assert.deepEqual(await previewRollbackInWorker(there, mig, engine), await previewRollback(there, { userDir: mig }));
    const down = await migrationsDownInWorker(there, { userDir: mig, tool: 'test' }, engine);
    assert.deepEqual(down, await migrateFileDown(here, { userDir: mig, force: true, write: { tool: 'test' } }));
    assert.deepEqual(pyQuery(there, `SELECT count(*) AS n FROM sqlite_master WHERE name = 'notes'`), [{ n: 0 }]);

    // a failing user script: the same MigrationFailedError, with the file and line to open
    fs.writeFileSync(path.join(mig, 'V101__broken.sql'), 'CREATE TABLE ok1 (x);\nCREATE TABLEE broken (x);\n');
    const failed = await migrationsUpInWorker(there, { userDir: mig, tool: 'test' }, engine).then(() => null, (e: unknown) => e);
    assert.ok(failed instanceof MigrationFailedError, `got ${String(failed)}`);
    assert.equal(failed.failure.location, path.join(mig, 'V101__broken.sql'));
    assert.equal(failed.failure.line, 2);
    assert.equal(describeError(failed).exitCode, 1);
    fs.rmSync(path.join(mig, 'V101__broken.sql'));

    // back up, change, restore: the rows come back
    const backup = await backupInWorker(there, engine);
    assert.ok(fs.existsSync(backup.path));
    const before = pyQuery(there, 'SELECT count(*) AS n FROM schema_migrations');
    await migrationsUpInWorker(there, { userDir: mig, tool: 'test' }, engine);
    assert.notDeepEqual(pyQuery(there, 'SELECT count(*) AS n FROM schema_migrations'), before);
    const restored = await restoreInWorker(there, backup.path, 'test', engine);
    assert.equal(restored.restoredFrom, backup.path);
    assert.deepEqual(pyQuery(there, 'SELECT count(*) AS n FROM schema_migrations'), before);
  });
});
