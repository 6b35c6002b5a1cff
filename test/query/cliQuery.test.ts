import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { NEVER_ENDING, NEVER_ENDING_ROWS, pythonDb, repoRoot } from './helpers';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

describe('CLI query: time limit, row cap, streaming output', () => {
  const db = pythonDb(1000);

  test('--timeout stops a never-ending query: exit 2, one line naming the limit', async () => {
    const r = await cli('query', '--db', db, NEVER_ENDING, '--timeout', '1');
    assert.equal(r.code, 2);
    assert.equal(r.out, '');
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.match(r.err, /1 s time limit.*--timeout SECONDS/);
  });

  test('--max-rows with csv: N records on stdout, "M more rows" on stderr', async () => {
    const r = await cli('query', '--db', db, 'SELECT n, s FROM t ORDER BY n', '--format', 'csv', '--max-rows', '3');
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out.trimEnd(), 'n,s\r\n0,row 0\r\n1,row 1\r\n2,row 2');
    assert.match(r.err, /printed 3 rows; 997 more rows not printed \(--max-rows 3\)/);
  });

  test('json output is the same array of row objects, streamed; the table notes rows it does not show', async () => {
    const j = await cli('query', '--db', db, 'SELECT n, s FROM t WHERE n < 600 ORDER BY n', '--format', 'json');
    assert.equal(j.code, 0, j.err);
    const rows = JSON.parse(j.out);
    assert.equal(rows.length, 600);
    assert.deepEqual(rows[599], { n: 599, s: 'row 599' });
    const t = await cli('query', '--db', db, NEVER_ENDING_ROWS, '--max-rows', '2');
    assert.equal(t.code, 0, t.err);
    assert.match(t.out, /^x\n-\n1\n2\n\(2 rows; at least [\d,]+ more rows not shown/);
    assert.equal(t.err, '');
  });

  test('a query process that cannot start is an error naming the cause, not a silent exit 0', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-noexec-'));
    const noexec = path.join(dir, 'node');
    fs.writeFileSync(noexec, '', { mode: 0o644 }); // not executable: spawn fails with EACCES
    const real = process.execPath;
    process.execPath = noexec;
    try {
      const r = await cli('query', '--db', db, 'SELECT 1');
      assert.notEqual(r.code, 0);
      assert.equal(r.err.trim().split('\n').length, 1, r.err);
      assert.match(r.err, /could not start the query process.*EACCES/);
    } finally {
      process.execPath = real;
    }
  });

  test('bad limits are usage errors', async () => {
    for (const bad of [['--timeout', 'soon'], ['--timeout', '-1'], ['--max-rows', '0'], ['--max-rows', '1.5']]) {
      const r = await cli('query', '--db', db, 'SELECT 1', ...bad);
      assert.equal(r.code, 2, bad.join(' '));
    }
  });
});

describe('CLI query from the bundle: Ctrl-C and a large result', () => {
  const db = pythonDb(10);
  before(() => {
    const b = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
  });

  test('Ctrl-C (SIGINT to the process group, as a terminal sends it) exits 130 with one line', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'query', '--db', db, NEVER_ENDING], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let out = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => (out += d));
    await new Promise((r) => setTimeout(r, 2500));
    process.kill(-child.pid!, 'SIGINT');
    const code = await new Promise((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 130);
    assert.equal(out, '');
    assert.equal(err, 'telemetry-lens query: query cancelled\n');
    const left = spawnSync('pgrep', ['-f', path.join(repoRoot, 'dist/query.worker.js')], { encoding: 'utf8' }).stdout.trim();
    assert.equal(left, '', 'no query process left');
  });

  test('a reader that closes the pipe early (`| head`): exit 0, nothing on stderr, no query process left', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'query', '--db', db, NEVER_ENDING_ROWS, '--format', 'csv'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise((r) => child.on('exit', (c) => r(c)));
    assert.equal(code, 0);
    assert.equal(err, '');
    assert.equal(spawnSync('pgrep', ['-f', path.join(repoRoot, 'dist/query.worker.js')], { encoding: 'utf8' }).stdout.trim(), '');
  });

  test('kill -9 of the CLI: its query process notices the orphaning and ends itself', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'query', '--db', db, NEVER_ENDING, '--timeout', '0'], { stdio: 'ignore' });
    let worker = '';
    for (let i = 0; i < 100 && worker === ''; i++) {
      await new Promise((r) => setTimeout(r, 100));
      worker = fs.existsSync(`/proc/${child.pid}`) ? fs.readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim() : '';
    }
    assert.notEqual(worker, '', 'the query process started');
    child.kill('SIGKILL');
    let alive = true;
    for (let i = 0; i < 50 && alive; i++) {
      await new Promise((r) => setTimeout(r, 100));
      alive = fs.existsSync(`/proc/${worker}`) && !/State:\s+Z/.test(fs.readFileSync(`/proc/${worker}/status`, 'utf8'));
    }
    assert.equal(alive, false, `query process ${worker} still running after its parent died`);
  });

  test('an endless result streams to a reader that stops reading, with bounded memory', async () => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist/cli.js'), 'query', '--db', db, NEVER_ENDING_ROWS, '--format', 'csv', '--timeout', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let got = 0;
    let paused = false;
    let rssKb = 0;
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        got += d.length;
        if (got > 2_000_000 && !paused) {
          // stop reading for a while: the CLI must wait, not buffer
          paused = true;
          child.stdout.pause();
          setTimeout(() => {
            rssKb = Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]);
            child.kill('SIGKILL');
            resolve();
          }, 3000);
        }
      });
    });
    assert.ok(rssKb > 0 && rssKb < 200_000, `CLI RSS while its reader stalled: ${rssKb} KB`);
  });
});
