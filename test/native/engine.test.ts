/**
 * The native engine behind the storage interface: the sql.js-shaped API (multi-statement
 * exec/iterateStatements, result shape, integer binding, values beyond 2^53, aggregates), and
 * the file contract: reads never write and see other programs' commits at once, the journal
 * mode of a file Telemetry Lens did not create is kept, its own new databases use WAL,
 * a busy writer is waited for (busy_timeout), the lock file is shared with the wasm engine.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { commitPoint, engineOf, isLiveReadOnly, openMemoryDatabase, openSnapshot, openSnapshotWithInfo, resolveEngine, withWrite } from '../../src/core/db/database';
import { WriteConflictError } from '../../src/core/db/errors';
import { acquireLock } from '../../src/core/db/lockFile';
import { splitSqlStatements } from '../../src/core/db/sqlSplit';
import { python, pythonBackground, requireNative, tempDir } from './helpers';

const pyText = (db: string, sql: string) => python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])`, db, sql).trim();

describe('native engine: the sql.js-shaped interface', () => {
  test('auto picks native here and says why; exec/run/prepare/iterateStatements behave like sql.js', async () => {
    requireNative();
    assert.equal(resolveEngine('auto').name, 'native');
    assert.match(resolveEngine('auto').reason, /node:sqlite loaded \(Node 2\d\./);
    const db = await openMemoryDatabase({ engine: 'native' });
    const wasm = await openMemoryDatabase({ engine: 'wasm' });
    try {
      assert.equal(engineOf(db), 'native');
      assert.equal(engineOf(wasm), 'wasm');
      for (const d of [db, wasm]) {
        d.run("CREATE TABLE t (a, b TEXT); INSERT INTO t VALUES (1, 'x;y'); -- comment; \n INSERT INTO t VALUES (2.5, 'p');");
        d.run(`CREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET b = b || ';' WHERE rowid = new.rowid; END;`);
        d.run('INSERT INTO t VALUES (?, ?)', [7, 'z']);
      }
      const q = 'SELECT a, typeof(a), b FROM t ORDER BY rowid; SELECT 1 WHERE 0; SELECT count(*) AS n FROM t';
      assert.deepEqual(db.exec(q), wasm.exec(q), 'same results, statements without rows give no result');
      const s = db.prepare('SELECT ? AS v, typeof(?) AS ty');
      assert.deepEqual(s.getAsObject([3, 3]), { v: 3, ty: 'integer' }, 'integral numbers bind as INTEGER like sql.js');
      s.free();
      assert.deepEqual(db.exec('SELECT 9007199254740993 AS big')[0].values, [[9007199254740992]], 'beyond 2^53: a number, lossy like sql.js (no error)');
      const names: string[] = [];
      const it = db.iterateStatements("SELECT 1; CREATE TEMP TABLE x (y); SELECT 'a;b'");
      for (const st of it) {
        names.push(st.getSQL().trim());
        while (st.step()) st.get();
        st.free();
      }
      assert.deepEqual(names, ['SELECT 1;', 'CREATE TEMP TABLE x (y);', "SELECT 'a;b'"]);
      (db as unknown as { create_aggregate: (n: string, a: object) => void }).create_aggregate('tl_sum2', { init: () => 0, step: (s: number, v: number) => s + 2 * v, finalize: (s: number) => s });
      assert.deepEqual(db.exec('SELECT tl_sum2(a) FROM t')[0].values, [[2 * (1 + 2.5 + 7)]]);
      const st = db.prepare('SELECT rowid FROM t ORDER BY rowid');
      assert.equal(st.step(), true);
      st.reset();
      assert.equal(st.step(), true, 'reset starts over');
      assert.deepEqual(st.get(), [1]);
      st.free();
    } finally {
      db.close();
      wasm.close();
    }
  });

  test('splitSqlStatements: strings, identifiers, comments and trigger bodies', () => {
    const sql = `CREATE TABLE "a;b" (x); /* ; */ INSERT INTO [a;b] VALUES ('it''s;'); CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END; SELECT \`q;\``;
    assert.deepEqual(
      splitSqlStatements(sql).map((p) => sql.slice(p.start, p.end)),
      ['CREATE TABLE "a;b" (x);', "INSERT INTO [a;b] VALUES ('it''s;');", 'CREATE TEMP TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END;', 'SELECT `q;`'],
    );
  });
});

describe('native engine: the user\'s file', () => {
  test('reads are read-only, in place, and see another program\'s commit on the next read', async () => {
    requireNative();
    const db = path.join(tempDir(), 'shared.db');
    python(`import sqlite3,sys\nc=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL'); c.execute('CREATE TABLE t (x)'); c.execute('INSERT INTO t VALUES (1)'); c.commit()`, db);
    const { db: h, snapshot, engine } = await openSnapshotWithInfo(db, { engine: 'native' });
    try {
      assert.equal(engine.name, 'native');
      assert.equal(snapshot.journalMode, 'wal');
      assert.equal(isLiveReadOnly(h), true);
      assert.throws(() => h.run('INSERT INTO t VALUES (2)'), /readonly/i, 'a read handle cannot write the file');
      h.run('CREATE TEMP TABLE scratch (y)'); // scratch goes to temp, never the file
      python(`import sqlite3,sys\nc=sqlite3.connect(sys.argv[1]); c.execute('INSERT INTO t VALUES (3)'); c.commit()`, db);
      assert.deepEqual(h.exec('SELECT count(*) FROM t')[0].values, [[2]], 'the new row is visible at once');
    } finally {
      h.close();
    }
    assert.equal(pyText(db, 'SELECT count(*) FROM t'), '2');
  });

  test('a rollback-journal file keeps its journal mode through a native write; a new database is WAL', async () => {
    requireNative();
    const dir = tempDir();
    const theirs = path.join(dir, 'theirs.db');
    python(`import sqlite3,sys\nc=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE t (x)'); c.commit()`, theirs);
    assert.equal(pyText(theirs, 'PRAGMA journal_mode'), 'delete');
    await withWrite(theirs, (d) => d.run('INSERT INTO t VALUES (1)'), { engine: 'native' });
    assert.equal(pyText(theirs, 'PRAGMA journal_mode'), 'delete', 'journal mode kept');
    assert.equal(pyText(theirs, 'SELECT count(*) FROM t'), '1');
    const ours = path.join(dir, 'sub', 'ours.db');
    fs.mkdirSync(path.dirname(ours));
    await withWrite(ours, (d) => d.run('CREATE TABLE t (x)'), { engine: 'native' });
    assert.equal(pyText(ours, 'PRAGMA journal_mode'), 'wal');
  });

  test('a write that throws leaves nothing; commitPoint() commits the chunk so far', async () => {
    requireNative();
    const db = path.join(tempDir(), 'w.db');
    await withWrite(db, (d) => d.run('CREATE TABLE t (x)'), { engine: 'native' });
    await assert.rejects(
      withWrite(db, (d) => {
        d.run('INSERT INTO t VALUES (1)');
        throw new Error('boom');
      }, { engine: 'native' }),
      /boom/,
    );
    assert.equal(pyText(db, 'SELECT count(*) FROM t'), '0');
    await assert.rejects(
      withWrite(db, (d) => {
        d.run('INSERT INTO t VALUES (1)');
        assert.equal(commitPoint(d, { force: true }), true);
        d.run('INSERT INTO t VALUES (2)');
        throw new Error('after the chunk');
      }, { engine: 'native' }),
      /after the chunk/,
    );
    assert.equal(pyText(db, 'SELECT group_concat(x) FROM t'), '1', 'the committed chunk stays, the open one is rolled back');
  });

  test('waits for a writer holding the file (busy_timeout) and shares <db>.lock with the wasm engine', async () => {
    requireNative();
    const db = path.join(tempDir(), 'busy.db');
    await withWrite(db, (d) => d.run('CREATE TABLE t (x)'), { engine: 'native' });
    const py = pythonBackground(`import sqlite3,sys,time\nc=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); c.execute('INSERT INTO t VALUES (1)'); print('ready', flush=True); time.sleep(0.8); c.execute('COMMIT')`, db);
    await py.ready;
    const t0 = performance.now();
    await withWrite(db, (d) => d.run('INSERT INTO t VALUES (2)'), { engine: 'native' });
    assert.ok(performance.now() - t0 > 300, 'it waited for the other writer');
    await py.exited;
    assert.equal(pyText(db, 'SELECT group_concat(x) FROM t'), '1,2');
    const lock = await acquireLock(db, { tool: 'test' });
    try {
      await assert.rejects(withWrite(db, (d) => d.run('INSERT INTO t VALUES (3)'), { engine: 'native', lockTimeoutMs: 200 }), (e: unknown) => e instanceof WriteConflictError);
    } finally {
      lock.release();
    }
    const snap = await openSnapshot(db, { engine: 'native' });
    assert.deepEqual(snap.exec('SELECT count(*) FROM t')[0].values, [[2]]);
    snap.close();
  });
});
