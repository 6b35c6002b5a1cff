/**
 * Must show (issue 11): a hook's insert latency while a big backfill runs (native) stays under
 * 1 s. A python3 sqlite3 hook (WAL, python's 5 s busy timeout, connect/insert/commit/close
 * every ~20 ms: test/native/helpers.ts HOOK_WRITER) writes the file the whole time `migrate`
 * backfills a routing-metrics.jsonl of TL_HOOK_BACKFILL_LINES lines (default 200k, ~48 MB;
 * the 1M-line figure comes from `npm run bench ingest-backfill`, part 5). Asserts: the slowest
 * insert+commit < 1 s, no insert failed, every hook row and every line there exactly once,
 * integrity ok, the hook's WAL mode kept.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as sample from '../../src/sample';
import { hookResult, HOOK_WRITER, pyScalar, python, pythonBackground, requireNative, runCliProcess, tempDir } from './helpers';

const LINES = Number(process.env.TL_HOOK_BACKFILL_LINES ?? 200_000);

describe('a hook writing while a native backfill runs', () => {
  test(`${LINES.toLocaleString('en')}-line backfill beside a hook committing every 20 ms: slowest hook insert < 1 s, nothing lost, counts exact`, async () => {
    requireNative();
    const dir = tempDir('tl-hook-backfill-');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    sample.writeBigRoutingMetrics(path.join(logs, 'routing-metrics.jsonl'), LINES, { seed: 11, now: Date.UTC(2026, 5, 1) });
    const db = path.join(dir, 'shared.db');
    // the hook makes the file (WAL) and keeps writing through the whole run
    const hook = pythonBackground(HOOK_WRITER, db);
    await hook.ready;
    let run: Awaited<ReturnType<typeof runCliProcess>>;
    try {
      run = await runCliProcess(['migrate', '--db', db, '--engine', 'native', '--json', logs]);
    } finally {
      hook.child.stdin.end();
    }
    const h = hookResult((await hook.exited).stdout);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { sources: { lines: number; inserted: number; present: number; rejected: number; blank: number }[] };
    const s = report.sources[0];
    console.log(`native backfill of ${LINES} lines: ${(run.ms / 1000).toFixed(1)} s (process); hook ${h.committed} inserts, ${h.failed} failed, slowest ${h.worstMs} ms`);
    assert.equal(s.lines, LINES);
    assert.equal(s.inserted + s.rejected + s.blank, LINES, 'reconciliation: every line accounted for');
    assert.equal(pyScalar(db, 'SELECT count(*) FROM routing_metrics_events'), s.inserted, 'every imported line is there once');
    assert.ok(h.committed > 10, `the hook kept writing during the run (${h.committed} inserts)`);
    assert.equal(h.failed, 0, 'no hook insert failed (busy timeout never reached)');
    assert.equal(pyScalar(db, 'SELECT count(*) FROM hook_rows'), h.committed, 'every hook row is there');
    assert.equal(pyScalar(db, 'SELECT max(seq) FROM hook_rows'), h.committed, 'hook rows 1..n, none lost');
    assert.ok(h.worstMs < 1000, `slowest hook insert+commit ${h.worstMs} ms (must stay under 1 s)`);
    assert.equal(python(`import sqlite3,sys\nc=sqlite3.connect(sys.argv[1]); print(c.execute('PRAGMA integrity_check').fetchone()[0], c.execute('PRAGMA journal_mode').fetchone()[0])`, db).trim(), 'ok wal');
  });
});
