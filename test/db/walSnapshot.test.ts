import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { cli, pythonBackground, tempDir } from './helpers';

const HOLD_WAL_OPEN = `
import sqlite3, sys, time
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_autocheckpoint=0")   # nothing reaches the main file
con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
con.execute("BEGIN")
for i in range(1000):
    con.execute("INSERT INTO events (name) VALUES (?)", (f"e{i}",))
con.execute("COMMIT")
print("ready", flush=True)
sys.stdin.read()   # hold the connection open until the test closes stdin
`;

describe('snapshot of a live WAL-mode database', () => {
  test('CLI query sees all 1,000 rows python committed to the WAL; a plain sql.js load sees none', async () => {
    const db = path.join(tempDir(), 'live.db');
    const py = pythonBackground(HOLD_WAL_OPEN, db);
    try {
      await py.ready;
      assert.ok(fs.existsSync(`${db}-wal`), 'python keeps a -wal file');

      const r = await cli('query', '--db', db, 'SELECT COUNT(*) AS n, COUNT(DISTINCT name) AS names FROM events', '--format', 'json');
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out), [{ n: 1000, names: 1000 }]);

      const SQL = await loadSqlJs();
      const plain = new SQL.Database(fs.readFileSync(db));
      const tables = plain.exec("SELECT COUNT(*) FROM sqlite_master WHERE name = 'events'")[0].values[0][0];
      const plainRows = tables === 0 ? 0 : Number(plain.exec('SELECT COUNT(*) FROM events')[0].values[0][0]);
      plain.close();
      assert.equal(plainRows, 0, 'the main file alone holds none of the rows');

      const snap = await openSnapshot(db);
      assert.equal(snap.exec('PRAGMA integrity_check')[0].values[0][0], 'ok');
      snap.close();
    } finally {
      py.child.stdin.end();
      await py.exited;
    }
  });

  test('query is read-only: write statements are refused with exit 2 and the file is untouched', async () => {
    const db = path.join(tempDir(), 'ro.db');
    const py = pythonBackground(HOLD_WAL_OPEN, db);
    try {
      await py.ready;
      const before = fs.readFileSync(`${db}-wal`);
      for (const sql of ['DELETE FROM events', 'WITH x AS (SELECT 1) DELETE FROM events', 'PRAGMA query_only = 0', 'DROP TABLE events', 'ATTACH DATABASE "x.db" AS x']) {
        const r = await cli('query', '--db', db, sql);
        assert.equal(r.code, 2, `${sql}: ${r.out}`);
        assert.match(r.err, /read-only/, sql);
      }
      assert.ok(before.equals(fs.readFileSync(`${db}-wal`)));
      const r = await cli('query', '--db', db, 'SELECT COUNT(*) FROM events', '--format', 'csv');
      assert.equal(r.out, 'COUNT(*)\r\n1000\r\n\n');
    } finally {
      py.child.stdin.end();
      await py.exited;
    }
  });

  test('a hot rollback journal makes the read wait, then fail clearly instead of reading torn pages', async () => {
    const db = path.join(tempDir(), 'hot.db');
    const SQL = await loadSqlJs();
    const mem = new SQL.Database();
    mem.run('CREATE TABLE t (a)');
    fs.writeFileSync(db, mem.export());
    mem.close();
    fs.writeFileSync(`${db}-journal`, Buffer.from('d9d505f920a163d7000000010000000000000000', 'hex'));
    await assert.rejects(openSnapshot(db, { busyTimeoutMs: 300 }), /hot rollback journal/);
    // Once the writer finishes (journal gone), the same read succeeds.
    setTimeout(() => fs.unlinkSync(`${db}-journal`), 150);
    const snap = await openSnapshot(db, { busyTimeoutMs: 3000 });
    assert.equal(snap.exec("SELECT COUNT(*) FROM sqlite_master WHERE name = 't'")[0].values[0][0], 1);
    snap.close();
  });

  test('bad input: a non-SQLite file is a clear usage error, a missing file too', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'notes.db'), 'hello, this is not a database at all, but long enough to have a header.'.repeat(3));
    const r = await cli('query', '--db', path.join(dir, 'notes.db'), 'SELECT 1');
    assert.equal(r.code, 2);
    assert.match(r.err, /not a SQLite database/);
    const m = await cli('query', '--db', path.join(dir, 'missing.db'), 'SELECT 1');
    assert.equal(m.code, 2);
    assert.match(m.err, /no database at/);
    assert.equal(fs.existsSync(path.join(dir, 'missing.db')), false);
  });
});
