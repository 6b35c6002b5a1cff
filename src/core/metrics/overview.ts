import type { SqlDatabase as Database } from '../db/database';
import { MetricsQuery } from './context';
import { getDataSources } from './dataSources';
import { overallPercentiles } from './percentiles';
import { SeriesBuckets } from './seriesBuckets';
import { listEventTables } from '../rollups/refresh';
import { eventCountSpec, HistogramMetric, rollup } from './specs';
import { num, percent, queryRows, ratio } from '../db/queryHelpers';
import type { MetricsOptions, OverviewData, TimeRange } from './types';

/** The headline numbers of every domain plus events per day: all from rollups. */
export function getOverview(db: Database, range: TimeRange, options?: MetricsOptions): OverviewData {
  const q = new MetricsQuery(db, range, options);
  const series = new SeriesBuckets(q, options);
  const countSpecs = listEventTables(db)
    .filter((t) => t.tsColumn)
    .map((t) => eventCountSpec(t.name, t.tsColumn!));
  // a database without event tables (new file, not migrated yet) has no per-table counts to read
  const eventsPerDay =
    countSpecs.length === 0
      ? []
      : queryRows<{ d: number; n: number }>(db, `SELECT ${series.keySql} AS d, sum(events) AS n FROM ${series.sourceShared(countSpecs)} GROUP BY d ORDER BY d`).map(
          (r) => ({ ...series.point(r.d), count: num(r.n) }),
        );

  const one = <T>(sql: string) => queryRows<T>(db, sql)[0];
  const sk = one<{ n: number; c: number }>(`SELECT sum(invocations) AS n, sum(completed) AS c FROM ${q.rangeSource(rollup('rollup_skill_hour'))}`);
  const ro = one<{ n: number; e: number; c: number; cost: number }>(
    `SELECT sum(decisions) AS n, sum(evaluated) AS e, sum(correct) AS c, total(cost_saved_sum_usd) AS cost FROM ${q.rangeSource(rollup('rollup_routing_hour'))}`,
  );
  const sh = one<{ a: number; s: number }>(`SELECT sum(attempts) AS a, sum(successes) AS s FROM ${q.rangeSource(rollup('rollup_self_heal_hour'))}`);
  const re = one<{ a: number; s: number }>(`SELECT sum(attempts) AS a, sum(successes) AS s FROM ${q.rangeSource(rollup('rollup_recovery_hour'))}`);
  const to = one<{ n: number; s: number; f: number }>(
    `SELECT sum(calls) AS n, sum(successes) AS s, sum(failures) AS f FROM ${q.rangeSource(rollup('rollup_tool_hour'))}`,
  );
  const se = one<{ n: number; qs: number; qc: number; sk: number; s: number }>(
    `SELECT sum(analyses) AS n, total(quality_sum) AS qs, sum(quality_count) AS qc, sum(success_known) AS sk, sum(successes) AS s
     FROM ${q.rangeSource(rollup('rollup_session_hour'))}`,
  );

  return {
    range: q.resolvedRange,
    bucket: series.bucket,
    totalEvents: eventsPerDay.reduce((s, d) => s + d.count, 0),
    eventsPerDay,
    skills: {
      invocations: num(sk.n),
      completed: num(sk.c),
      completionRatePercent: percent(num(sk.c), num(sk.n)),
      durationP95Seconds: overallPercentiles(q, HistogramMetric.skillDurationSeconds).p95,
    },
    routing: {
      decisions: num(ro.n),
      evaluated: num(ro.e),
      correct: num(ro.c),
      accuracyPercent: percent(num(ro.c), num(ro.e)),
      costSavedUsd: num(ro.cost),
      latencyP95Ms: overallPercentiles(q, HistogramMetric.routingLatencyMs).p95,
    },
    selfHeal: { attempts: num(sh.a), successes: num(sh.s), successRatePercent: percent(num(sh.s), num(sh.a)) },
    recovery: { attempts: num(re.a), successes: num(re.s), successRatePercent: percent(num(re.s), num(re.a)) },
    tools: { calls: num(to.n), successes: num(to.s), successRatePercent: percent(num(to.s), num(to.s) + num(to.f)) },
    sessions: { analyses: num(se.n), avgQuality: ratio(se.qs, se.qc), successRatePercent: percent(num(se.s), num(se.sk)) },
    sources: getDataSources(db, options).summary,
  };
}
