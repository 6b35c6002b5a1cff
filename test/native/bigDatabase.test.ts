/**
 * Must show (issue 11): a 3 GB generated database (native): open, dashboard overview,
 * incremental ingest. sql.js cannot load a file over 2 GiB at all; the native engine opens it
 * in place. The bulk is what the users' programs keep beside the events (python3 sqlite3, WAL:
 * a hook's table of raw 1 MiB payloads); the events come through `migrate`. Size:
 * TL_BIG_DB_BYTES (default 3e9).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { answerDataRequest } from '../../src/core/dashboard/dashboardRequests';
import { pyScalar, python, requireNative, routingLines, runCliProcess, tempDir } from './helpers';

const BYTES = Number(process.env.TL_BIG_DB_BYTES ?? 3e9);
const LINES = 20_000;

/** The users' writer: `count` rows of 1 MiB random bytes into its own table (WAL), committed every 64. */
const FILL = `
import sqlite3, sys
db, count = sys.argv[1], int(sys.argv[2])
con = sqlite3.connect(db, timeout=5)
con.execute("PRAGMA journal_mode=WAL")
con.execute("CREATE TABLE IF NOT EXISTS hook_payloads (id INTEGER PRIMARY KEY, at REAL, payload BLOB)")
con.commit()
done = 0
while done < count:
    n = min(64, count - done)
    con.execute("WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < ?) INSERT INTO hook_payloads (at, payload) SELECT 1767225600 + i, randomblob(1048576) FROM k", (n,))
    con.commit()
    done += n
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.close()
print(done)
`;

describe('a database far beyond sql.js', () => {
  test(`${(BYTES / 1e9).toFixed(1)} GB: migrate into it, dashboard overview, incremental ingest (native)`, async () => {
    requireNative();
    const dir = tempDir('tl-bigdb-');
    const db = path.join(dir, 'big.db');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const source = path.join(logs, 'routing-metrics.jsonl');
    try {
      const t0 = performance.now();
      python(FILL, db, String(Math.ceil(BYTES / 1048576)));
      const size = fs.statSync(db).size;
      assert.ok(size >= BYTES, `generated ${size} bytes`);
      const fillMs = performance.now() - t0;

      fs.writeFileSync(source, routingLines(0, LINES));
      const first = await runCliProcess(['migrate', '--db', db, '--engine', 'native', '--json', logs]);
      assert.equal(first.code, 0, first.stderr);
      assert.equal((JSON.parse(first.stdout) as { sources: { inserted: number }[] }).sources[0].inserted, LINES);

      // the dashboard's overview, as the panel asks for it (the host's request path)
      const snap = await openSnapshot(db, { engine: 'native' });
      let totalEvents: number;
      const t1 = performance.now();
      try {
        const reply = await answerDataRequest({ type: 'requestData', requestId: 1, tab: 'overview', range: { preset: 'all' } }, { snapshot: async () => snap, metricsOptions: () => ({ timeZone: 'UTC' }), nowSeconds: () => 1767225600 + LINES + 60 });
        assert.equal(reply?.type, 'data', JSON.stringify(reply).slice(0, 300));
        const payload = (reply as { payload: { tab: string; overview: { totalEvents: number; routing: { decisions: number } } } }).payload;
        assert.equal(payload.tab, 'overview');
        totalEvents = payload.overview.totalEvents;
        assert.equal(payload.overview.routing.decisions, LINES);
      } finally {
        snap.close();
      }
      const overviewMs = performance.now() - t1;
      assert.equal(totalEvents, LINES);

      fs.appendFileSync(source, routingLines(LINES, 100));
      const inc = await runCliProcess(['migrate', '--db', db, '--engine', 'native', '--json', logs], { measureIo: true });
      assert.equal(inc.code, 0, inc.stderr);
      assert.equal((JSON.parse(inc.stdout) as { sources: { inserted: number }[] }).sources[0].inserted, 100);
      assert.ok(inc.writeBytes !== null && inc.writeBytes < 4 << 20, `incremental wrote ${inc.writeBytes} bytes into a ${size}-byte file`);
      assert.equal(pyScalar(db, 'SELECT count(*) FROM routing_metrics_events'), LINES + 100);
      assert.equal(pyScalar(db, 'SELECT count(*) FROM hook_payloads'), Math.ceil(BYTES / 1048576), "the users' rows are all there");
      assert.equal(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute('PRAGMA quick_check').fetchone()[0])`, db).trim(), 'ok');
      console.log(
        `${(size / 1e9).toFixed(2)} GB database (filled in ${(fillMs / 1000).toFixed(0)} s): first migrate ${(first.ms / 1000).toFixed(1)} s, overview ${overviewMs.toFixed(0)} ms, incremental 100 lines ${(inc.ms / 1000).toFixed(1)} s (process) writing ${((inc.writeBytes ?? 0) / 1024).toFixed(0)} KiB`,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
