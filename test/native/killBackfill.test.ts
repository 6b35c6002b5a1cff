/**
 * Must show (issue 11): kill -9 at random moments of a native backfill (chunked commits), N
 * trials (TL_KILL_TRIALS, default 20): the database opens, integrity_check ok, and a re-run
 * gives exact counts (every line once: inserted + present = lines, the table holds each once).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as sample from '../../src/sample';
import { pyScalar, python, repoRoot, requireNative, runCliProcess, tempDir } from './helpers';

const TRIALS = Number(process.env.TL_KILL_TRIALS ?? 20);
const LINES = 60_000;

function killedRun(db: string, logs: string, afterMs: number): Promise<'killed' | 'finished'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), 'migrate', '--db', db, '--engine', 'native', logs], { cwd: repoRoot, stdio: 'ignore' });
    let finished = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      finished = signal === null && code === 0;
      resolve(finished ? 'finished' : 'killed');
    });
  });
}

describe('kill -9 during a native backfill', () => {
  test(`${TRIALS} random kills: integrity ok every time, a re-run imports every line exactly once`, async () => {
    requireNative();
    const dir = tempDir('tl-kill-native-');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    sample.writeBigRoutingMetrics(path.join(logs, 'routing-metrics.jsonl'), LINES, { seed: 9, now: Date.UTC(2026, 5, 1) });
    // how long an uninterrupted run takes here (start-up included): kills land within it
    const probe = await runCliProcess(['migrate', '--db', path.join(dir, 'probe.db'), '--engine', 'native', logs]);
    assert.equal(probe.code, 0, probe.stderr);
    const outcomes: string[] = [];
    let partial = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const db = path.join(dir, `t${trial}.db`);
      const outcome = await killedRun(db, logs, Math.floor(Math.random() * probe.ms));
      outcomes.push(outcome);
      if (fs.existsSync(db)) {
        assert.equal(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])`, db).trim(), 'ok', `trial ${trial}: integrity after the kill`);
        const has = pyScalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'routing_metrics_events'");
        const rows = has ? pyScalar(db, 'SELECT count(*) FROM routing_metrics_events') : 0;
        if (rows > 0 && rows < LINES) partial++;
      }
      const rerun = await runCliProcess(['migrate', '--db', db, '--engine', 'native', '--json', logs]);
      assert.equal(rerun.code, 0, `trial ${trial}: ${rerun.stderr}`);
      const r = JSON.parse(rerun.stdout) as { sources: { lines: number; inserted: number; present: number; rejected: number; blank: number }[] };
      const s = r.sources[0];
      assert.equal(s.lines, LINES);
      assert.equal(s.inserted + s.present + s.rejected + s.blank, LINES, `trial ${trial}: reconciliation`);
      assert.equal(pyScalar(db, 'SELECT count(*) FROM routing_metrics_events'), LINES - s.rejected - s.blank, `trial ${trial}: every line once`);
      assert.equal(pyScalar(db, 'SELECT count(*) FROM (SELECT stream_id, row_hash, row_seq FROM routing_metrics_events GROUP BY 1, 2, 3 HAVING count(*) > 1)'), 0, `trial ${trial}: no identity twice`);
      assert.equal(fs.existsSync(`${db}.lock`), false, 'no lock left behind');
    }
    console.log(`kills: ${outcomes.filter((o) => o === 'killed').length} killed, ${outcomes.filter((o) => o === 'finished').length} finished first; ${partial} left whole chunks committed (re-run completed them exactly)`);
    assert.ok(partial > 0, 'some kills landed between committed chunks (else the test did not exercise chunked commits)');
  });
});
