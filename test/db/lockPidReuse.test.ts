/**
 * A lock whose pid now belongs to another program is stale (issue 12): the pid is alive, but
 * its process started after the lock was written (or not when the holder said it started).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { acquireLock, readHolder } from '../../src/core/db/lockFile';
import { WriteConflictError } from '../../src/core/db/errors';

function tempDb(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-lockreuse-')), 't.db');
}

describe('lock held by a reused pid', { skip: process.platform !== 'linux' ? 'process start times come from /proc' : false }, () => {
  test('a lock written an hour ago whose pid is now an unrelated, newer process is taken over', async () => {
    const db = tempDb();
    const other = spawn('sleep', ['30']);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const since = new Date(Date.now() - 3600_000).toISOString();
      fs.writeFileSync(`${db}.lock`, JSON.stringify({ pid: other.pid, host: os.hostname(), since, tool: 'telemetry-lens cli', token: 'old' }));
      const lock = await acquireLock(db, { timeoutMs: 500 });
      assert.notEqual(readHolder(`${db}.lock`)?.token, 'old');
      lock.release();
    } finally {
      other.kill();
    }
  });

  test('a recorded start time that does not match the live pid means another program', async () => {
    const db = tempDb();
    const other = spawn('sleep', ['30']);
    try {
      await new Promise((r) => setTimeout(r, 100));
      fs.writeFileSync(`${db}.lock`, JSON.stringify({ pid: other.pid, host: os.hostname(), since: new Date().toISOString(), tool: 'x', token: 'old', started: Date.now() - 86_400_000 }));
      const lock = await acquireLock(db, { timeoutMs: 500 });
      lock.release();
    } finally {
      other.kill();
    }
  });

  test('a live holder that started before its lock still blocks', async () => {
    const db = tempDb();
    const holder = spawn('sleep', ['30']);
    try {
      await new Promise((r) => setTimeout(r, 3000));
      fs.writeFileSync(`${db}.lock`, JSON.stringify({ pid: holder.pid, host: os.hostname(), since: new Date().toISOString(), tool: 'telemetry-lens cli', token: 'live' }));
      await assert.rejects(acquireLock(db, { timeoutMs: 300 }), (e: unknown) => e instanceof WriteConflictError && /locked by/.test((e as Error).message));
      // and one we take records our start time
      fs.unlinkSync(`${db}.lock`);
      const lock = await acquireLock(db, { timeoutMs: 300 });
      assert.equal(typeof lock.holder.started, 'number');
      lock.release();
    } finally {
      holder.kill();
    }
  });
});
