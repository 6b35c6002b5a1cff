import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { readSnapshotImage } from '../../src/core/db/snapshotImage';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { writeBackVerified } from '../../src/core/db/verifiedWriteBack';
import { PY_DIGEST, python, tempDir } from './helpers';

// The race load exposes: a hook connects after the holder scan, commits and closes again before
// the check after the rename. Closing checkpoints its row into the replaced file and deletes the
// -wal/-shm, so neither an open file nor a sidecar shows it afterwards; only the old file does.

const HOOK_COMMIT = `import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1], isolation_level=None)\ncon.execute("INSERT INTO py_rows (v) VALUES (?)", (sys.argv[2],))\ncon.close()`;

function makeWalDb(): string {
  const db = path.join(tempDir('tl-race-'), 'race.db');
  python(`import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1], isolation_level=None)\ncon.execute("PRAGMA journal_mode=WAL")\ncon.execute("CREATE TABLE py_rows (id INTEGER PRIMARY KEY, v TEXT)")\ncon.execute("INSERT INTO py_rows (v) VALUES ('before')")\ncon.close()`, db);
  assert.equal(fs.existsSync(`${db}-wal`), false);
  return db;
}

/** Snapshot + one CLI row, ready to write back (what withWrite does before writeBackVerified). */
async function cliImage(db: string) {
  const SQL = await loadSqlJs();
  const { image, journalMode, fileState } = await readSnapshotImage(db);
  image[18] = 1;
  image[19] = 1;
  const d = new SQL.Database(image);
  d.run('CREATE TABLE cli_rows (tag TEXT)');
  d.run("INSERT INTO cli_rows VALUES ('cli')");
  const out = d.export();
  d.close();
  return { image: out, journalMode, fileState };
}

function pyRows(db: string): string[] {
  return JSON.parse(python(`import sqlite3,sys,json\nprint(json.dumps([r[0] for r in sqlite3.connect(sys.argv[1]).execute("SELECT v FROM py_rows ORDER BY id")]))`, db));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function waitForFile(p: string, ms: number): void {
  const deadline = Date.now() + ms;
  while (!fs.existsSync(p)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${p}`);
    sleepSync(5);
  }
}

describe('write-back: a connection opened and closed around the rename', { skip: process.platform !== 'linux' && 'needs /proc' }, () => {
  test('connect + commit + close between the holder scan and the rename: the row is kept, nothing replaced', async () => {
    const db = makeWalDb();
    const { image, journalMode, fileState } = await cliImage(db);
    const outcome = writeBackVerified(db, image, fileState, {
      journalMode,
      onReplaceStep: (step) => {
        if (step !== 'before-rename') return;
        const r = spawnSync('python3', ['-c', HOOK_COMMIT, db, 'during'], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
      },
    });
    assert.equal(outcome.written, false, 'the write-back must not report success over the hook row');
    assert.ok(!outcome.written && /another program (wrote|changed|opened)/.test(outcome.cause), JSON.stringify(outcome));
    assert.deepEqual(pyRows(db), ['before', 'during'], 'the hook row is in the database');
    assert.equal(JSON.parse(python(PY_DIGEST, db)).integrity, 'ok');
    assert.deepEqual(fs.readdirSync(path.dirname(db)).filter((n) => n.includes('.tmp-')), [], 'no temp files left');
  });

  test('connect before the rename, commit + close after it, before the check: the row is kept', async () => {
    const db = makeWalDb();
    const dir = path.dirname(db);
    const { image, journalMode, fileState } = await cliImage(db);
    const go = path.join(dir, 'go');
    const connected = path.join(dir, 'connected');
    const done = path.join(dir, 'done');
    const py = spawn('python3', ['-c', `import sqlite3,sys,os,time
con=sqlite3.connect(sys.argv[1], isolation_level=None)
open(sys.argv[2],'w').close()
while not os.path.exists(sys.argv[3]): time.sleep(0.002)
con.execute("INSERT INTO py_rows (v) VALUES ('during')")
con.close()
open(sys.argv[4],'w').close()`, db, connected, go, done]);
    const exited = new Promise<number | null>((resolve) => py.on('exit', resolve));
    let outcome;
    try {
      outcome = writeBackVerified(db, image, fileState, {
        journalMode,
        onReplaceStep: (step) => {
          if (step === 'before-rename') waitForFile(connected, 10_000);
          if (step === 'after-rename') {
            fs.writeFileSync(go, '');
            waitForFile(done, 10_000);
          }
        },
      });
    } finally {
      fs.writeFileSync(go, '');
      assert.equal(await exited, 0);
    }
    assert.equal(outcome.written, false, 'the write-back must not report success over the hook row');
    assert.deepEqual(pyRows(db), ['before', 'during'], 'the hook row is in the database');
    assert.equal(JSON.parse(python(PY_DIGEST, db)).integrity, 'ok');
  });
});
