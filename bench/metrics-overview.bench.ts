/**
 * All Overview data for a 1M-event database: rollup-backed getOverview() next to the same
 * numbers computed by full-scan SQL over the event tables, in the same run, on the same
 * database. Target: getOverview < 100 ms. Also checks that both give identical numbers.
 *
 *   node --import tsx bench/metrics-overview.bench.ts        (or npm run bench metrics-; BENCH_SCALE=0.1 for a quick run)
 */
import type { SqlDatabase as Database } from '../src/core/db/database';
import { getOverview, HISTOGRAM_RELATIVE_ERROR, prepareForMetrics, rebuildRollups } from '../src/core/metrics';
import type { OverviewData, TimeRange } from '../src/core/metrics';
import { buildMetricsTree } from '../src/extension/tree/metricsTreeModel';
import { buildDatabase, DAYS, MIX, NOW } from './metrics-fixture';

/** The Overview numbers straight from the event tables (what we would do without rollups). */
function overviewByFullScan(db: Database, range: TimeRange): Omit<OverviewData, 'range' | 'bucket' | 'sources'> {
  const cond = (ts: string) => [range.from !== undefined ? `${ts} >= ${range.from}` : '', range.to !== undefined ? `${ts} < ${range.to}` : ''].filter(Boolean).join(' AND ') || '1';
  const one = (sql: string) => db.exec(sql)[0].values[0] as number[];
  const perDay = new Map<number, number>();
  for (const [table] of MIX) {
    const ts = table === 'skill_invocation' ? 'invoked_at' : 'timestamp';
    for (const [d, n] of db.exec(`SELECT ${ts} / 86400 AS d, count(*) FROM ${table} WHERE ${cond(ts)} GROUP BY d`)[0]?.values ?? []) {
      perDay.set(d as number, (perDay.get(d as number) ?? 0) + (n as number));
    }
  }
  const eventsPerDay = [...perDay].sort((a, b) => a[0] - b[0]).map(([d, count]) => ({ day: new Date(d * 86400000).toISOString().slice(0, 10), count }));
  const pct = (a: number, b: number) => (b > 0 ? (100 * a) / b : null);
  const [sn, sc, sp95] = one(`SELECT count(*), sum(completed <> 0), tl_percentile(CASE WHEN completed <> 0 THEN duration_seconds END, 0.95) FROM skill_invocation WHERE ${cond('invoked_at')}`);
  const [rn, re, rc, cost, lp95] = one(`SELECT count(*), count(accuracy), sum(accuracy <> 0), total(cost_saved), tl_percentile(latency_ms, 0.95) FROM routing_metrics_events WHERE ${cond('timestamp')}`);
  const [ha, hs] = one(`SELECT count(*), sum(success <> 0) FROM self_heal_events WHERE ${cond('timestamp')}`);
  const [ca, cs] = one(`SELECT count(*), sum(success <> 0) FROM recovery_events WHERE ${cond('timestamp')}`);
  const [tn, ts, tf] = one(`SELECT count(*), sum(success = 1), sum(success = 0) FROM tool_events WHERE ${cond('timestamp')}`);
  const [on, oq, osk, os] = one(`SELECT count(*), avg(quality), count(success), sum(success <> 0) FROM session_outcome_events WHERE ${cond('timestamp')}`);
  return {
    totalEvents: eventsPerDay.reduce((s, d) => s + d.count, 0),
    eventsPerDay,
    skills: { invocations: sn, completed: sc ?? 0, completionRatePercent: pct(sc ?? 0, sn), durationP95Seconds: sp95 },
    routing: { decisions: rn, evaluated: re, correct: rc ?? 0, accuracyPercent: pct(rc ?? 0, re), costSavedUsd: cost, latencyP95Ms: lp95 },
    selfHeal: { attempts: ha, successes: hs ?? 0, successRatePercent: pct(hs ?? 0, ha) },
    recovery: { attempts: ca, successes: cs ?? 0, successRatePercent: pct(cs ?? 0, ca) },
    tools: { calls: tn, successes: ts ?? 0, successRatePercent: pct(ts ?? 0, (ts ?? 0) + (tf ?? 0)) },
    sessions: { analyses: on, avgQuality: oq, successRatePercent: pct(os ?? 0, osk) },
  };
}

function median(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

/**
 * Same numbers? Counts and sums to 1e-9 relative (sums in another order); percentiles within
 * the histogram bound (1%: HISTOGRAM_RELATIVE_ERROR).
 */
function differences(a: unknown, b: unknown, path = ''): string[] {
  const tolerance = /P\d+/.test(path) ? HISTOGRAM_RELATIVE_ERROR : 1e-9;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b)) ? [] : [`${path}: ${a} vs ${b}`];
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    return Object.keys(b).flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return a === b ? [] : [`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`];
}

async function main(): Promise<void> {
  let t0 = performance.now();
  const db = await buildDatabase();
  const count = db.exec(`SELECT ${MIX.map(([t]) => `(SELECT count(*) FROM ${t})`).join(' + ')}`)[0].values[0][0];
  console.log(`database: ${count} events over ${DAYS} days in ${MIX.length} tables, built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  rebuildRollups(db); // what the V3 migration step does on an existing database
  console.log(`V3 rollup rebuild: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  prepareForMetrics(db);

  const ranges: [string, TimeRange][] = [
    ['all', {}],
    ['30d', { from: NOW - 30 * 86400, to: NOW }],
    ['7d', { from: NOW - 7 * 86400, to: NOW }],
    ['24h', { from: NOW - 86400, to: NOW }],
  ];
  console.log('\nrange   rollups (getOverview)   full-scan SQL   speed-up   same numbers (percentiles ±1%)');
  let worst = 0;
  for (const [name, range] of ranges) {
    const fast = getOverview(db, range, { timeZone: 'UTC', nowSeconds: NOW });
    const slow = overviewByFullScan(db, range);
    const diff = differences(fast, slow);
    const tFast = median(() => getOverview(db, range, { timeZone: 'UTC', nowSeconds: NOW }), 7);
    const tSlow = median(() => overviewByFullScan(db, range), 3);
    worst = Math.max(worst, tFast);
    console.log(
      `${name.padEnd(7)} ${tFast.toFixed(1).padStart(10)} ms ${tSlow.toFixed(1).padStart(18)} ms ${(tSlow / tFast).toFixed(1).padStart(9)}×   ${diff.length === 0 ? 'yes' : `NO: ${diff.slice(0, 3).join('; ')}`}`,
    );
    if (diff.length) process.exitCode = 1;
  }
  console.log(`\nslowest getOverview: ${worst.toFixed(1)} ms (target < 100 ms: ${worst < 100 ? 'met' : 'NOT met'})`);
  const treeMs = median(() => buildMetricsTree(db, { timeZone: 'UTC', nowSeconds: NOW }), 5);
  console.log(`Metrics tree, every section (data sources, skills, routing, self-heal, migrations), all time: ${treeMs.toFixed(1)} ms`);
  db.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
