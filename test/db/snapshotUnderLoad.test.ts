import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { DatabaseBusyError } from '../../src/core/db/errors';
import { python, pythonBackground, tempDir } from './helpers';

// Commits continuously in WAL mode with small auto-checkpoints, so the WAL is appended to,
// checkpointed into the main file and restarted with new salts while snapshots are taken. It
// keeps the newest 2,000 rows (deleting older ones in the same transaction): back to back it
// would otherwise write hundreds of MB within the test, and reading a file that size while the
// WAL restarts every few milliseconds measures the disk, not the snapshot rule.
const BUSY_WRITER = `
import sqlite3, sys, threading, time
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_autocheckpoint=20")
con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
print("ready", flush=True)
n = 0
while not stop.is_set():
    con.execute("BEGIN")
    con.executemany("INSERT INTO t (v) VALUES (?)", [("row %d" % (n + i) + "z" * 200,) for i in range(50)])
    con.execute("DELETE FROM t WHERE id <= (SELECT max(id) FROM t) - 2000")
    con.execute("COMMIT")
    n += 50
    time.sleep(0.0005)  # a hook commits per event; back to back, it only measures CPU scheduling
print("committed", n, flush=True)
`;

// This writer restarts its WAL every few commits (0.5 ms apart), so on a loaded machine a read
// of the (growing) main file can be overtaken by a restart every time until the reader's busy
// timeout: the engine then refuses (DatabaseBusyError, exit 3) — it never hands out a torn or
// mixed state. Correctness is asserted for every snapshot; liveness only as "reads succeed"
// (a paced writer's liveness is covered by concurrentWriter.test.ts).
describe('snapshots while another program commits and checkpoints', () => {
  test('every snapshot is a whole committed state: integrity ok, whole transactions, never going back', async () => {
    const db = path.join(tempDir(), 'busy.db');
    const py = pythonBackground(BUSY_WRITER, db);
    await py.ready;
    const counts: number[] = [];
    const retries: string[] = [];
    const refusals: string[] = [];
    try {
      for (let i = 0; i < 25; i++) {
        let snap;
        try {
          snap = await openSnapshot(db, { busyTimeoutMs: 5_000, onRetry: (cause) => retries.push(cause) });
        } catch (e) {
          assert.ok(e instanceof DatabaseBusyError, `snapshot ${i}: only a busy refusal may stop a read, got ${String(e)}`);
          assert.equal(e.exitCode, 3);
          refusals.push(e.message);
          continue;
        }
        try {
          assert.equal(snap.exec('PRAGMA integrity_check')[0].values[0][0], 'ok', `snapshot ${i}`);
          const [count, minId, maxId] = snap.exec('SELECT COUNT(*), IFNULL(MIN(id), 1), IFNULL(MAX(id), 0) FROM t')[0].values[0].map(Number);
          assert.equal(maxId % 50, 0, `snapshot ${i}: whole transactions only`);
          assert.equal(count, Math.min(maxId, 2000), `snapshot ${i}: the window of a committed state`);
          assert.equal(maxId - minId + 1, count, `snapshot ${i}: no gaps`);
          counts.push(maxId);
        } finally {
          snap.close();
        }
      }
    } finally {
      py.child.stdin.end();
    }
    const done = await py.exited;
    const committed = Number(/committed (\d+)/.exec(done.stdout)?.[1]);
    console.log(`newest row seen: ${counts.join(',')}; re-reads because the files changed meanwhile: ${retries.length}; refused as busy: ${refusals.length}`);
    assert.ok(counts.length >= 5, `reads succeed (${counts.length} of 25; refusals: ${refusals[0] ?? ''})`);
    for (let i = 1; i < counts.length; i++) assert.ok(counts[i] >= counts[i - 1], 'snapshots never go back in time');
    assert.ok(counts[counts.length - 1] > counts[0], `the writer made progress during the test (${counts.join(',')})`);
    const final = await openSnapshot(db);
    assert.equal(Number(final.exec('SELECT MAX(id) FROM t')[0].values[0][0]), committed);
    final.close();
    assert.equal(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute("SELECT MAX(id) FROM t").fetchone()[0])`, db).trim(), String(committed));
  });
});
