/**
 * Team sync on a throwaway PostgreSQL cluster (the real server; test/team/pgCluster.ts):
 *  1. sync of a 1M-row routing table (BENCH_SCALE scales it) into an empty team database,
 *     next to the floor: `psql \copy` of the same rows from a CSV file into the same table
 *     (same columns, same indexes) in a second empty database. Target: within 2x of \copy.
 *  2. incremental sync of 1,000 new local rows into a team table of 10x that many rows
 *     (10M at scale 1; other machines' rows made server-side), --quick-validation. Target: under 1 s.
 *  3. the same with the default validation (every day of every table).
 * Both sides run in this run on the same machine; the sync's own phases are printed.
 *   npm run bench team-sync          BENCH_SCALE=0.1 npm run bench team-sync
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../src/cli/main';
import { connectTeam } from '../src/core/team/connection';
import { migrateTeamSchema } from '../src/core/team/schema';
import { syncToTeam, type SyncResult } from '../src/core/team/sync';
import { appendTelemetryLines, writeBigRoutingMetrics } from '../src/sample';
import { startPgCluster } from '../test/team/pgCluster';

const ROWS = Math.round(1_000_000 * Number(process.env.BENCH_SCALE ?? 1));
const cacheDir = path.join(os.tmpdir(), 'telemetry-lens-bench');
const TABLE = 'routing_metrics_events';

async function localDatabase(): Promise<{ db: string; src: string }> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const src = path.join(cacheDir, `team-sync-src-${ROWS}`);
  const cached = path.join(cacheDir, `team-sync-${ROWS}.db`);
  if (!fs.existsSync(cached)) {
    fs.rmSync(src, { recursive: true, force: true });
    fs.mkdirSync(src, { recursive: true });
    writeBigRoutingMetrics(path.join(src, 'routing-metrics.jsonl'), ROWS, { seed: 1, now: Date.UTC(2026, 10, 1), spanDays: 60 });
    const tmp = `${cached}.building`;
    fs.rmSync(tmp, { force: true });
    const code = await runCli(['migrate', '--db', tmp, src], { out: () => undefined, err: (t) => process.stderr.write(t + '\n') });
    if (code !== 0) throw new Error('migrate failed');
    fs.renameSync(tmp, cached);
  }
  // a working copy: part 2 appends to it
  const db = path.join(cacheDir, `team-sync-${ROWS}-work.db`);
  fs.copyFileSync(cached, db);
  return { db, src };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(2) + ' s';
}

function phases(r: SyncResult): string {
  const p = r.phasesMs;
  return `snapshot ${seconds(p.snapshot)}, connect+schema ${seconds(p.schema)}, push ${seconds(p.push)}, validate ${seconds(p.validate)}`;
}

async function main(): Promise<void> {
  console.log(`building/reading the local database (${ROWS} routing rows)…`);
  const { db } = await localDatabase();
  const pg = await startPgCluster();
  try {
    pg.psql('CREATE DATABASE floor OWNER tl_sync', { database: 'postgres' });
    const floorUrl = pg.url.replace(/\/team$/, '/floor');
    // the floor's table: the same migration creates the same table with the same indexes
    const c = await connectTeam(floorUrl);
    await migrateTeamSchema(c);
    const cols = (await c.query(`SELECT column_name FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, [TABLE])).rows.map((r) => String(r.column_name));
    await c.end();
    const csv = path.join(pg.dir, 'rows.csv');
    fs.chmodSync(pg.dir, 0o755);
    const localCols = cols.filter((n) => n !== 'machine');
    const py = spawnSync('python3', ['-c', `
import csv, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
cols = sys.argv[3].split(',')
with open(sys.argv[2], 'w', newline='') as f:
    w = csv.writer(f)
    for row in con.execute('SELECT ' + ', '.join('"%s"' % c for c in cols) + ' FROM ${TABLE} ORDER BY id'):
        w.writerow(['bench-floor'] + ['' if v is None else v for v in row])
`, db, csv, localCols.join(',')], { stdio: 'inherit' });
    if (py.status !== 0) throw new Error('could not write the CSV');
    const copyCmd = `\\copy ${TABLE} (${cols.join(', ')}) FROM '${csv}' WITH (FORMAT csv)`;
    let t = Date.now();
    const floor = spawnSync(pg.psqlBin, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', pg.socketDir, '-p', String(pg.port), '-U', 'postgres', '-d', 'floor', '-c', copyCmd], { encoding: 'utf8' });
    const floorMs = Date.now() - t;
    if (floor.status !== 0) throw new Error(`psql \\copy failed: ${floor.stderr}`);
    const floorRows = Number(pg.psql(`SELECT count(*) FROM ${TABLE}`, { database: 'floor' }).trim());

    t = Date.now();
    const full = await syncToTeam(db, pg.url, { machine: 'bench-sync' });
    const syncMs = Date.now() - t;
    const synced = full.tables.find((x) => x.table === TABLE)!;
    if (!full.validation?.ok || synced.inserted !== ROWS || floorRows !== ROWS) throw new Error(`row counts differ: sync ${synced.inserted}, \\copy ${floorRows}, expected ${ROWS}`);
    console.log(`\n1. ${ROWS} rows into an empty team database`);
    console.log(`   psql \\copy from CSV (floor)          ${seconds(floorMs)}`);
    console.log(`   telemetry-lens sync (whole run)      ${seconds(syncMs)}   ratio ${(syncMs / floorMs).toFixed(2)}x   [${phases(full)}]`);
    console.log(`   sync without snapshot+validation     ${seconds(full.phasesMs.push)}   ratio ${(full.phasesMs.push / floorMs).toFixed(2)}x (rows pushed with COPY FROM STDIN: straight into the table on a first sync, staging + ON CONFLICT otherwise)`);

    // 2. grow the team table to 10x with other machines' rows, server-side; VACUUM ANALYZE as
    //    autovacuum would have done on a team table that grew over weeks (visibility map set:
    //    validation's count of this machine's rows is an index-only scan)
    const copies = 9;
    t = Date.now();
    pg.psql(`INSERT INTO ${TABLE} SELECT 'other-' || g, ${localCols.join(', ')} FROM ${TABLE}, generate_series(1, ${copies}) g WHERE machine = 'bench-sync'`);
    pg.psql(`VACUUM ANALYZE ${TABLE}`);
    const teamRows = Number(pg.psql(`SELECT count(*) FROM ${TABLE}`).trim());
    console.log(`\n2. team table grown to ${teamRows} rows (${seconds(Date.now() - t)})`);
    const src = path.join(cacheDir, `team-sync-inc-${ROWS}`);
    fs.rmSync(src, { recursive: true, force: true });
    fs.mkdirSync(src, { recursive: true });
    appendTelemetryLines(path.join(src, 'routing-metrics.jsonl'), 'routing-metrics', 1000, { seed: 77, now: Date.UTC(2026, 10, 2) });
    const mig = await runCli(['migrate', '--db', db, src], { out: () => undefined, err: (x) => process.stderr.write(x + '\n') });
    if (mig !== 0) throw new Error('migrate of the 1,000 rows failed');
    const runs: SyncResult[] = [];
    const times: number[] = [];
    for (let round = 0; round < 3; round++) {
      if (round > 0) {
        // next round: another 1,000 rows
        appendTelemetryLines(path.join(src, 'routing-metrics.jsonl'), 'routing-metrics', 1000, { seed: 77 + round, now: Date.UTC(2026, 10, 2 + round) });
        await runCli(['migrate', '--db', db, src], { out: () => undefined, err: (x) => process.stderr.write(x + '\n') });
      }
      t = Date.now();
      const r = await syncToTeam(db, pg.url, { machine: 'bench-sync', quickValidation: true });
      times.push(Date.now() - t);
      runs.push(r);
      const inc = r.tables.find((x) => x.table === TABLE)!;
      if (inc.inserted !== 1000 || !r.validation?.ok) throw new Error(`incremental sync inserted ${inc.inserted}, validation ${r.validation?.ok}`);
    }
    const best = times.indexOf(Math.min(...times));
    console.log(`   incremental sync of 1,000 new rows with --quick-validation (totals + touched days), 3 rounds: ${times.map(seconds).join(', ')}`);
    console.log(`   best round phases: [${phases(runs[best])}]`);
    console.log(`   push of the 1,000 rows alone: ${runs.map((r) => seconds(r.phasesMs.push)).join(', ')}   (target: whole run < 1 s)`);

    // 3. the same incremental sync with the default validation: every day of every table, the
    //    machine's rows counted per day on both sides
    const fullTimes: number[] = [];
    const fullRuns: SyncResult[] = [];
    for (let round = 0; round < 2; round++) {
      appendTelemetryLines(path.join(src, 'routing-metrics.jsonl'), 'routing-metrics', 1000, { seed: 90 + round, now: Date.UTC(2026, 10, 6 + round) });
      await runCli(['migrate', '--db', db, src], { out: () => undefined, err: (x) => process.stderr.write(x + '\n') });
      t = Date.now();
      const r = await syncToTeam(db, pg.url, { machine: 'bench-sync' });
      fullTimes.push(Date.now() - t);
      fullRuns.push(r);
      if (!r.validation?.ok) throw new Error('full validation failed');
    }
    const fb = fullTimes.indexOf(Math.min(...fullTimes));
    console.log(`\n3. the same with the default validation (every day of ${ROWS + 5000} local rows vs the machine's team rows), 2 rounds: ${fullTimes.map(seconds).join(', ')}`);
    console.log(`   best round phases: [${phases(fullRuns[fb])}]   --quick-validation (best of part 2): ${seconds(runs[best].phasesMs.validate)}`);
  } finally {
    pg.stop();
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
