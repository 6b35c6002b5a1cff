import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { createBackup, listBackups, restoreBackup } from '../../src/core/db/backup';
import { openSnapshot, withWrite } from '../../src/core/db/database';
import { WriteConflictError } from '../../src/core/db/errors';
import { cli, PY_DIGEST, python, pythonBackground, tempDir } from './helpers';

const MAKE_WAL_DB = String.raw`
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute('CREATE TABLE "my ""odd"" table" (x)')
con.executemany('INSERT INTO "my ""odd"" table" VALUES (?)', [(i,) for i in range(42)])
con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, success INTEGER)")
con.executemany("INSERT INTO schema_migrations VALUES (?, ?)", [(1, 1), (2, 1), (3, 0)])
con.close()
`;

async function countRows(db: string, table: string): Promise<number> {
  const d = await openSnapshot(db);
  try {
    return Number(d.exec(`SELECT COUNT(*) FROM "${table.replace(/"/g, '""')}"`)[0].values[0][0]);
  } finally {
    d.close();
  }
}

describe('backup, restore, health', () => {
  test('health reports size, pages, schema version, integrity, rows per table (odd names quoted), WAL state', async () => {
    const db = path.join(tempDir(), 'h.db');
    python(MAKE_WAL_DB, db);
    const r = await cli('health', '--db', db, '--json');
    assert.equal(r.code, 0, r.err);
    const h = JSON.parse(r.out);
    assert.equal(h.integrityOk, true);
    assert.equal(h.schemaVersion, 2, 'highest successful migration');
    assert.equal(h.journalMode, 'wal');
    assert.equal(h.pageSize, 4096);
    assert.equal(h.fileBytes, fs.statSync(db).size);
    assert.deepEqual(h.tables, [{ name: 'my "odd" table', rows: 42 }, { name: 'schema_migrations', rows: 3 }]);
    const text = await cli('health', '--db', db);
    assert.match(text.out, /Integrity check\*\*: ok/);
    assert.equal((await cli('health', '--db', path.join(path.dirname(db), 'nope.db'))).code, 2);
  });

  test('health exits 1 on a corrupted file', async () => {
    const db = path.join(tempDir(), 'bad.db');
    python(`import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1])\ncon.execute("CREATE TABLE t(a TEXT)")\ncon.execute("CREATE INDEX ix ON t(a)")\ncon.executemany("INSERT INTO t VALUES (?)", [("v%05d" % i,) for i in range(3000)])\ncon.commit()`, db);
    const bytes = fs.readFileSync(db);
    bytes.fill(0x41, 4096 * 3 + 200, 4096 * 3 + 1200); // scribble over a b-tree page
    fs.writeFileSync(db, bytes);
    const r = await cli('health', '--db', db);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.out, /PROBLEMS FOUND/);
  });

  test('backup keeps the last N in <dbdir>/backups; --out writes exactly there; copies are consistent (WAL applied)', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'telemetry.db');
    const py = pythonBackground(
      `import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1], isolation_level=None)\ncon.execute("PRAGMA journal_mode=WAL")\ncon.execute("PRAGMA wal_autocheckpoint=0")\ncon.execute("CREATE TABLE t(a)")\ncon.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(500)])\nprint("ready", flush=True)\nsys.stdin.read()`,
      db,
    );
    await py.ready;
    try {
      for (let i = 0; i < 9; i++) await createBackup(db, { keep: 3 });
      const kept = listBackups(db);
      assert.equal(kept.length, 3);
      assert.ok(kept.every((b) => path.dirname(b.path) === path.join(dir, 'backups')));
      assert.equal(JSON.parse(python(PY_DIGEST, kept[0].path)).tables.t[0], 500, 'backup holds the WAL rows');
      const out = path.join(dir, 'elsewhere', 'copy.db');
      const r = await cli('backup', '--db', db, '--out', out);
      assert.equal(r.code, 0, r.err);
      assert.equal(JSON.parse(python(PY_DIGEST, out)).integrity, 'ok');
      assert.equal(listBackups(db).length, 3);
    } finally {
      py.child.stdin.end();
      await py.exited;
    }
  });

  test('restore goes through lock + verified write-back: refused while another program has the file open, then restores and keeps journal mode', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'r.db');
    python(MAKE_WAL_DB, db);
    const backup = await createBackup(db);
    await withWrite(db, (d) => d.run('DELETE FROM "my ""odd"" table"'));
    assert.equal(await countRows(db, 'my "odd" table'), 0);

    const py = pythonBackground(`import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1])\ncon.execute("SELECT 1 FROM sqlite_master").fetchall()\nprint("ready", flush=True)\nsys.stdin.read()`, db);
    await py.ready;
    try {
      await assert.rejects(restoreBackup(db, backup.path), (e: unknown) => e instanceof WriteConflictError && /-(wal|shm) exists/.test(e.message));
    } finally {
      py.child.stdin.end();
      await py.exited;
    }
    const result = await restoreBackup(db, backup.path);
    assert.equal(await countRows(db, 'my "odd" table'), 42);
    assert.ok(result.previousStateBackup && fs.existsSync(result.previousStateBackup));
    assert.equal(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode").fetchone()[0])`, db).trim(), 'wal');
    assert.equal(fs.existsSync(`${db}.lock`), false);
  });
});
