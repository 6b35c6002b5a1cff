/**
 * Output targets (issue 12, class 3): `report --out`, `backup --out` (and the extension's Export
 * Dashboard as HTML, through the same checkOutputTarget) never overwrite the database or its
 * sidecars by any name (path, symlink, hard link: same device and inode), a folder, a FIFO, or a
 * file of another kind. Exit 2, one line; the database and the target are left as they were.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { cli } from '../cli/helpers';
import { checkOutputTarget } from '../../src/core/db/outputTarget';
import { lines, pyCount, tempDir, write } from '../ingest/helpers';

const T0 = 1769423127;

describe('output targets never replace the database, its sidecars, a folder or another kind of file', () => {
  let dir = '';
  let db = '';
  let logs = '';
  const snapshot = () => {
    const out = new Map<string, string>();
    for (const n of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, n);
      const st = fs.lstatSync(p);
      out.set(n, st.isFile() ? `${st.ino}:${fs.readFileSync(p).toString('base64')}` : st.isSymbolicLink() ? `link:${fs.readlinkSync(p)}` : st.isDirectory() ? 'dir' : 'other');
    }
    return out;
  };

  before(async () => {
    dir = tempDir('outtarget');
    logs = path.join(dir, 'logs');
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0, tool: 'Bash' }, { ts: T0 + 1, tool: 'Read' }));
    const made = tempDir('outtarget-src');
    assert.equal((await cli(['migrate', '--db', path.join(made, 't.db'), logs])).code, 0);
    db = path.join(dir, 't.db');
    fs.copyFileSync(path.join(made, 't.db'), db);
    // a hook committed in WAL mode and was killed: -wal and -shm stay beside the database
    const py = `import sqlite3,os,sys
c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')
c.execute("INSERT INTO tool_events (timestamp, tool) VALUES (${T0 + 2}, 'Hook')"); c.commit(); os._exit(0)`;
    assert.equal(spawnSync('python3', ['-c', py, db]).status, 0);
    assert.ok(fs.existsSync(db + '-wal') && fs.existsSync(db + '-shm'));
    fs.writeFileSync(db + '.lock', '');
    fs.symlinkSync(db, path.join(dir, 'link.html'));
    fs.symlinkSync(db + '-wal', path.join(dir, 'wal-link.db'));
    fs.linkSync(db, path.join(dir, 'hard.html'));
    fs.linkSync(db, path.join(dir, 'hard.db'));
    fs.linkSync(db + '-shm', path.join(dir, 'shm-hard.db'));
    fs.mkdirSync(path.join(dir, 'folder.html'));
    fs.mkdirSync(path.join(dir, 'folder.db'));
    spawnSync('mkfifo', [path.join(dir, 'fifo.html')]);
    spawnSync('mkfifo', [path.join(dir, 'fifo.db')]);
    fs.writeFileSync(path.join(dir, 'notes.db'), 'my notes, not a database\n');
  });

  test('report --out: the database, its sidecars, a symlink or hard link to them, a folder, a FIFO — exit 2, one line, nothing changes', async () => {
    const before = snapshot();
    const targets = [db, db + '-wal', db + '-shm', db + '-journal', db + '.lock', 'link.html', 'hard.html', 'wal-link.db', 'shm-hard.db', 'folder.html', 'fifo.html', 'notes.db'];
    for (const t of targets) {
      const out = path.resolve(dir, t);
      const r = await cli(['report', '--db', db, '--out', out]);
      assert.equal(r.code, 2, `${t}: ${r.err}`);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.ok(r.err.includes(out), r.err);
    }
    assert.deepEqual(snapshot(), before);
  });

  test('backup --out: the same targets, and a file that is no database — exit 2, one line, nothing changes', async () => {
    const before = snapshot();
    const targets = [db, db + '-wal', db + '-shm', db + '-journal', db + '.lock', 'link.html', 'hard.db', 'wal-link.db', 'shm-hard.db', 'folder.db', 'fifo.db', 'notes.db'];
    for (const t of targets) {
      const out = path.resolve(dir, t);
      const r = await cli(['backup', '--db', db, '--out', out]);
      assert.equal(r.code, 2, `${t}: ${r.err}`);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.ok(r.err.includes(out), r.err);
    }
    assert.deepEqual(snapshot(), before);
  });

  test('a new file, or an earlier backup / report, is written', async () => {
    const b = path.join(dir, 'out', 'backup.db');
    assert.equal((await cli(['backup', '--db', db, '--out', b])).code, 0);
    assert.equal(pyCount(b, 'tool_events'), 3, 'the backup holds the WAL rows too');
    const again = await cli(['backup', '--db', db, '--out', b]);
    assert.equal(again.code, 0, again.err);
    const html = path.join(dir, 'out', 'report.html');
    assert.equal((await cli(['report', '--db', db, '--out', html, '--no-rows'])).code, 0);
    assert.equal((await cli(['report', '--db', db, '--out', html, '--no-rows'])).code, 0);
    assert.match(fs.readFileSync(html, 'utf8').slice(0, 200), /<!doctype html/i);
    // last: python's reader is the last connection and checkpoints the hook's -wal away
    assert.equal(pyCount(db, 'tool_events'), 3);
  });

  test('the one checker (also used by Export Dashboard as HTML) names the target as asked', () => {
    assert.throws(() => checkOutputTarget(path.join(dir, 'hard.html'), { db, kind: 'html' }), (e: Error) => e.message.startsWith(`${path.join(dir, 'hard.html')} is the database`));
    assert.doesNotThrow(() => checkOutputTarget(path.join(dir, 'new.html'), { db, kind: 'html' }));
  });
});
