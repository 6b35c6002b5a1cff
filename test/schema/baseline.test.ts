import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { describe, test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { KNOWN_SOURCES, mapKnownRecord } from '../../src/core/formats/catalogue';
import { rowContentHash } from '../../src/core/formats/rowIdentity';
import { migrationStatus } from '../../src/core/schema';
import { migrateFileDown, migrateFileUp, readStatus } from '../../src/core/schema/fileOperations';
import { rows, scalar, tempDir } from './helpers';
import { buildSeedFixture, pythonQuery } from './seedFixture';

const ADOPTED = ['routing_metrics_events', 'self_heal_events', 'skill_invocation'];
/** column order of the seed DDL in seedFixture.ts (SELECT * order of the old tables) */
const seedColumns: Record<string, string[]> = {
  routing_metrics_events: ['id', 'timestamp', 'query_id', 'predicted_model', 'actual_model', 'dq_score', 'complexity', 'accuracy', 'cost_saved', 'reasoning'],
  self_heal_events: ['id', 'timestamp', 'error_pattern', 'fix_applied', 'success', 'execution_time_ms', 'error_message', 'context'],
  skill_invocation: ['id', 'skill_name', 'invoked_at', 'workflow_path', 'completed', 'duration_seconds', 'error_type', 'session_id', 'follow_up_actions', 'schema_version'],
};

describe('baseline: adopting a database built by scripts with the plain seed DDL', () => {
  test('1,000 rows survive, new columns appear, integrity ok, identity matches the JSONL they came from', async () => {
    const fx = buildSeedFixture(tempDir('baseline'));
    const before = Object.fromEntries(ADOPTED.map((t) => [t, pythonQuery(fx.dbPath, `SELECT * FROM ${t} ORDER BY id`)]));
    assert.equal(ADOPTED.reduce((n, t) => n + before[t].length, 0), 1000);

    const status = await readStatus(fx.dbPath);
    assert.deepEqual(status.baselineNeeded.sort(), [...ADOPTED, 'skill_metrics'].sort());
    assert.equal(status.managed, false);

    const up = await migrateFileUp(fx.dbPath, { tz: 'UTC' });
    assert.ok(up.baseline);
    assert.equal(up.applied[0], 'V1__telemetry_core');
    assert.deepEqual(up.baseline.keptAs.map((k) => [k.from, k.to, k.rows]), [['schema_migrations', 'schema_migrations_pre_baseline', 1], ['skill_metrics', 'skill_metrics_pre_baseline', 3]]);

    // an independent reader (python's sqlite3) sees a sound database with every row
    assert.deepEqual(pythonQuery(fx.dbPath, 'PRAGMA integrity_check'), [['ok']]);
    for (const t of ADOPTED) assert.deepEqual(pythonQuery(fx.dbPath, `SELECT count(*) FROM ${t}`), [[fx.counts[t]]], t);

    const db = await openSnapshot(fx.dbPath);
    try {
      // the new columns are there and every adopted row is marked as such (stream 0, no source)
      for (const t of ADOPTED) {
        const oldRows = before[t];
        const cols = (pythonQuery(fx.dbPath, `SELECT name FROM pragma_table_info('${t}')`) as string[][]).map((c) => c[0]);
        for (const c of ['latency_ms', 'source_id', 'source_line', 'extra', 'stream_id', 'row_hash', 'row_seq'].filter((c) => t === 'routing_metrics_events' || c !== 'latency_ms')) {
          assert.ok(cols.includes(c), `${t}.${c}`);
        }
        const now = rows(db, `SELECT * FROM ${t} ORDER BY id`);
        assert.equal(now.length, oldRows.length);
        for (let i = 0; i < now.length; i++) {
          assert.equal(now[i].stream_id, 0);
          assert.equal(now[i].source_id, null);
        }
      }
      // every value the script stored is still there under the same id (in extra where V1 has no column;
      // invoked_at: ISO text became epoch seconds, the stored text is kept in extra)
      for (const t of ADOPTED) {
        const oldNames = seedColumns[t];
        const now = rows(db, `SELECT * FROM ${t} ORDER BY id`);
        before[t].forEach((old, i) => {
          const extra = now[i].extra ? (JSON.parse(String(now[i].extra)) as Record<string, unknown>) : {};
          oldNames.forEach((c, j) => {
            const stored = c in now[i] && c !== 'invoked_at' ? now[i][c] : c === 'invoked_at' ? extra.invoked_at_as_stored : extra[c];
            assert.deepEqual(stored ?? null, old[j], `${t} id ${String(old[0])} column ${c}`);
          });
        });
      }
      const skill0 = rows(db, `SELECT invoked_at, extra, follow_up_actions FROM skill_invocation WHERE id = 1`)[0];
      assert.equal(skill0.invoked_at, Date.UTC(2025, 1, 10, 12) / 1000);
      // the writer contract: a column the script has and V1 lacks stays the script's column
      assert.deepEqual(JSON.parse(String(skill0.extra)), { invoked_at_as_stored: '2025-02-10T12:00:00Z' });
      assert.equal(scalar(db, `SELECT schema_version FROM skill_invocation WHERE id = 1`), 1);

      // identity: stream 0, hash over the adopted data columns, occurrence numbers per hash
      const dup = rows(db, `SELECT row_hash, row_seq FROM routing_metrics_events WHERE id IN (2, 499, 500) ORDER BY id`);
      assert.deepEqual(dup.map((r) => r.row_seq), [1, 2, 3]);
      assert.equal(new Set(dup.map((r) => r.row_hash)).size, 1);

      // ingest's own mapping of the JSONL lines gives exactly the multiset of adopted hashes,
      // so a backfill of these files claims every adopted row and inserts nothing twice
      const ledger = new Map(rows(db, `SELECT table_name, data_columns FROM schema_baseline`).map((r) => [String(r.table_name), JSON.parse(String(r.data_columns)) as string[]]));
      for (const [file, table] of [['routing-metrics.jsonl', 'routing_metrics_events'], ['self-heal-outcomes.jsonl', 'self_heal_events'], ['skill-invocations.jsonl', 'skill_invocation']]) {
        const src = KNOWN_SOURCES.find((s) => s.table === table && s.files.includes(file))!;
        const cols = ledger.get(table)!;
        const fromJsonl = fs
          .readFileSync(path.join(fx.logs, file), 'utf8')
          .trim()
          .split('\n')
          .map((l) => {
            const m = mapKnownRecord(src, JSON.parse(l), 'UTC');
            assert.ok('row' in m, `${file} maps`);
            const projected = Object.fromEntries(cols.map((c) => [c, (m as { row: Record<string, unknown> }).row[c]]));
            return rowContentHash(projected, null);
          })
          .sort();
        const adopted = rows(db, `SELECT row_hash FROM ${table}`).map((r) => Number(r.row_hash)).sort();
        assert.deepEqual(fromJsonl, adopted, `${table}: JSONL content hashes = adopted row hashes`);
      }

      // skill_metrics rebuilt by the triggers from the adopted invocations = a recount
      const recount = rows(
        db,
        `SELECT skill_name, count(*) AS total, sum(completed) AS done, 100.0 * sum(completed) / count(*) AS rate,
           sum(CASE WHEN completed THEN duration_seconds END) / sum(completed) AS avg FROM skill_invocation GROUP BY skill_name ORDER BY skill_name`,
      );
      const metrics = rows(db, `SELECT skill_name, total_invocations AS total, completed_invocations AS done, completion_rate AS rate, avg_duration_seconds AS avg FROM skill_metrics ORDER BY skill_name`);
      assert.deepEqual(metrics, recount);
      assert.equal(recount.length, 3);

      // the script's own indexes stay beside V1's; its trigger feeding its (kept-aside) skill_metrics is replaced by V1's; status says baseline
      assert.equal(scalar(db, `SELECT count(*) FROM sqlite_master WHERE name = 'idx_routing_metrics_timestamp'`), 1);
      assert.equal(scalar(db, `SELECT count(*) FROM sqlite_master WHERE name = 'trg_skill_metrics_insert'`), 0);
      const v1 = migrationStatus(db).find((r) => r.version === 1)!;
      assert.equal(v1.state, 'applied');
      assert.equal(v1.baseline, true);
    } finally {
      db.close();
    }

    // baseline cannot be rolled back (it would drop adopted rows): refused, nothing changes
    const bytes = fs.readFileSync(fx.dbPath);
    // roll back every migration above V1 first, then V1 itself must be refused
    for (;;) {
      const s = await readStatus(fx.dbPath);
      const top = s.rows.filter((r) => r.state === 'applied').pop()!;
      if (top.version === 1) break;
      await migrateFileDown(fx.dbPath);
    }
    const beforeRefusal = fs.readFileSync(fx.dbPath);
    await assert.rejects(migrateFileDown(fx.dbPath), /applied by baseline/);
    assert.deepEqual(fs.readFileSync(fx.dbPath), beforeRefusal);
    assert.ok(bytes.length > 0);
  });

  test('a seed row that violates the schema stops the baseline with a clear message and changes nothing', async () => {
    const dir = tempDir('baseline-bad');
    const dbPath = path.join(dir, 'x.db');
    const { execFileSync } = await import('child_process');
    execFileSync('python3', [
      '-c',
      `import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript("CREATE TABLE tool_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER, tool TEXT); INSERT INTO tool_events (timestamp, tool) VALUES (1, 'Bash'), (NULL, 'Edit');"); c.commit()`,
      dbPath,
    ]);
    const before = fs.readFileSync(dbPath);
    await assert.rejects(migrateFileUp(dbPath), /cannot adopt tool_events row id 2: column timestamp is NULL/);
    assert.deepEqual(fs.readFileSync(dbPath), before);
  });
});
