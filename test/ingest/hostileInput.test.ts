/**
 * Hostile but plausible input (issue 12): one odd file never blocks the others, and values are
 * kept exactly or the line is rejected with a reason. Read back with python3's sqlite3.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { auditSources, migrateSources, verifySources } from '../../src/core/ingest';
import { parseTimestamp } from '../../src/core/formats/timestamps';
import { ExactNumber, parseJsonExact } from '../../src/core/formats/exactNumbers';
import { canonicalJson } from '../../src/core/formats/rowIdentity';
import { lines, pyCount, pyQuery, tempDir, write } from './helpers';

const T0 = 1769423127;

describe('one odd file never blocks the others', () => {
  test('missing/null time keys, rowid-like keys, sqlite_ names, deep nesting: every file imports', async () => {
    const dir = tempDir('odd');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    write(path.join(logs, 'notime.jsonl'), lines({ ts: '2026-01-01T00:00:00Z', a: 1 }, { a: 2 }, { ts: null, a: 3 }));
    write(path.join(logs, 'rowidkeys.jsonl'), lines({ rowid: 1, _rowid_: 2, oid: 3, ROWID: 4, ts: T0 }));
    write(path.join(logs, 'sqlite_stat1.jsonl'), lines({ x: 1 }));
    write(path.join(logs, 'sqlite_master.jsonl'), lines({ x: 2 }));
    const deep = '{"a":' + '['.repeat(8000) + ']'.repeat(8000) + '}';
    write(path.join(logs, 'deep.jsonl'), lines({ ts: T0, ok: 1 }, deep, { ts: T0 + 1, ok: 2 }));
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0, tool: 'Bash' }));

    const audit = await auditSources([logs], { dbPath: db });
    const r = await migrateSources(db, [logs]);
    assert.deepEqual(r.issues, []);
    const byName = new Map(r.sources.map((s) => [path.basename(s.path), s]));
    assert.equal(byName.get('notime.jsonl')!.inserted, 3);
    assert.equal(byName.get('rowidkeys.jsonl')!.inserted, 1);
    assert.equal(byName.get('tool-usage.jsonl')!.inserted, 1);
    assert.equal(byName.get('deep.jsonl')!.inserted, 2);
    assert.equal(byName.get('deep.jsonl')!.rejected, 1);
    assert.equal(r.rejects.find((x) => x.path.endsWith('deep.jsonl'))!.line, 2);
    assert.equal(r.rejects.find((x) => x.path.endsWith('deep.jsonl'))!.reason, 'too-deep');
    // audit predicts what migrate did
    for (const a of audit.sources) {
      const m = r.sources.find((s) => s.path === a.path)!;
      assert.equal(a.table, m.table, a.path);
      assert.equal(a.newLines, m.inserted, a.path);
      assert.equal(a.rejected, m.rejected, a.path);
    }
    assert.equal(byName.get('sqlite_stat1.jsonl')!.table, 'jsonl_sqlite_stat1');
    assert.equal(pyCount(db, 'jsonl_sqlite_stat1'), 1);
    assert.equal(pyCount(db, 'jsonl_sqlite_master'), 1);
    const row = pyQuery(db, 'SELECT rowid_2, "_rowid__2", oid_2, rowid_3 FROM rowidkeys')[0];
    assert.deepEqual(Object.values(row).sort(), [1, 2, 3, 4]);
    // the rows without a time are there, and the rollups count the one with a time
    assert.equal(pyCount(db, 'notime', 'timestamp IS NULL'), 2);
    assert.equal(pyQuery<{ n: number }>(db, `SELECT sum(events) AS n FROM rollup_event_hour WHERE table_name = 'notime'`)[0].n, 1);
    const again = await migrateSources(db, [logs]);
    assert.equal(again.sources.reduce((n, s) => n + s.inserted, 0), 0);
  });

  test("an unknown file named like the user's own table never writes into that table", async () => {
    const dir = tempDir('usertable');
    const db = path.join(dir, 't.db');
    // seed 001: the user's hook keeps its own routing_events table
    const py = `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
c.execute('CREATE TABLE routing_events (id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, model TEXT)')
c.execute("INSERT INTO routing_events (timestamp, model) VALUES ('2026-01-01T00:00:00Z', 'opus')")
c.commit()`;
    assert.equal(spawnSync('python3', ['-c', py, db]).status, 0);
    const logs = path.join(dir, 'logs');
    write(path.join(logs, 'routing-events.jsonl'), lines({ ts: T0, model: 'haiku', score: 0.5 }, { ts: T0 + 1, model: 'sonnet', score: 0.7 }));
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0, tool: 'Bash' }));
    const audit = await auditSources([logs], { dbPath: db });
    const r = await migrateSources(db, [logs]);
    const s = r.sources.find((x) => x.path.endsWith('routing-events.jsonl'))!;
    assert.equal(s.table, 'routing_events_jsonl');
    assert.equal(audit.sources.find((x) => x.path === s.path)!.table, 'routing_events_jsonl');
    assert.equal(s.inserted, 2);
    // the user's table is untouched: same columns, same single row
    assert.deepEqual(pyQuery(db, `SELECT name FROM pragma_table_info('routing_events') ORDER BY cid`).map((x) => x.name), ['id', 'timestamp', 'model']);
    assert.equal(pyCount(db, 'routing_events'), 1);
    assert.equal(pyCount(db, 'routing_events_jsonl'), 2);
    // stable: the next run appends to the same table and inserts nothing twice
    write(path.join(logs, 'routing-events.jsonl'), lines({ ts: T0, model: 'haiku', score: 0.5 }, { ts: T0 + 1, model: 'sonnet', score: 0.7 }, { ts: T0 + 2, model: 'opus', score: 0.9 }));
    const again = await migrateSources(db, [logs]);
    assert.equal(again.sources.find((x) => x.path === s.path)!.inserted, 1);
    assert.equal(pyCount(db, 'routing_events_jsonl'), 3);
  });
});

describe('values are kept exactly or the line is rejected', () => {
  test('integers beyond 2^53 and non-finite numbers keep every digit', async () => {
    const dir = tempDir('bigint');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    write(
      path.join(logs, 'numbers.jsonl'),
      [
        `{"ts":${T0},"big":9007199254740993,"neg":-9223372036854775808,"over":12345678901234567891,"huge":1e400,"tiny":1e-400,"nested":{"n":9007199254740995}}`,
        `{"ts":${T0 + 1},"big":1,"neg":2,"over":3,"huge":4.5,"tiny":5,"nested":{"n":1}}`,
      ].join('\n') + '\n',
    );
    // a known source: an exact int in an INTEGER column, and extras keep digits
    write(path.join(logs, 'tool-usage.jsonl'), `{"ts":${T0},"tool":"Bash","trace_id":123456789012345678901234567890,"count":9007199254740993}\n`);
    const r = await migrateSources(db, [logs]);
    assert.equal(r.sources.reduce((n, s) => n + s.inserted, 0), 3);
    const rows = pyQuery(db, 'SELECT typeof(big) tb, CAST(big AS TEXT) big, CAST(neg AS TEXT) neg, typeof(neg) tn, over, huge, tiny, nested FROM numbers ORDER BY id');
    assert.equal(rows[0].tb, 'integer');
    assert.equal(rows[0].big, '9007199254740993');
    assert.equal(rows[0].neg, '-9223372036854775808');
    assert.equal(rows[0].tn, 'integer');
    assert.equal(rows[0].over, '12345678901234567891');
    assert.equal(rows[0].huge, '1e400');
    assert.equal(rows[0].tiny, '1e-400');
    assert.equal(rows[0].nested, '{"n":9007199254740995}');
    const tool = pyQuery(db, 'SELECT extra FROM tool_events')[0];
    assert.match(String(tool.extra), /123456789012345678901234567890/);
    assert.match(String(tool.extra), /9007199254740993/);
    const again = await migrateSources(db, [logs]);
    assert.equal(again.sources.reduce((n, s) => n + s.inserted, 0), 0);
  });

  test('parseJsonExact keeps lossy tokens only, and never accepts invalid JSON', () => {
    const v = parseJsonExact('{"a":12345678901234567891,"b":1.5,"c":"12345678901234567891","d":[1e400]}') as Record<string, unknown>;
    assert.ok(v.a instanceof ExactNumber);
    assert.equal((v.a as ExactNumber).text, '12345678901234567891');
    assert.equal(v.b, 1.5);
    assert.equal(v.c, '12345678901234567891');
    assert.equal(canonicalJson(v), '{"a":12345678901234567891,"b":1.5,"c":"12345678901234567891","d":[1e400]}');
    assert.throws(() => parseJsonExact('{"a":12345678901234567891,}'));
    assert.throws(() => parseJsonExact('{"a":1234567890123456789x}'));
  });

  test('timestamps: years below 100, offsets beyond ±18:00, micro/nanosecond epochs', () => {
    assert.equal(parseTimestamp('0099-01-01T00:00:00Z', 'UTC'), new Date('0099-01-01T00:00:00Z').getTime() / 1000);
    assert.equal(new Date(parseTimestamp('0099-01-01T00:00:00Z', 'UTC')! * 1000).getUTCFullYear(), 99);
    assert.equal(new Date(parseTimestamp('0005-03-01 12:00:00', 'UTC')! * 1000).getUTCFullYear(), 5);
    // a zone-less early wall time in a zone: that year, at the zone's offset of the time (local mean time)
    assert.equal(new Date(parseTimestamp('0099-06-01 12:00:00', 'Europe/Berlin')! * 1000).getUTCFullYear(), 99);
    assert.equal(new Date(parseTimestamp('0005-03-01 12:00:00', 'America/New_York')! * 1000).getUTCFullYear(), 5);
    assert.equal(parseTimestamp('2026-01-01T00:00:00+25:00', 'UTC'), undefined);
    assert.equal(parseTimestamp('2026-01-01T00:00:00+18:01', 'UTC'), undefined);
    assert.equal(parseTimestamp('2026-01-01T00:00:00+05:75', 'UTC'), undefined);
    assert.equal(parseTimestamp('2026-01-01T00:00:00+18:00', 'UTC'), Date.UTC(2025, 11, 31, 6) / 1000);
    assert.equal(parseTimestamp(1700000000, 'UTC'), 1700000000);
    assert.equal(parseTimestamp(1700000000123, 'UTC'), 1700000000);
    assert.equal(parseTimestamp(1700000000123456, 'UTC'), 1700000000);
    assert.equal(parseTimestamp(new ExactNumber('1700000000123456789'), 'UTC'), 1700000000);
    assert.equal(parseTimestamp('1700000000123456789', 'UTC'), 1700000000);
    assert.equal(parseTimestamp(1e22, 'UTC'), undefined);
    assert.equal(parseTimestamp(Infinity, 'UTC'), undefined);
  });

  test('a known source rejects a bad offset or nanosecond-garbage time with a reason', async () => {
    const dir = tempDir('badtime');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: '2026-01-01T00:00:00+25:00', tool: 'A' }, { ts: 1e21, tool: 'B' }, { ts: '1700000000123456789', tool: 'C' }, { ts: '0042-06-01T00:00:00Z', tool: 'D' }));
    const r = await migrateSources(db, [logs]);
    assert.deepEqual(
      r.rejects.map((x) => [x.line, x.reason]),
      [
        [1, 'timestamp'],
        [2, 'timestamp'],
      ],
    );
    const got = pyQuery<{ tool: string; y: string }>(db, `SELECT tool, strftime('%Y', timestamp, 'unixepoch') y FROM tool_events ORDER BY tool`);
    assert.deepEqual(got, [
      { tool: 'C', y: '2023' },
      { tool: 'D', y: '0042' },
    ]);
  });
});

describe('identical events across a deleted rotation', () => {
  test('five identical events stay five rows when the rotated file is deleted, and audit agrees', async () => {
    const fs = await import('node:fs');
    const dir = tempDir('rotdel');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    const live = path.join(logs, 'tool-usage.jsonl');
    const e = { ts: T0, tool: 'Bash', command: 'ls' };
    write(live, lines(e, e, e));
    fs.renameSync(live, live + '.1'); // rotation
    write(live, lines(e, e));
    assert.equal((await migrateSources(db, [logs])).sources.reduce((n, s) => n + s.inserted, 0), 5);
    fs.rmSync(live + '.1'); // the old file is deleted
    fs.appendFileSync(live, lines(e)); // a sixth identical event
    const audit = await auditSources([logs], { dbPath: db });
    assert.equal(audit.sources[0].newLines, 1);
    const r = await migrateSources(db, [logs]);
    assert.equal(r.sources[0].inserted, 1);
    assert.equal(pyCount(db, 'tool_events'), 6);
    assert.equal((await migrateSources(db, [logs])).sources[0].inserted, 0);
  });
});

describe('identical events across a rotation whose old file is deleted between runs', () => {
  const e = { ts: T0, tool: 'Bash', command: 'ls' };
  test('rotated and deleted with no run in between: the new file (new inode) is a new generation — five rows, audit and verify agree', async () => {
    const fs = await import('node:fs');
    const dir = tempDir('rotgen');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    const live = path.join(logs, 'tool-usage.jsonl');
    write(live, lines(e, e, e));
    assert.equal((await migrateSources(db, [logs])).sources[0].inserted, 3);
    fs.renameSync(live, live + '.1'); // rotation: the old file keeps its inode under the new name
    write(live, lines(e, e)); // the new file is created while the old one still exists (new inode)
    fs.rmSync(live + '.1'); // and the old file is deleted before the next run
    assert.equal((await auditSources([logs], { dbPath: db })).sources[0].newLines, 2, 'audit says what migrate will insert');
    const r = await migrateSources(db, [logs]);
    assert.deepEqual([r.sources[0].inserted, r.sources[0].present], [2, 0]);
    assert.equal(pyCount(db, 'tool_events'), 5);
    assert.deepEqual(pyQuery(db, 'SELECT row_seq FROM tool_events ORDER BY row_seq').map((x) => x.row_seq), [1, 2, 3, 4, 5]);
    // the old entry is marked gone; the new file has its own entry
    assert.equal(pyCount(db, 'ingest_sources', 'missing_since IS NOT NULL'), 1);
    const v = await verifySources(db, [logs]);
    assert.equal(v.ok, true);
    assert.equal((await migrateSources(db, [logs])).sources[0].inserted, 0, 'a second run inserts nothing');
    fs.appendFileSync(live, lines(e)); // a sixth identical event
    assert.equal((await migrateSources(db, [logs])).sources[0].inserted, 1);
    assert.equal((await migrateSources(db, [logs], { rescan: true })).sources[0].inserted, 0, 'a rescan agrees');
    assert.equal(pyCount(db, 'tool_events'), 6);
  });

  test('rotated, read, then deleted: five rows; a rewrite by rename holding every row is no new generation', async () => {
    const fs = await import('node:fs');
    const dir = tempDir('rotgen2');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    const live = path.join(logs, 'tool-usage.jsonl');
    write(live, lines(e, e, e));
    await migrateSources(db, [logs]);
    fs.renameSync(live, live + '.1');
    write(live, lines(e, e));
    assert.equal((await migrateSources(db, [logs])).sources.reduce((n, s) => n + s.inserted, 0), 2);
    fs.rmSync(live + '.1');
    assert.equal((await migrateSources(db, [logs])).sources[0].inserted, 0);
    assert.equal(pyCount(db, 'tool_events'), 5);
    // an editor-style rewrite (temp file renamed over, new inode, same rows): nothing new
    write(live + '.tmp', lines(e, e) + '\n');
    fs.renameSync(live + '.tmp', live);
    assert.equal((await auditSources([logs], { dbPath: db })).sources[0].newLines, 0);
    assert.equal((await migrateSources(db, [logs])).sources[0].inserted, 0);
    assert.equal(pyCount(db, 'tool_events'), 5);
    assert.equal((await verifySources(db, [logs])).ok, true);
  });
});

describe('baseline adoption keeps big integers', () => {
  test("a hook's table with integers beyond 2^53 is adopted digit for digit, and its JSONL twin is claimed", async () => {
    const dir = tempDir('adoptbig');
    const db = path.join(dir, 't.db');
    const py = `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
c.execute('CREATE TABLE tool_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, tool TEXT NOT NULL, exit_code INTEGER, trace_id INTEGER)')
c.execute('INSERT INTO tool_events (timestamp, tool, exit_code, trace_id) VALUES (?,?,?,?)', (${T0}, 'Bash', 9007199254740993, 9223372036854775807))
c.commit()`;
    assert.equal(spawnSync('python3', ['-c', py, db]).status, 0);
    write(path.join(dir, 'logs', 'tool-usage.jsonl'), `{"ts":${T0},"tool":"Bash","exit_code":9007199254740993}\n`);
    const r = await migrateSources(db, [path.join(dir, 'logs')], { tz: 'UTC' });
    assert.deepEqual([r.sources[0].inserted, r.sources[0].present], [0, 1]);
    const row = pyQuery(db, 'SELECT CAST(exit_code AS TEXT) e, typeof(exit_code) t, CAST(trace_id AS TEXT) tr, typeof(trace_id) trt FROM tool_events')[0];
    assert.equal(row.e, '9007199254740993');
    assert.equal(row.t, 'integer');
    // adopted in place (the writer contract): the hook's own column keeps its name and every digit
    assert.deepEqual([row.tr, row.trt], ['9223372036854775807', 'integer']);
  });
});

describe('keys JavaScript treats specially', () => {
  test('"__proto__", "constructor" and "toString" keys are kept as data, in columns and in extra', async () => {
    const dir = tempDir('proto');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    write(path.join(logs, 'tool-usage.jsonl'), `{"ts":${T0},"tool":"Bash","__proto__":{"z":1},"constructor":"c"}\n`);
    write(path.join(logs, 'protos.jsonl'), `{"__proto__":5,"constructor":{"a":1},"toString":"s"}\n{"__proto__":{"b":2}}\n`);
    const r = await migrateSources(db, [logs]);
    assert.equal(r.sources.reduce((n, s) => n + s.inserted, 0), 3);
    assert.equal(pyQuery(db, 'SELECT extra FROM tool_events')[0].extra, '{"__proto__":{"z":1},"constructor":"c"}');
    const cols = pyQuery<{ column_name: string; source_key: string }>(db, `SELECT column_name, source_key FROM ingest_inferred_columns WHERE table_name = 'protos'`);
    const col = cols.find((c) => c.source_key === '__proto__')!.column_name;
    assert.notEqual(col, '__proto__');
    assert.deepEqual(pyQuery(db, `SELECT "${col}" AS p FROM protos ORDER BY id`).map((x) => x.p), ['5', '{"b":2}']);
    assert.equal((await migrateSources(db, [logs])).sources.reduce((n, s) => n + s.inserted, 0), 0);
  });
});

describe('a stream that fails as a whole', () => {
  test('is rolled back and reported naming its file; every other file still imports (CLI exit 1)', async () => {
    const { runCli } = await import('../../src/cli/main');
    const dir = tempDir('streamfail');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    write(path.join(logs, 'events.jsonl'), lines({ ts: T0, a: 1 }));
    await migrateSources(db, [logs]);
    // the user guards the table with a trigger that refuses every insert
    const py = `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
c.execute("CREATE TRIGGER no_more BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'closed for inserts'); END")
c.commit()`;
    assert.equal(spawnSync('python3', ['-c', py, db]).status, 0);
    write(path.join(logs, 'events.jsonl'), lines({ ts: T0, a: 1 }, { ts: T0 + 1, a: 2 }));
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0, tool: 'Bash' }));
    let out = '';
    let err = '';
    const code = await runCli(['migrate', '--db', db, logs], { out: (t) => void (out += t + '\n'), err: (t) => void (err += t + '\n') });
    assert.equal(code, 1, out + err);
    assert.match(out, /events\.jsonl: not imported \(.*closed for inserts\)/);
    assert.equal(err.trim().split('\n').length, 1);
    assert.equal(pyCount(db, 'tool_events'), 1);
    assert.equal(pyCount(db, 'events'), 1);
  });
});
