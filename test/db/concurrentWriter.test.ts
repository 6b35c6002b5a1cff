import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { withWrite } from '../../src/core/db/database';
import { WriteConflictError } from '../../src/core/db/errors';
import { PY_DIGEST, python, pythonBackground, tempDir, writeCycleProcess } from './helpers';

// A hook-style writer: connect, work a moment with the connection open (no lock, no -wal yet:
// the riskiest moment to replace the file), commit one row in WAL mode, close, pause.
const HOOK_WRITER = `
import sqlite3, sys, time, threading
db = sys.argv[1]
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
committed = 0
first = True
while not stop.is_set():
    con = sqlite3.connect(db, timeout=10, isolation_level=None)
    if first:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE IF NOT EXISTS py_rows (seq INTEGER PRIMARY KEY, at REAL)")
        print("ready", flush=True)
        first = False
    time.sleep(0.002)
    con.execute("INSERT INTO py_rows (seq, at) VALUES (?, ?)", (committed + 1, time.time()))
    committed += 1
    con.close()
    time.sleep(0.015)
print("committed", committed, flush=True)
`;

// A writer that keeps its connection open (a long-running daemon): the WAL never goes away.
const DAEMON_WRITER = `
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("CREATE TABLE IF NOT EXISTS py_rows (seq INTEGER PRIMARY KEY)")
con.execute("INSERT INTO py_rows (seq) VALUES (1)")
print("ready", flush=True)
sys.stdin.read()
`;

function pyCount(db: string, sql: string): number {
  return Number(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])`, db, sql).trim());
}

describe('write-back next to another program writing in WAL mode', () => {
  test('python commits rows while 20 write cycles run: no python row lost, integrity ok, each cycle written or refused naming the writer', async () => {
    const db = path.join(tempDir(), 'shared.db');
    const py = pythonBackground(HOOK_WRITER, db);
    await py.ready;
    const outcomes: string[] = [];
    const written: string[] = [];
    try {
      for (let cycle = 1; cycle <= 20; cycle++) {
        const tag = `cycle-${cycle}`;
        try {
          await withWrite(db, (d) => {
            d.run('CREATE TABLE IF NOT EXISTS cli_rows (tag TEXT PRIMARY KEY)');
            d.run('INSERT OR IGNORE INTO cli_rows (tag) VALUES (?)', [tag]);
          }, { maxAttempts: 6 });
          written.push(tag);
          outcomes.push('ok');
        } catch (e) {
          assert.ok(e instanceof WriteConflictError, String(e));
          assert.equal(e.exitCode, 3);
          assert.match(e.message, /another program .*(-wal|-shm|-journal|since it was read|has the database open: python3|while it was being replaced)/);
          outcomes.push('refused');
        }
      }
    } finally {
      py.child.stdin.end();
    }
    const done = await py.exited;
    const committed = Number(/committed (\d+)/.exec(done.stdout)?.[1]);
    assert.ok(committed > 20, `python kept writing (${committed} rows)`);
    const digest = JSON.parse(python(PY_DIGEST, db));
    assert.equal(digest.integrity, 'ok');
    assert.equal(pyCount(db, 'SELECT COUNT(*) FROM py_rows'), committed, 'every python row is there');
    assert.equal(pyCount(db, 'SELECT MAX(seq) FROM py_rows'), committed);
    if (written.length) {
      const tags = python(`import sqlite3,sys\nprint("\\n".join(r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT tag FROM cli_rows ORDER BY rowid")))`, db).trim().split('\n');
      assert.deepEqual(tags, written, 'every cycle reported written is in the file');
    }
    assert.equal(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode").fetchone()[0])`, db).trim(), 'wal', 'journal mode kept');
    console.log('outcomes', outcomes.join(','), 'python rows', committed);
    assert.ok(outcomes.includes('ok'), `some cycles found a quiet moment: ${outcomes.join(',')}`);
  });

  test('a writer that keeps the database open: the CLI process exits 3 naming the -wal and the python process', async () => {
    const db = path.join(tempDir(), 'daemon.db');
    const py = pythonBackground(DAEMON_WRITER, db);
    await py.ready;
    try {
      const before = fs.readFileSync(db);
      const r = await writeCycleProcess([db, 'tag', 'x']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /another program has the database open in WAL mode \(.*daemon\.db-(wal|shm) exists\)/);
      assert.match(r.stderr, new RegExp(`python3? \\(pid ${py.child.pid}\\)`));
      assert.ok(before.equals(fs.readFileSync(db)), 'nothing written');
      assert.equal(fs.existsSync(`${db}.lock`), false, 'lock released');
    } finally {
      py.child.stdin.end();
      await py.exited;
    }
    assert.equal(pyCount(db, 'SELECT COUNT(*) FROM py_rows'), 1);
  });

  test('a connection opened but idle (no lock, no -wal on disk) is seen: the file is not replaced under it', async () => {
    const db = path.join(tempDir(), 'idle.db');
    python(`import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1], isolation_level=None)\ncon.execute("PRAGMA journal_mode=WAL")\ncon.execute("CREATE TABLE py_rows (seq INTEGER PRIMARY KEY)")\ncon.close()`, db);
    // Connects, says ready, and only writes after the test lets it (the hook that connects early).
    const py = pythonBackground(
      `import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1], isolation_level=None)\nprint("ready", flush=True)\nsys.stdin.read()\ncon.execute("INSERT INTO py_rows VALUES (1)")\ncon.close()\nprint("done", flush=True)`,
      db,
    );
    await py.ready;
    assert.equal(fs.existsSync(`${db}-wal`), false, 'nothing on disk shows the connection');
    await assert.rejects(
      withWrite(db, (d) => d.run('CREATE TABLE cli_rows (tag TEXT)'), { maxAttempts: 2 }),
      (e: unknown) => e instanceof WriteConflictError && new RegExp(`has the database open: python3? \\(pid ${py.child.pid}\\)`).test(e.message),
    );
    py.child.stdin.end();
    const done = await py.exited;
    assert.match(done.stdout, /done/, done.stderr);
    assert.equal(JSON.parse(python(PY_DIGEST, db)).integrity, 'ok');
    assert.equal(pyCount(db, 'SELECT COUNT(*) FROM py_rows'), 1, 'the python row is in the file');
    await withWrite(db, (d) => d.run('CREATE TABLE cli_rows (tag TEXT)'));
    assert.equal(JSON.parse(python(PY_DIGEST, db)).tables.py_rows[0], 1);
  });
});
