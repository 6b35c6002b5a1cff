/**
 * The team database under load, on a real PostgreSQL: four machines syncing 100k rows each at the
 * same time (and a fifth run of one of them racing itself) lose nothing and double nothing; a
 * sync killed with SIGKILL at random moments, ten times, re-runs to the exact result.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startPgCluster, type PgCluster } from './pgCluster';
import { cliProcess, routingDatabase, tempDir } from './helpers';

const ROWS = 100_000;
/** the kill trials re-sync a whole table ten times: a smaller one keeps them quick, the batches many */
const KILL_ROWS = 30_000;

describe('sync: concurrency and kill -9', () => {
  let pg: PgCluster;
  let dir: string;
  let db: string;
  let killDb: string;
  before(async () => {
    pg = await startPgCluster();
    dir = tempDir('conc');
    db = await routingDatabase(dir, ROWS);
    killDb = await routingDatabase(dir, KILL_ROWS, 11);
  });
  after(() => {
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** rows, distinct local ids and distinct content identities of one machine in the team table */
  function teamRows(machine: string): { rows: number; ids: number; identities: number } {
    const [rows, ids, identities] = pg
      .psql(`SELECT count(*), count(DISTINCT id), count(DISTINCT (stream_id, row_hash, row_seq)) FROM routing_metrics_events WHERE machine = '${machine}'`)
      .trim()
      .split('|')
      .map(Number);
    return { rows, ids, identities };
  }

  test('four machines x 100k rows at once: 0 lost, 0 duplicated', async () => {
    const machines = ['m1', 'm2', 'm3', 'm4'];
    // each machine its own copy of the file: identical events on every machine, all kept
    const dbs = machines.map((m) => {
      const copy = path.join(dir, `${m}.db`);
      fs.copyFileSync(db, copy);
      return copy;
    });
    const runs = machines.map((m, i) => cliProcess(['sync', '--db', dbs[i], '--to', pg.url, '--machine', m, '--batch-rows', '20000', '--json']));
    // the same machine synced twice at once: the runs serialise on its lock, neither doubles a row
    runs.push(cliProcess(['sync', '--db', dbs[0], '--to', pg.url, '--machine', 'm1', '--batch-rows', '20000', '--json']));
    const results = await Promise.all(runs.map((r) => r.exited));
    for (const r of results) {
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).validation.ok, true);
    }
    const inserted = results.slice(0, 4).map((r) => JSON.parse(r.stdout).tables.find((t: { table: string }) => t.table === 'routing_metrics_events').inserted);
    const racer = JSON.parse(results[4].stdout).tables.find((t: { table: string }) => t.table === 'routing_metrics_events').inserted;
    assert.equal(inserted[0] + racer, ROWS, 'the two runs of m1 inserted each row once between them');
    for (const m of machines) assert.deepEqual(teamRows(m), { rows: ROWS, ids: ROWS, identities: ROWS }, m);
    assert.equal(Number(pg.psql(`SELECT count(*) FROM routing_metrics_events`).trim()), 4 * ROWS);
    assert.equal(Number(pg.psql(`SELECT count(*) FROM team_watermarks WHERE table_name = 'routing_metrics_events' AND last_id = (SELECT max(last_id) FROM team_watermarks)`).trim()), 4);
  });

  test('kill -9 mid-sync, 10 trials: each re-run is exact', async () => {
    let midway = 0;
    for (let trial = 0; trial < 10; trial++) {
      const machine = `killed-${trial}`;
      const run = cliProcess(['sync', '--db', killDb, '--to', pg.url, '--machine', machine, '--batch-rows', '1500']);
      // wait until some batches committed (or, in the first trials, kill early), then SIGKILL at a random moment
      const wantCommitted = trial < 2 ? 0 : 1;
      const deadline = Date.now() + 60_000;
      let exited = false;
      run.exited.then(() => (exited = true));
      while (!exited && Date.now() < deadline) {
        const wm = Number(pg.psql(`SELECT coalesce(max(last_id), 0) FROM team_watermarks WHERE machine = '${machine}'`).trim());
        if (wm >= wantCommitted) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 250)));
      run.child.kill('SIGKILL');
      const killed = await run.exited;
      const wm = Number(pg.psql(`SELECT coalesce(max(last_id), 0) FROM team_watermarks WHERE machine = '${machine}' AND table_name = 'routing_metrics_events'`).trim());
      const before = teamRows(machine);
      if (killed.signal === 'SIGKILL' && wm > 0 && wm < KILL_ROWS) midway++;
      // what was committed is whole: the rows are exactly those up to the watermark
      assert.equal(before.rows, Number(pg.psql(`SELECT count(*) FROM routing_metrics_events WHERE machine = '${machine}' AND id <= ${wm}`).trim()));
      assert.equal(before.rows, before.identities);
      const rerun = cliProcess(['sync', '--db', killDb, '--to', pg.url, '--machine', machine, '--json']);
      const r = await rerun.exited;
      assert.equal(r.code, 0, r.stderr);
      const json = JSON.parse(r.stdout);
      assert.equal(json.validation.ok, true);
      assert.deepEqual(teamRows(machine), { rows: KILL_ROWS, ids: KILL_ROWS, identities: KILL_ROWS }, `trial ${trial}`);
      assert.equal(json.tables.find((t: { table: string }) => t.table === 'routing_metrics_events').inserted, KILL_ROWS - before.rows);
    }
    assert.ok(midway >= 5, `at least half the kills landed between batches of a running sync (${midway}/10)`);
  });
});
