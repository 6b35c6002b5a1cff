import type { SqlDatabase as Database } from '../db/database';
import { MetricsQuery } from './context';
import { SeriesBuckets } from './seriesBuckets';
import { rollup } from './specs';
import { num, percent, queryRows, ratio } from '../db/queryHelpers';
import type { MetricsOptions, SessionsData, TimeRange } from './types';

/** Session outcomes and quality (session_outcome_events; one row per session analysis). */
export function getSessions(db: Database, range: TimeRange, options?: MetricsOptions): SessionsData {
  const q = new MetricsQuery(db, range, options);
  const src = q.rangeSource(rollup('rollup_session_hour'));
  const series = new SeriesBuckets(q, options);
  const hourly = series.source(rollup('rollup_session_hour'));
  const sums = `sum(analyses) AS n, total(quality_sum) AS qs, sum(quality_count) AS qc, sum(success_known) AS sk,
    sum(successes) AS s, total(cost_sum_usd) AS cost`;
  type Sums = { n: number; qs: number; qc: number; sk: number; s: number; cost: number };

  const t = queryRows<Sums>(db, `SELECT ${sums} FROM ${src}`)[0];
  const outcomes = queryRows<{ outcome: string | null; n: number }>(
    db,
    `SELECT outcome, sum(analyses) AS n FROM ${src} GROUP BY outcome ORDER BY n DESC, outcome`,
  ).map((r) => ({ outcome: r.outcome, count: num(r.n) }));
  const perDay = queryRows<Sums & { d: number }>(db, `SELECT ${series.keySql} AS d, ${sums} FROM ${hourly} GROUP BY d ORDER BY d`).map((r) => ({
    ...series.point(r.d),
    analyses: num(r.n),
    avgQuality: ratio(r.qs, r.qc),
    successRatePercent: percent(num(r.s), num(r.sk)),
  }));
  const outcomesPerDay = queryRows<{ d: number; outcome: string | null; n: number }>(
    db,
    `SELECT ${series.keySql} AS d, outcome, sum(analyses) AS n FROM ${hourly} GROUP BY d, outcome ORDER BY d, n DESC, outcome`,
  ).map((r) => ({ ...series.point(r.d), outcome: r.outcome, count: num(r.n) }));

  return {
    range: q.resolvedRange,
    bucket: series.bucket,
    totals: { analyses: num(t.n), avgQuality: ratio(t.qs, t.qc), successRatePercent: percent(num(t.s), num(t.sk)), costUsd: num(t.cost) },
    outcomes,
    perDay,
    outcomesPerDay,
  };
}
