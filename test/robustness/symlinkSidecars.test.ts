/**
 * A symlinked database path (issue 12, class 3): the real file gets the rows, its sidecars
 * (-wal, -shm, -journal, .lock) are the real file's — found and written beside the real path,
 * never beside the link — and the link stays a link. Run on both engines (TL_ENGINE).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../cli/helpers';
import { lines, pyCount, tempDir, write } from '../ingest/helpers';

const T0 = 1769423127;
const SIDECARS = ['-wal', '-shm', '-journal', '.lock'];

/** The real database in its own folder and a link to it in another: sidecars of the link name would show up there. */
function linkedDatabase(prefix: string): { dir: string; real: string; link: string; logs: string } {
  const dir = tempDir(prefix);
  const real = path.join(dir, 'real', 'telemetry.db');
  const link = path.join(dir, 'links', 'telemetry.db');
  fs.mkdirSync(path.dirname(real));
  fs.mkdirSync(path.dirname(link));
  fs.symlinkSync(path.relative(path.dirname(link), real), link);
  const logs = path.join(dir, 'logs');
  write(path.join(logs, 'tool-usage.jsonl'), lines(...Array.from({ length: 4 }, (_, i) => ({ ts: T0 + i, tool: 'Bash', command: `c${i}` }))));
  return { dir, real, link, logs };
}

function noSidecarsBesideLink(link: string): void {
  const left = fs.readdirSync(path.dirname(link)).filter((n) => n !== path.basename(link));
  assert.deepEqual(left, [], `nothing but the link in its folder (sidecars belong beside the real file): ${left.join(', ')}`);
}

describe('a symlinked database path', () => {
  test("a hook's committed WAL beside the real file is read and kept through the link; migrate writes the real file", async () => {
    const { real, link, logs } = linkedDatabase('linkwal');
    // the hook writes in WAL mode and dies before a checkpoint: its rows live only in real-wal
    const py = `import sqlite3,os,sys
c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL'); c.execute('PRAGMA wal_autocheckpoint=0')
c.execute("CREATE TABLE hook_notes (id INTEGER PRIMARY KEY, note TEXT)")
c.executemany("INSERT INTO hook_notes (note) VALUES (?)", [('a',),('b',),('c',)]); c.commit(); os._exit(0)`;
    assert.equal(spawnSync('python3', ['-c', py, real]).status, 0);
    assert.ok(fs.existsSync(real + '-wal'));
    const q = await cli(['query', '--db', link, 'SELECT count(*) AS n FROM hook_notes', '--format', 'json']);
    assert.equal(q.code, 0, q.err);
    assert.deepEqual(JSON.parse(q.out), [{ n: 3 }], "the link's reader sees the real file's WAL");
    const r = await cli(['migrate', '--db', link, logs]);
    assert.equal(r.code, 0, r.err);
    assert.ok(fs.lstatSync(link).isSymbolicLink(), 'the link is still a link');
    assert.ok(fs.lstatSync(real).isFile());
    assert.equal(pyCount(real, 'tool_events'), 4);
    assert.equal(pyCount(real, 'hook_notes'), 3, "the hook's rows are kept");
    noSidecarsBesideLink(link);
    const check = spawnSync('python3', ['-c', 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])', real], { encoding: 'utf8' });
    assert.equal(check.stdout.trim(), 'ok');
  });

  test('while a hook holds the real WAL database open, a write through the link uses the real sidecars (or waits its turn), never its own', async () => {
    const { real, link, logs } = linkedDatabase('linkheld');
    assert.equal((await cli(['migrate', '--db', real, logs])).code, 0);
    // a hook connection stays open (WAL, -wal/-shm exist beside the real file) during the write
    const py = `import sqlite3,sys,time
c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL')
c.execute("CREATE TABLE IF NOT EXISTS hook_notes (id INTEGER PRIMARY KEY, note TEXT)"); c.execute("INSERT INTO hook_notes (note) VALUES ('held')"); c.commit()
print('ready', flush=True); sys.stdin.readline()`;
    const hook = spawn('python3', ['-c', py, real], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      await new Promise<void>((resolve, reject) => {
        hook.stdout.once('data', () => resolve());
        hook.once('exit', (c) => reject(new Error(`hook exited ${c}`)));
      });
      assert.ok(fs.existsSync(real + '-wal') && fs.existsSync(real + '-shm'));
      write(path.join(logs, 'tool-usage.jsonl'), lines(...Array.from({ length: 6 }, (_, i) => ({ ts: T0 + i, tool: 'Bash', command: `c${i}` }))));
      const r = await cli(['migrate', '--db', link, logs]);
      // native writes in place beside the hook; wasm's verified write-back refuses while another program holds the file (exit 3)
      if (r.code === 0) assert.equal(pyCount(real, 'tool_events'), 6);
      else {
        assert.equal(r.code, 3, r.err);
        assert.ok(r.err.includes(real) || r.err.includes(link), r.err);
      }
      noSidecarsBesideLink(link);
      assert.ok(fs.lstatSync(link).isSymbolicLink());
    } finally {
      hook.stdin.end('\n');
      await new Promise((resolve) => hook.once('exit', resolve));
    }
    assert.equal(pyCount(real, 'hook_notes'), 1);
    if (!SIDECARS.some((s) => fs.existsSync(link + s))) noSidecarsBesideLink(link);
    const r2 = await cli(['migrate', '--db', link, logs]);
    assert.equal(r2.code, 0, r2.err);
    assert.equal(pyCount(real, 'tool_events'), 6);
    noSidecarsBesideLink(link);
  });
});
