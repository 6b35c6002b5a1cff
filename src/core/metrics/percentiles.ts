import type { MetricsQuery } from './context';
import { ALL_DIMENSIONS, DAY, HISTOGRAM_BLOCK_DAYS, HISTOGRAM_BLOCK_TABLE, rollupSelectSql } from './rollupSpecs';
import { histogram, HistogramMetric } from './specs';
import { queryOne, queryRows } from './sql';

type Metric = (typeof HistogramMetric)[keyof typeof HistogramMetric];

export interface PercentileSet {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

interface Run {
  grainDays: number;
  from: number;
  to: number;
}

/**
 * Splits whole days [from, to) into the fewest aligned blocks (64-day, 8-day, then days), so a
 * year reads a few dozen histogram blocks instead of 365 daily ones.
 */
export function decomposeDays(from: number, to: number): Run[] {
  const runs: Run[] = [];
  let p = from;
  while (p < to) {
    const days = HISTOGRAM_BLOCK_DAYS.find((d) => p % (d * DAY) === 0 && p + d * DAY <= to) ?? 1;
    const last = runs[runs.length - 1];
    if (last && last.grainDays === days && last.to === p) last.to = p + days * DAY;
    else runs.push({ grainDays: days, from: p, to: p + days * DAY });
    p += days * DAY;
  }
  return runs;
}

/** Histogram rows (dim, value, n) for the range: blocks + days + partial days from the events. */
function histogramSql(q: MetricsQuery, metric: string): string {
  const spec = histogram(metric);
  const cols = 'dim, value, n';
  const literal = `'${metric}'`;
  let lo = q.from;
  let hi = q.to;
  if (lo === undefined || hi === undefined) {
    const span = queryOne<{ lo: number | null; hi: number | null }>(
      q.db,
      // two subqueries: SQLite answers a lone min()/max() from the index, not both at once
      `SELECT (SELECT min(bucket_ts) FROM rollup_value_hist_day WHERE metric = ${literal}) AS lo,
              (SELECT max(bucket_ts) FROM rollup_value_hist_day WHERE metric = ${literal}) AS hi`,
    );
    const big = HISTOGRAM_BLOCK_DAYS[0] * DAY;
    lo ??= Math.floor((span?.lo ?? 0) / big) * big;
    hi ??= Math.ceil(((span?.hi ?? 0) + DAY) / big) * big;
  }
  const first = Math.ceil(lo / DAY) * DAY;
  const end = Math.floor(hi / DAY) * DAY;
  const parts: string[] = [];
  const edge = (a: number, b: number) => `SELECT ${cols} FROM (${rollupSelectSql(spec, `$ts >= ${a} AND $ts < ${b}`)})`;
  if (first >= end) {
    if (lo < hi) parts.push(edge(lo, hi));
  } else {
    for (const run of decomposeDays(first, end)) {
      parts.push(
        run.grainDays === 1
          ? `SELECT ${cols} FROM rollup_value_hist_day WHERE metric = ${literal} AND bucket_ts >= ${run.from} AND bucket_ts < ${run.to}`
          : `SELECT ${cols} FROM ${HISTOGRAM_BLOCK_TABLE} WHERE metric = ${literal} AND grain_days = ${run.grainDays} AND bucket_ts >= ${run.from} AND bucket_ts < ${run.to}`,
      );
    }
    if (lo < first) parts.push(edge(lo, first));
    if (end < hi) parts.push(edge(end, hi));
  }
  return parts.length ? `(${parts.join('\nUNION ALL\n')})` : `(SELECT NULL AS dim, NULL AS value, 0 AS n WHERE 0)`;
}

/**
 * p50/p95/p99 of a histogram metric over the range, per dimension value. The histogram is
 * first summed per (dim, value) in SQL, so the registered aggregate sees distinct values only.
 */
export function percentilesByDim(q: MetricsQuery, metric: Metric, perDim = true): Map<string | null, PercentileSet> {
  const rows = queryRows<{ dim: string | null; ps: string | null }>(
    q.db,
    `SELECT dim, tl_weighted_percentiles(value, n, '[0.5,0.95,0.99]') AS ps
     FROM (SELECT dim, value, sum(n) AS n FROM ${histogramSql(q, perDim ? metric : metric + ALL_DIMENSIONS)} GROUP BY 1, 2)
     GROUP BY dim`,
  ).map((r) => {
    const [p50, p95, p99] = r.ps ? (JSON.parse(r.ps) as (number | null)[]) : [null, null, null];
    return { dim: r.dim, p50, p95, p99 };
  });
  return new Map(rows.map((r) => [r.dim, { p50: r.p50, p95: r.p95, p99: r.p99 }]));
}

export function overallPercentiles(q: MetricsQuery, metric: Metric): PercentileSet {
  return percentilesByDim(q, metric, false).get(null) ?? { p50: null, p95: null, p99: null };
}
