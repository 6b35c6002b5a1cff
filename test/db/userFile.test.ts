/**
 * The wasm write-back respects the user's file (issue 12): a symlinked path writes through to
 * the real file, a read-only database is not rewritten (exit 3), mode is kept exactly, and a
 * -wal/-shm left by a killed hook (nobody holds them) does not block writes forever.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../cli/helpers';
import { lines, pyCount, tempDir, write } from '../ingest/helpers';

const T0 = 1769423127;

function logsWith(dir: string, n: number): string {
  const logs = path.join(dir, 'logs');
  write(path.join(logs, 'tool-usage.jsonl'), lines(...Array.from({ length: n }, (_, i) => ({ ts: T0 + i, tool: 'Bash', command: `c${i}` }))));
  return logs;
}

describe("the user's database file", () => {
  test('a symlinked database path writes through to the real file and stays a link', async () => {
    const dir = tempDir('symlink');
    const real = path.join(dir, 'real', 'telemetry.db');
    fs.mkdirSync(path.dirname(real));
    const logs = logsWith(dir, 2);
    assert.equal((await cli(['migrate', '--db', real, logs])).code, 0);
    const link = path.join(dir, 'link.db');
    fs.symlinkSync(real, link);
    write(path.join(logs, 'tool-usage.jsonl'), lines(...Array.from({ length: 3 }, (_, i) => ({ ts: T0 + i, tool: 'Bash', command: `c${i}` }))));
    const r = await cli(['migrate', '--db', link, logs]);
    assert.equal(r.code, 0, r.err);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.equal(pyCount(real, 'tool_events'), 3);
    // one lock for both names: a writer through the link holds the real file's lock
    const { acquireLock } = await import('../../src/core/db/lockFile');
    const held = await acquireLock(link);
    try {
      assert.equal(held.lockPath, real + '.lock');
      await assert.rejects(acquireLock(real, { timeoutMs: 200 }), /locked by/);
    } finally {
      held.release();
    }
  });

  test('a read-only database is not rewritten: exit 3, one line naming the file', async () => {
    const dir = tempDir('readonly');
    const db = path.join(dir, 'telemetry.db');
    const logs = logsWith(dir, 2);
    assert.equal((await cli(['migrate', '--db', db, logs])).code, 0);
    fs.chmodSync(db, 0o444);
    const before = fs.readFileSync(db);
    const ino = fs.statSync(db).ino;
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0 + 99, tool: 'New' }));
    const r = await cli(['migrate', '--db', db, logs]);
    assert.equal(r.code, 3);
    assert.match(r.err, /read-only/);
    assert.ok(r.err.includes(db));
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.equal(fs.statSync(db).ino, ino);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.equal(fs.statSync(db).mode & 0o777, 0o444);
  });

  test('the mode is kept exactly (not cut by the umask)', async () => {
    const dir = tempDir('mode');
    const db = path.join(dir, 'telemetry.db');
    const logs = logsWith(dir, 1);
    assert.equal((await cli(['migrate', '--db', db, logs])).code, 0);
    fs.chmodSync(db, 0o664);
    const old = process.umask(0o022);
    try {
      write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0 + 5, tool: 'Other' }));
      assert.equal((await cli(['migrate', '--db', db, logs])).code, 0);
    } finally {
      process.umask(old);
    }
    assert.equal(fs.statSync(db).mode & 0o777, 0o664);
  });

  test('a -wal/-shm left by a killed hook does not block writes, and its rows are kept', async () => {
    const dir = tempDir('stalewal');
    const db = path.join(dir, 'telemetry.db');
    const logs = logsWith(dir, 2);
    assert.equal((await cli(['migrate', '--db', db, logs])).code, 0);
    // the hook commits in WAL mode and is killed before closing: -wal and -shm stay behind
    const py = `import sqlite3,os,sys
c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')
c.execute("CREATE TABLE hook_notes (id INTEGER PRIMARY KEY, note TEXT)")
c.execute("INSERT INTO hook_notes (note) VALUES ('from the hook')"); c.commit(); os._exit(0)`;
    assert.equal(spawnSync('python3', ['-c', py, db]).status, 0);
    assert.ok(fs.existsSync(db + '-wal'));
    write(path.join(logs, 'tool-usage.jsonl'), lines(...Array.from({ length: 3 }, (_, i) => ({ ts: T0 + i, tool: 'Bash', command: `c${i}` }))));
    const r = await cli(['migrate', '--db', db, logs]);
    assert.equal(r.code, 0, r.err);
    assert.equal(pyCount(db, 'tool_events'), 3);
    assert.equal(pyCount(db, 'hook_notes'), 1, 'the transaction in the left-over WAL is kept');
    const check = spawnSync('python3', ['-c', 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])', db], { encoding: 'utf8' });
    assert.equal(check.stdout.trim(), 'ok');
  });

  test('owner and group are kept when root runs the CLI on a user\'s database', { skip: process.getuid?.() !== 0 ? 'needs root to hand the file to another user' : false }, async () => {
    const dir = tempDir('owner');
    const db = path.join(dir, 'telemetry.db');
    const logs = logsWith(dir, 1);
    assert.equal((await cli(['migrate', '--db', db, logs])).code, 0);
    fs.chownSync(db, 4321, 4322);
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0 + 7, tool: 'Later' }));
    assert.equal((await cli(['migrate', '--db', db, logs])).code, 0);
    const st = fs.statSync(db);
    assert.equal(st.uid, 4321);
    assert.equal(st.gid, 4322);
    assert.equal(pyCount(db, 'tool_events'), 2);
  });
});
