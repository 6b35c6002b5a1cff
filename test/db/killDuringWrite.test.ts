import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { PY_DIGEST, python, repoRoot, tempDir, writeCycleProcess } from './helpers';

const TRIALS = 24;
const ROWS_PER_BATCH = 4000; // ~0.7 MB per cycle: write-back takes long enough to be hit

/** Batches present, as python sees the file: must be exactly 1..k (old or new state, never partial). */
function batchesSeen(db: string): { integrity: string; batches: number[]; rowsPerBatch: number[] } {
  const digest = JSON.parse(python(PY_DIGEST, db));
  if (!digest.tables.batches) return { integrity: digest.integrity, batches: [], rowsPerBatch: [] };
  const rows = JSON.parse(
    python(`import sqlite3,sys,json\nprint(json.dumps(sqlite3.connect(sys.argv[1]).execute("SELECT batch, COUNT(*) FROM batches GROUP BY batch ORDER BY batch").fetchall()))`, db),
  ) as [number, number][];
  return { integrity: digest.integrity, batches: rows.map((r) => r[0]), rowsPerBatch: rows.map((r) => r[1]) };
}

describe('kill -9 during write-back', () => {
  test(`${TRIALS} random kills: the database always opens, passes integrity_check, holds whole batches only; no stale lock blocks the next run`, async () => {
    const dir = tempDir();
    const db = path.join(dir, 'victim.db');
    let lastBatches = 0;
    let killedWhileRunning = 0;
    let killedAfterWriteBackBegan = 0;
    let killedWithTempFile = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'writeCycle.ts'), db, 'batches', String(ROWS_PER_BATCH), '50'], { cwd: repoRoot });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      await new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('ready') && resolve()));
      if (trial % 2 === 0) {
        // Any moment of a cycle (snapshot, work, write-back).
        await new Promise((r) => setTimeout(r, 30 + Math.random() * 400));
      } else {
        // Aimed at write-back: the n-th cycle's export / temp write / fsync / rename.
        const nth = 1 + Math.floor(Math.random() * 3);
        await new Promise<void>((resolve) => {
          const check = () => (out.split('write-back').length - 1 >= nth ? resolve() : undefined);
          check();
          child.stdout.on('data', check);
        });
        await new Promise((r) => setTimeout(r, Math.random() * 12));
      }
      const stillRunning = child.exitCode === null;
      // Write-back had begun and not yet reported completion (stdout lags, so this under-counts).
      const inWriteBack = out.lastIndexOf('write-back') > out.lastIndexOf('cycle ');
      child.kill('SIGKILL');
      await exited;
      if (stillRunning) killedWhileRunning++;
      if (inWriteBack) killedAfterWriteBackBegan++;
      // A temp file left behind: this kill landed between temp creation and rename.
      if (fs.readdirSync(dir).some((n) => n.includes('.tmp-'))) killedWithTempFile++;

      const seen = batchesSeen(db);
      assert.equal(seen.integrity, 'ok', `trial ${trial}`);
      const k = seen.batches.length;
      assert.deepEqual(seen.batches, Array.from({ length: k }, (_, i) => i + 1), `trial ${trial}: whole batches 1..k`);
      assert.ok(seen.rowsPerBatch.every((n) => n === ROWS_PER_BATCH), `trial ${trial}: no partial batch`);
      assert.ok(k >= lastBatches, `trial ${trial}: nothing committed was lost`);
      lastBatches = k;
    }
    assert.ok(killedWhileRunning >= TRIALS - 2, 'the kills landed while cycles were running');
    console.log(`kills: ${killedWhileRunning} while running, ${killedAfterWriteBackBegan} during write-back (${killedWithTempFile} with the temp file written); ${lastBatches} batches survived`);
    assert.ok(killedAfterWriteBackBegan >= TRIALS / 4, 'a good share of kills landed inside write-back');
    assert.ok(lastBatches > 0, 'some cycles completed between kills');

    // The next run is not blocked by the dead holder's lock and cleans its temp files.
    const t0 = Date.now();
    const next = await writeCycleProcess([db, 'tag', 'after-kills']);
    assert.equal(next.code, 0, next.stderr);
    assert.ok(Date.now() - t0 < 15_000);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n !== 'victim.db'), [], 'no lock or temp file left behind');
  });
});
