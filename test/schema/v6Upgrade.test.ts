/**
 * V6 (ordered identity index) upgrades a database that main made before it (schema V1–V5):
 * fixtures/main-v5.sql is that database, dumped by python3 after main's own `migrate` read
 * fixtures/main-v5-logs and a python3 hook inserted two rows (make-main-v5-db.sh). After the
 * upgrade every row keeps its id and identity, the identity lookups run through the new index
 * (an appended copy of existing content forces the full re-read by identity), a second run and
 * a --rescan insert nothing, the hook's rows get identity, `migrations validate` is clean, and
 * a hook's insert with the seeds' columns still succeeds. Runs on the suite's engine (both passes).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../cli/helpers';
import { migrateSources } from '../../src/core/ingest';
import { python } from '../db/helpers';
import { pyCount, pyQuery, tempDir } from '../ingest/helpers';

const FIXTURES = path.join(__dirname, 'fixtures');
const OLD_LOGS = '/tmp/tl-v5-fixture/logs';
const TABLES = ['routing_metrics_events', 'tool_events', 'skill_invocation'];

/** Every file imported (a stream that failed is reported in issues, not thrown). */
function allImported(r: { issues: { problem: string; message: string }[] }): void {
  assert.deepEqual(r.issues.filter((i) => i.problem === 'not-imported').map((i) => i.message), []);
}

/** The fixture database at `db`, its ledger pointing at `logs` (a copy of the logs it read, same bytes). */
function restore(db: string, logs: string): void {
  fs.mkdirSync(logs, { recursive: true });
  for (const f of fs.readdirSync(path.join(FIXTURES, 'main-v5-logs'))) fs.copyFileSync(path.join(FIXTURES, 'main-v5-logs', f), path.join(logs, f));
  python(
    `import sqlite3, sys, os
db, dump, old, new = sys.argv[1:5]
c = sqlite3.connect(db)
c.executescript(open(dump).read())
c.execute("UPDATE ingest_streams SET stream_key = replace(stream_key, ?, ?)", (old, new))
for (i, p) in c.execute("SELECT id, path FROM ingest_sources").fetchall():
    p = p.replace(old, new)
    st = os.stat(p)
    c.execute("UPDATE ingest_sources SET path = ?, dev = ?, ino = ?, mtime_ms = ? WHERE id = ?", (p, st.st_dev, st.st_ino, int(st.st_mtime * 1000), i))
c.commit()`,
    db,
    path.join(FIXTURES, 'main-v5.sql'),
    OLD_LOGS,
    logs,
  );
}

function identities(db: string, table: string): Record<string, unknown>[] {
  return pyQuery(db, `SELECT id, stream_id, row_hash, row_seq, source_id, source_line FROM ${table} WHERE row_hash IS NOT NULL ORDER BY id`);
}

function indexColumns(db: string, index: string): string[] {
  return pyQuery<{ name: string }>(db, `SELECT name FROM pragma_index_info('${index}') ORDER BY seqno`).map((r) => r.name);
}

describe('V6 ordered identity: upgrading a database main made (V1–V5)', () => {
  test('rows and identities kept, lookups through the new index exact, re-runs insert nothing, hooks still insert', async () => {
    const dir = tempDir('v6-upgrade');
    const db = path.join(dir, 't.db');
    const logs = path.join(dir, 'logs');
    restore(db, logs);
    assert.equal(pyQuery<{ v: number }>(db, 'SELECT max(version) AS v FROM schema_migrations')[0].v, 5);
    assert.deepEqual(indexColumns(db, 'ux_routing_metrics_events_identity'), ['stream_id', 'row_hash', 'row_seq']);
    const before = Object.fromEntries(TABLES.map((t) => [t, identities(db, t)]));
    assert.equal(pyCount(db, 'routing_metrics_events'), 14); // 13 lines + 1 hook row
    assert.equal(pyCount(db, 'routing_metrics_events', 'row_hash IS NULL'), 1);

    // a new event, and a third copy of q2 (the database holds two): the append-only read meets
    // content the stream has, so the stream is re-read in full, every line looked up by identity
    const routing = path.join(logs, 'routing-metrics.jsonl');
    const q2 = fs.readFileSync(routing, 'utf8').split('\n').find((l) => l.includes('"q2"'))!;
    fs.appendFileSync(routing, '{"ts":1767226800,"query_hash":"q-new","model":"opus","complexity":0.5,"latency_ms":40}\n' + q2 + '\n');

    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    allImported(r);
    const by = Object.fromEntries(r.sources.map((s) => [path.basename(s.path), s]));
    assert.equal(by['routing-metrics.jsonl'].inserted, 2);
    assert.equal(by['routing-metrics.jsonl'].present, 13);
    assert.equal(by['tool-usage.jsonl'].inserted, 0);
    assert.equal(by['skill-invocations.jsonl'].inserted, 0);

    assert.equal(pyQuery<{ v: number }>(db, 'SELECT max(version) AS v FROM schema_migrations')[0].v, 6);
    assert.deepEqual(indexColumns(db, 'ux_routing_metrics_events_identity'), ['stream_id', 'timestamp', 'row_hash', 'row_seq']);
    assert.deepEqual(indexColumns(db, 'ux_skill_invocation_identity'), ['stream_id', 'invoked_at', 'row_hash', 'row_seq']);
    // every row main imported keeps its id and identity
    for (const t of TABLES) {
      const after = identities(db, t);
      for (const row of before[t]) assert.deepEqual(after.find((a) => a.id === row.id), row, `${t} row ${String(row.id)}`);
    }
    assert.equal(pyCount(db, 'routing_metrics_events'), 16);
    assert.deepEqual(
      pyQuery<{ s: number }>(db, `SELECT row_seq AS s FROM routing_metrics_events WHERE query_id = 'q2' ORDER BY row_seq`).map((x) => x.s),
      [1, 2, 3],
    );
    assert.equal(pyCount(db, 'routing_metrics_events', `query_id = 'q1'`), 3);
    // the hook rows got identity (stream 0) and are listed as written directly
    assert.equal(pyCount(db, 'routing_metrics_events', 'row_hash IS NULL'), 0);
    assert.equal(pyCount(db, 'tool_events', 'row_hash IS NULL'), 0);
    assert.equal(pyCount(db, 'direct_rows'), 2);

    const again = await migrateSources(db, [logs], { tz: 'UTC' });
    allImported(again);
    assert.equal(again.sources.reduce((n, s) => n + s.inserted, 0), 0);
    const rescan = await migrateSources(db, [logs], { tz: 'UTC', rescan: true });
    allImported(rescan);
    assert.equal(rescan.sources.reduce((n, s) => n + s.inserted, 0), 0);
    assert.equal(rescan.sources.reduce((n, s) => n + s.present, 0), 18);
    assert.equal(pyCount(db, 'routing_metrics_events'), 16);

    const v = await cli(['migrations', 'validate', '--db', db]);
    assert.equal(v.code, 0, v.out + v.err);

    // a hook naming only the seeds' columns still inserts; the next run tags it, inserts nothing
    python(
      `import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO routing_metrics_events (timestamp, query_id, predicted_model) VALUES (1767229300, 'hook-2', 'opus')")
c.execute("INSERT INTO skill_invocation (skill_name, invoked_at) VALUES ('review', 1767229300)")
c.commit()`,
      db,
    );
    const third = await migrateSources(db, [logs], { tz: 'UTC' });
    allImported(third);
    assert.equal(third.sources.reduce((n, s) => n + s.inserted, 0), 0);
    assert.equal(pyCount(db, 'routing_metrics_events'), 17);
    assert.equal(pyCount(db, 'routing_metrics_events', 'row_hash IS NULL'), 0);
    assert.equal(pyCount(db, 'skill_invocation', 'row_hash IS NULL'), 0);
    assert.equal(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])`, db).trim(), 'ok');
  });

  test('migrations down restores V1’s identity index; the next migrate upgrades again, exactly', async () => {
    const dir = tempDir('v6-down');
    const db = path.join(dir, 't.db');
    const logs = path.join(dir, 'logs');
    restore(db, logs);
    allImported(await migrateSources(db, [logs], { tz: 'UTC' }));
    const down = await cli(['migrations', 'down', '--db', db, '--dir', path.join(dir, 'none')]);
    assert.equal(down.code, 0, down.out + down.err);
    assert.deepEqual(indexColumns(db, 'ux_tool_events_identity'), ['stream_id', 'row_hash', 'row_seq']);
    assert.equal(pyCount(db, 'sqlite_master', `name LIKE 'ix_%_untagged'`), 0);
    const r = await migrateSources(db, [logs], { tz: 'UTC', rescan: true });
    allImported(r);
    assert.equal(r.sources.reduce((n, s) => n + s.present, 0), 16);
    assert.equal(r.sources.reduce((n, s) => n + s.inserted, 0), 0);
    assert.deepEqual(indexColumns(db, 'ux_tool_events_identity'), ['stream_id', 'timestamp', 'row_hash', 'row_seq']);
    assert.equal(pyCount(db, 'routing_metrics_events'), 14);
  });
});
