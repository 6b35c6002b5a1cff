import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { migrateSources } from '../../src/core/ingest';
import { migrateFileUp } from '../../src/core/schema/fileOperations';
import { tempDir } from './helpers';
import { buildSeedFixture, pythonQuery } from './seedFixture';

const TABLES = ['routing_metrics_events', 'self_heal_events', 'skill_invocation'];

function counts(dbPath: string): Record<string, number> {
  return Object.fromEntries(TABLES.map((t) => [t, Number(pythonQuery(dbPath, `SELECT count(*) FROM ${t}`)[0][0])]));
}

describe('baseline, then backfilling the JSONL the adopted rows came from', () => {
  test('migrations up, then migrate: 0 rows inserted, every line already present, adopted rows claimed', async () => {
    const fx = buildSeedFixture(tempDir('backfill'));
    await migrateFileUp(fx.dbPath, { tz: 'UTC' });
    assert.deepEqual(counts(fx.dbPath), fx.counts);

    const result = await migrateSources(fx.dbPath, [fx.logs], { tz: 'UTC' });
    for (const s of result.sources) {
      assert.equal(s.inserted, 0, `${s.table}: nothing inserted twice`);
      assert.equal(s.present, s.lines, `${s.table}: every line recognised as already there`);
    }
    assert.deepEqual(counts(fx.dbPath), fx.counts, '1,000 rows, no duplicates');
    assert.deepEqual(pythonQuery(fx.dbPath, 'PRAGMA integrity_check'), [['ok']]);
    for (const t of TABLES) assert.deepEqual(pythonQuery(fx.dbPath, `SELECT count(*) FROM ${t} WHERE stream_id = 0`), [[0]], `${t}: adopted rows claimed by their stream`);
    // a second run is a no-op too
    const again = await migrateSources(fx.dbPath, [fx.logs], { tz: 'UTC' });
    assert.equal(again.sources.reduce((n, s) => n + s.inserted, 0), 0);
    assert.deepEqual(counts(fx.dbPath), fx.counts);
  });

  test('migrate straight onto the script-made database (baseline inside the same write): 0 duplicates', async () => {
    const fx = buildSeedFixture(tempDir('backfill-direct'));
    const result = await migrateSources(fx.dbPath, [fx.logs], { tz: 'UTC' });
    assert.equal(result.migrations.applied[0], 'V1__telemetry_core');
    assert.equal(result.sources.reduce((n, s) => n + s.inserted, 0), 0);
    assert.deepEqual(counts(fx.dbPath), fx.counts);
  });
});

describe('baseline of booleans a script stored as text', () => {
  test("accuracy stored as 'true'/'FALSE' text is adopted as 1/0, so the JSONL lines it came from are claimed, not duplicated", async () => {
    const dir = tempDir('backfill-bool-text');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs, { recursive: true });
    const lines = [
      { ts: 1769423127, query: 'a', predicted_model: 'haiku', actual_model: 'sonnet', correct: 'true', latency_ms: 10 },
      { ts: 1769423130, query: 'b', predicted_model: 'haiku', actual_model: 'haiku', correct: 'FALSE', latency_ms: 11 },
      { ts: 1769423135, query: 'c', predicted_model: 'opus', actual_model: 'opus', correct: true, latency_ms: 12 },
    ];
    fs.writeFileSync(path.join(logs, 'routing-metrics.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const dbPath = path.join(dir, 'claude.db');
    // a hook that passed the JSON value through: text stays text in an INTEGER column (SQLite affinity)
    execFileSync('python3', [
      '-c',
      `import json,sqlite3,sys
db=sqlite3.connect(sys.argv[1])
db.execute("CREATE TABLE routing_metrics_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, query_id TEXT, predicted_model TEXT, actual_model TEXT, dq_score REAL, complexity REAL, accuracy INTEGER, cost_saved REAL, reasoning TEXT)")
for line in open(sys.argv[2]):
    r=json.loads(line)
    db.execute("INSERT INTO routing_metrics_events (timestamp, predicted_model, actual_model, accuracy) VALUES (?,?,?,?)", (r["ts"], r["predicted_model"], r["actual_model"], r["correct"]))
db.commit()`,
      dbPath,
      path.join(logs, 'routing-metrics.jsonl'),
    ]);
    assert.deepEqual(pythonQuery(dbPath, 'SELECT typeof(accuracy), accuracy FROM routing_metrics_events ORDER BY id'), [
      ['text', 'true'],
      ['text', 'FALSE'],
      ['integer', 1],
    ]);
    const result = await migrateSources(dbPath, [logs], { tz: 'UTC' });
    const src = result.sources[0];
    const rows = pythonQuery(dbPath, 'SELECT id, accuracy, json_extract(extra, \'$.accuracy_as_stored\'), stream_id != 0 FROM routing_metrics_events WHERE id <= 3 ORDER BY id');
    assert.deepEqual(rows, [
      [1, 1, 'true', 1],
      [2, 0, 'FALSE', 1],
      [3, 1, null, 1],
    ], 'text booleans became 1/0 (stored form in extra) and the lines claimed them');
    assert.equal(src.inserted, 0, 'nothing inserted twice');
    assert.equal(src.present, 3, 'the three lines were recognised as already there');
    assert.deepEqual(pythonQuery(dbPath, 'SELECT count(*) FROM routing_metrics_events'), [[3]]);
  });
});
