/**
 * A database in a folder the user cannot write (issue 12, class 5): run the real CLI as
 * `nobody` (setpriv) on a copy in a 0555 folder. Writes exit 3 with one line naming the file
 * and write nothing; reads still work (the native engine opens a WAL file it cannot make a
 * -shm for as immutable). Both engines (TL_ENGINE is passed on).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { cli } from '../cli/helpers';
import { lines, pyCount, tempDir, write } from '../ingest/helpers';

const T0 = 1769423127;
const repoRoot = path.resolve(__dirname, '..', '..');
const NOBODY = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];

/** This Node where `nobody` may run it (the Node 22 of the native pass lives under root's 0700 home). */
function nodeForNobody(dir: string): string {
  // setpriv itself may still exec it; a process nobody starts (the query child) may not
  const probe = spawnSync('setpriv', [...NOBODY, '/bin/sh', '-c', 'test -x "$0"', process.execPath]);
  if (probe.status === 0) return process.execPath;
  const copy = path.join(dir, 'node');
  try {
    fs.linkSync(process.execPath, copy);
  } catch {
    fs.copyFileSync(process.execPath, copy);
  }
  fs.chmodSync(copy, 0o755);
  return copy;
}

describe('a database in a folder this user cannot write (run as nobody)', () => {
  let dir = '';
  let node = '';
  let logs = '';
  let ro = '';
  let db = '';
  let home = '';
  const asNobody = (...args: string[]) =>
    spawnSync('setpriv', [...NOBODY, node, '--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), ...args], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, HOME: home },
      timeout: 120_000,
    });
  const listing = () => fs.readdirSync(ro).sort();

  before(async () => {
    dir = tempDir('nobody');
    fs.chmodSync(dir, 0o755);
    node = nodeForNobody(dir);
    home = path.join(dir, 'home');
    fs.mkdirSync(home);
    fs.chownSync(home, Number(spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).stdout), 0);
    logs = path.join(dir, 'logs');
    write(path.join(logs, 'tool-usage.jsonl'), lines(...Array.from({ length: 3 }, (_, i) => ({ ts: T0 + i, tool: 'Bash', command: `c${i}` }))));
    const made = path.join(dir, 'made.db');
    assert.equal((await cli(['migrate', '--db', made, logs])).code, 0);
    ro = path.join(dir, 'ro');
    fs.mkdirSync(ro);
    db = path.join(ro, 'telemetry.db');
    fs.copyFileSync(made, db); // a copy without -wal/-shm; the native engine made it WAL
    fs.chmodSync(db, 0o666); // the file itself is writable: only the folder is not
    fs.chmodSync(ro, 0o555);
    write(path.join(logs, 'tool-usage.jsonl'), lines(...Array.from({ length: 5 }, (_, i) => ({ ts: T0 + i, tool: 'Bash', command: `c${i}` }))));
  });

  test('migrate exits 3 with one line naming the file; nothing is written', () => {
    const bytes = fs.readFileSync(db);
    const before = listing();
    const r = asNobody('migrate', '--db', db, logs);
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(db), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.deepEqual(listing(), before);
    assert.deepEqual(fs.readFileSync(db), bytes);
    assert.equal(pyCount(db, 'tool_events'), 3);
  });

  test('a new database in that folder exits 3 naming it; no file is made', () => {
    const r = asNobody('migrate', '--db', path.join(ro, 'new.db'), logs);
    assert.equal(r.status, 3, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.ok(r.stderr.includes(path.join(ro, 'new.db')), r.stderr);
    assert.deepEqual(listing(), ['telemetry.db']);
  });

  test('reads still work: query and health read the rows and leave the folder as it was', () => {
    const before = listing();
    const q = asNobody('query', '--db', db, 'SELECT count(*) AS n FROM tool_events', '--format', 'json');
    assert.equal(q.status, 0, q.stderr);
    assert.deepEqual(JSON.parse(q.stdout), [{ n: 3 }]);
    const h = asNobody('health', '--db', db, '--json');
    assert.equal(h.status, 0, h.stderr);
    assert.deepEqual(JSON.parse(h.stdout).integrity, ['ok']);
    assert.deepEqual(listing(), before);
  });
});
