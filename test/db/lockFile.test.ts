import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { withWrite } from '../../src/core/db/database';
import { WriteConflictError } from '../../src/core/db/errors';
import { acquireLock, readHolder } from '../../src/core/db/lockFile';
import { tempDir } from './helpers';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('single-writer lock file', () => {
  test('a second writer waits, then fails naming the holder', async () => {
    const db = path.join(tempDir(), 'a.db');
    const held = await acquireLock(db, { tool: 'VS Code window' });
    try {
      const holder = readHolder(`${db}.lock`);
      assert.equal(holder?.pid, process.pid);
      assert.equal(holder?.host, os.hostname());
      const t0 = Date.now();
      await assert.rejects(
        withWrite(db, (d) => d.run('CREATE TABLE t (a)'), { lockTimeoutMs: 300 }),
        (e: unknown) => e instanceof WriteConflictError && e.exitCode === 3 && /locked by VS Code window \(pid \d+ on .*since/.test(e.message),
      );
      assert.ok(Date.now() - t0 >= 280, 'it waited for the timeout');
    } finally {
      held.release();
    }
    assert.equal(fs.existsSync(`${db}.lock`), false);
  });

  test('a waiter gets the lock as soon as the holder releases it', async () => {
    const db = path.join(tempDir(), 'b.db');
    const held = await acquireLock(db);
    setTimeout(() => held.release(), 150);
    await withWrite(db, (d) => d.run('CREATE TABLE t (a)'), { lockTimeoutMs: 5000 });
    assert.ok(fs.existsSync(db));
  });

  test('stale locks are taken over: dead pid on this host, unreadable and old, or older than staleAfterMs', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'c.db');
    const lock = `${db}.lock`;
    fs.writeFileSync(lock, JSON.stringify({ pid: deadPid(), host: os.hostname(), since: '2020-01-01T00:00:00Z', tool: 'cli', token: 'dead' }));
    (await acquireLock(db, { timeoutMs: 200 })).release();

    fs.writeFileSync(lock, '{"pid": 12'); // killed while writing its lock
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(lock, old, old);
    (await acquireLock(db, { timeoutMs: 200 })).release();

    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: 'other-host', since: '2020-01-01T00:00:00Z', tool: 'cli', token: 'far' }));
    fs.utimesSync(lock, old, old);
    await assert.rejects(acquireLock(db, { timeoutMs: 100 }), /locked by cli \(pid \d+ on other-host/);
    (await acquireLock(db, { timeoutMs: 200, staleAfterMs: 30_000 })).release();

    // Same host, holder alive (a long ingest): never stale, however old.
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString(), tool: 'long ingest', token: 'alive' }));
    fs.utimesSync(lock, old, old);
    await assert.rejects(acquireLock(db, { timeoutMs: 100, staleAfterMs: 1000 }), /locked by long ingest/);
    fs.unlinkSync(lock);
    assert.deepEqual(fs.readdirSync(dir), [], 'nothing left behind');
  });

  test('release never deletes a lock someone else holds now', async () => {
    const db = path.join(tempDir(), 'd.db');
    const mine = await acquireLock(db);
    fs.writeFileSync(`${db}.lock`, JSON.stringify({ pid: process.pid, host: os.hostname(), since: 'now', tool: 'other', token: 'theirs' }));
    mine.release();
    assert.equal(readHolder(`${db}.lock`)?.token, 'theirs');
  });

  test('a write to a new database in a folder that does not exist yet creates both', async () => {
    const db = path.join(tempDir(), 'new', 'deeper', 'fresh.db');
    await withWrite(db, (d) => d.run('CREATE TABLE t (a)'));
    assert.ok(fs.existsSync(db));
    assert.equal(fs.existsSync(`${db}.lock`), false);
  });
});
