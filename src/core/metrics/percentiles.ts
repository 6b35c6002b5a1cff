import type { MetricsQuery } from './context';
import { ALL_DIMENSIONS } from '../rollups/specs';
import { histogram, HistogramMetric } from './specs';
import { queryRows } from '../db/queryHelpers';

type Metric = (typeof HistogramMetric)[keyof typeof HistogramMetric];

export interface PercentileSet {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * p50/p95/p99 of a histogram metric over the range, per dimension value. The histogram is
 * first summed per (dim, value) in SQL, so the registered aggregate sees distinct values only.
 */
export function percentilesByDim(q: MetricsQuery, metric: Metric, perDim = true): Map<string | null, PercentileSet> {
  const rows = queryRows<{ dim: string | null; ps: string | null }>(
    q.db,
    `SELECT dim, tl_weighted_percentiles(value, n, '[0.5,0.95,0.99]') AS ps
     FROM (SELECT dim, value, sum(n) AS n FROM ${q.rangeSource(histogram(perDim ? metric : metric + ALL_DIMENSIONS))} GROUP BY 1, 2)
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
