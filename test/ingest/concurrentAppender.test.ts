/**
 * A python process appends 2,000 lines over ~10 s (some written in two parts with a pause
 * between, i.e. flushed mid-line) while migrate runs again and again: every run reconciles,
 * nothing is rejected, and the final run leaves exactly 2,000 rows.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { migrateSources } from '../../src/core/ingest';
import { pyCount, pyQuery, tempDir } from './helpers';

const APPENDER = `
import json, os, random, sys, time
random.seed(7)
fd = os.open(sys.argv[1], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
for i in range(2000):
    line = json.dumps({"ts": 1769423127 + i, "query_id": "q%d" % i, "model": "haiku", "dq": 0.5}) + "\\n"
    if i % 40 == 7:
        cut = random.randint(1, len(line) - 1)
        os.write(fd, line[:cut].encode())
        time.sleep(0.03)
        os.write(fd, line[cut:].encode())
    else:
        os.write(fd, line.encode())
    time.sleep(0.004)
os.close(fd)
`;

test('concurrent python appender: repeated migrates end with exactly 2,000 rows', { timeout: 120_000 }, async () => {
  const dir = tempDir('append');
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs);
  const file = path.join(logs, 'routing-metrics.jsonl');
  const db = path.join(dir, 'telemetry.db');
  const child = spawn('python3', ['-c', APPENDER, file], { stdio: 'inherit' });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let running = true;
  void exited.then(() => (running = false));
  let runs = 0;
  let inserted = 0;
  let sawPending = false;
  while (running) {
    if (fs.existsSync(file)) {
      const r = await migrateSources(db, [logs], { tz: 'UTC' });
      runs++;
      for (const s of r.sources) {
        inserted += s.inserted;
        assert.equal(s.rejected, 0, `run ${runs} rejected a line`);
        if (s.pending) sawPending = true;
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(await exited, 0);
  const last = await migrateSources(db, [logs], { tz: 'UTC' });
  inserted += last.sources[0].inserted;
  assert.equal(last.sources[0].pending, 0);
  assert.ok(runs >= 3, `migrate ran ${runs} times during the appends`);
  assert.equal(inserted, 2000);
  assert.equal(pyCount(db, 'routing_metrics_events'), 2000);
  assert.deepEqual(pyQuery(db, 'SELECT count(DISTINCT query_id) AS n, min(timestamp) AS lo, max(timestamp) AS hi FROM routing_metrics_events'), [
    { n: 2000, lo: 1769423127, hi: 1769423127 + 1999 },
  ]);
  assert.equal(pyCount(db, 'ingest_rejects'), 0);
  // informative: mid-line flushes were actually observed by some run (timing-dependent, not asserted)
  console.log(`# ${runs} runs during the appends; a run saw a pending half line: ${sawPending}`);
});
