/**
 * A full disk and a read-only file system, for real (issue 12, class 5): a 2 MiB tmpfs filled
 * up, then remounted read-only. Writes exit 3 with one line naming the file (ENOSPC, SQLITE_FULL,
 * EROFS); nothing is half-written (the database opens, integrity_check ok, row counts unchanged,
 * no lock or temp file left); reads still work on the read-only disk (a WAL database too).
 * Both engines (TL_ENGINE). Needs mount (we run as root); skipped, saying so, only where it is refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { cli } from '../cli/helpers';
import { lines, pyCount, pyQuery, tempDir, write } from '../ingest/helpers';

const T0 = 1769423127;

function tryMount(dir: string): string | null {
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { encoding: 'utf8' });
  return r.status === 0 ? null : (r.stderr || r.error?.message || `exit ${r.status}`).trim();
}

const probeDir = tempDir('mountprobe');
const mountRefused = tryMount(probeDir);
if (mountRefused === null) spawnSync('umount', [probeDir]);

function integrity(db: string): string {
  return pyQuery(db, 'PRAGMA integrity_check').map((x) => String(Object.values(x)[0])).join('; ');
}

/** Leaves about `leave` bytes free on the file system of `dir`. */
function fill(dir: string, leave: number): string {
  const st = fs.statfsSync(dir);
  const free = st.bavail * st.bsize;
  const filler = path.join(dir, 'filler');
  fs.writeFileSync(filler, Buffer.alloc(Math.max(0, free - leave)));
  return filler;
}

describe('a full disk and a read-only file system (tmpfs)', { skip: mountRefused === null ? false : `mount is not permitted here: ${mountRefused}` }, () => {
  let mnt = '';
  let db = '';
  let logs = '';
  before(async () => {
    mnt = tempDir('tmpfs');
    assert.equal(tryMount(mnt), null);
    db = path.join(mnt, 'telemetry.db');
    logs = path.join(tempDir('fulllogs'), 'logs');
    write(path.join(logs, 'tool-usage.jsonl'), lines(...Array.from({ length: 20 }, (_, i) => ({ ts: T0 + i, tool: 'Bash', command: `c${i}` }))));
    const r = await cli(['migrate', '--db', db, logs]);
    assert.equal(r.code, 0, r.err);
    // a WAL database (as the native engine makes them and hooks set): the read-only case must read it too
    spawnSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=WAL"); c.close()', db]);
    assert.equal(pyQuery(db, 'PRAGMA journal_mode')[0].journal_mode, 'wal');
    // more than a nearly full disk can take
    write(path.join(logs, 'tool-usage.jsonl'), lines(...Array.from({ length: 1500 }, (_, i) => ({ ts: T0 + i, tool: 'Bash', command: `c${i}`, note: 'x'.repeat(60) }))));
  });
  after(() => {
    spawnSync('umount', ['-l', mnt]);
  });

  const leftovers = () => fs.readdirSync(mnt).filter((n) => n !== 'telemetry.db' && n !== 'filler' && n !== 'telemetry.db-wal' && n !== 'telemetry.db-shm');

  test('migrate on a full disk: exit 3, one line naming the database; nothing half-written; a run with room imports exactly', async () => {
    const filler = fill(mnt, 24 * 1024);
    try {
      const r = await cli(['migrate', '--db', db, logs]);
      assert.equal(r.code, 3, r.err);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.ok(r.err.includes(db), r.err);
      assert.match(r.err, /full/);
      assert.deepEqual(leftovers(), [], 'no lock or temp file left');
    } finally {
      fs.rmSync(filler);
    }
    // (checked once there is room again: python's reader needs room for a -shm of its own)
    assert.equal(integrity(db), 'ok');
    assert.equal(pyCount(db, 'tool_events'), 20, 'row counts unchanged');
    const again = await cli(['migrate', '--db', db, logs]);
    assert.equal(again.code, 0, again.err);
    assert.equal(pyCount(db, 'tool_events'), 20 + 1500, 'every line, once');
  });

  test('a disk with no room at all: exit 3, and no empty lock file is left to block the next run', async () => {
    const filler = fill(mnt, 0);
    try {
      const r = await cli(['migrate', '--db', db, logs]);
      assert.equal(r.code, 3, r.err);
      assert.ok(r.err.includes(db), r.err);
      assert.deepEqual(leftovers(), []);
    } finally {
      fs.rmSync(filler);
    }
  });

  test('backup --out on a full disk: exit 3 naming the backup; no partial file', async () => {
    const filler = fill(mnt, 16 * 1024);
    try {
      const out = path.join(mnt, 'copy.db');
      const r = await cli(['backup', '--db', db, '--out', out]);
      assert.equal(r.code, 3, r.err);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.ok(r.err.includes(out), r.err);
      assert.deepEqual(leftovers(), []);
    } finally {
      fs.rmSync(filler);
    }
  });

  test('read-only file system: writes exit 3 (EROFS) naming the database; reads of the WAL database still work', { timeout: 60_000 }, async () => {
    const rowsBefore = pyCount(db, 'tool_events');
    const bytes = fs.readFileSync(db);
    // an empty lock a killed writer left (stale): it cannot be broken on a read-only disk, which must end the wait, not spin
    fs.writeFileSync(db + '.lock', '');
    fs.utimesSync(db + '.lock', new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    assert.equal(spawnSync('mount', ['-o', 'remount,ro', mnt]).status, 0);
    try {
      write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0 + 99_999, tool: 'Late' }));
      const r = await cli(['migrate', '--db', db, logs]);
      assert.equal(r.code, 3, r.err);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.ok(r.err.includes(db), r.err);
      assert.match(r.err, /read-only/);
      const b = await cli(['backup', '--db', db]);
      assert.equal(b.code, 3, b.err);
      assert.equal(b.err.trim().split('\n').length, 1, b.err);
      const q = await cli(['query', '--db', db, 'SELECT count(*) AS n FROM tool_events', '--format', 'json']);
      assert.equal(q.code, 0, q.err);
      assert.deepEqual(JSON.parse(q.out), [{ n: rowsBefore }]);
      const h = await cli(['health', '--db', db, '--json']);
      assert.equal(h.code, 0, h.err);
      assert.deepEqual(JSON.parse(h.out).integrity, ['ok']);
      assert.deepEqual(fs.readFileSync(db), bytes);
    } finally {
      spawnSync('mount', ['-o', 'remount,rw', mnt]);
      fs.rmSync(db + '.lock', { force: true });
    }
  });
});
