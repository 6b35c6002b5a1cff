import type { MetricsQuery } from './context';
import { histogram, HistogramMetric } from './specs';
import { queryRows } from './sql';

type Metric = (typeof HistogramMetric)[keyof typeof HistogramMetric];

export interface PercentileSet {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * p50/p95/p99 of a histogram metric over the range, per dimension value (key '' = all).
 * The histogram is first summed per (dim, value) in SQL, so the registered aggregate sees
 * distinct values only.
 */
export function percentilesByDim(q: MetricsQuery, metric: Metric, perDim: boolean): Map<string | null, PercentileSet> {
  const dim = perDim ? 'dim' : 'NULL';
  const rows = queryRows<{ dim: string | null; p50: number | null; p95: number | null; p99: number | null }>(
    q.db,
    `SELECT d AS dim, tl_weighted_percentile(value, n, 0.5) AS p50, tl_weighted_percentile(value, n, 0.95) AS p95,
            tl_weighted_percentile(value, n, 0.99) AS p99
     FROM (SELECT ${dim} AS d, value, sum(n) AS n FROM ${q.source(histogram(metric))} GROUP BY 1, 2)
     GROUP BY d`,
  );
  return new Map(rows.map((r) => [r.dim, { p50: r.p50, p95: r.p95, p99: r.p99 }]));
}

export function overallPercentiles(q: MetricsQuery, metric: Metric): PercentileSet {
  return percentilesByDim(q, metric, false).get(null) ?? { p50: null, p95: null, p99: null };
}
