import type { SqlDatabase as Database } from '../db/database';
import { MetricsQuery } from './context';
import { overallPercentiles, percentilesByDim } from './percentiles';
import { SeriesBuckets } from './seriesBuckets';
import { HistogramMetric, rollup } from './specs';
import { num, percent, queryRows, ratio } from '../db/queryHelpers';
import type { MetricsOptions, RoutingData, TimeRange } from './types';

/** Model-routing metrics (routing_metrics_events, expertise_routing_events). */
export function getRouting(db: Database, range: TimeRange, options?: MetricsOptions): RoutingData {
  const q = new MetricsQuery(db, range, options);
  const src = q.rangeSource(rollup('rollup_routing_hour'));
  const series = new SeriesBuckets(q, options);
  const hourly = series.source(rollup('rollup_routing_hour'));
  const sums = `sum(decisions) AS decisions, sum(evaluated) AS evaluated, sum(correct) AS correct, total(dq_sum) AS dq_sum,
    sum(dq_count) AS dq_count, total(cost_saved_sum_usd) AS cost, total(latency_sum_ms) AS lat_sum, sum(latency_count) AS lat_count`;
  type Sums = { model: string | null; decisions: number; evaluated: number; correct: number; dq_sum: number; dq_count: number; cost: number; lat_sum: number; lat_count: number };

  const t = queryRows<Sums>(db, `SELECT NULL AS model, ${sums} FROM ${src}`)[0];
  const latency = overallPercentiles(q, HistogramMetric.routingLatencyMs);
  const latencyByModel = percentilesByDim(q, HistogramMetric.routingLatencyMs, true);

  const perModel = queryRows<Sums>(
    db,
    `SELECT predicted_model AS model, ${sums} FROM ${src} WHERE predicted_model IS NOT NULL
     GROUP BY predicted_model ORDER BY decisions DESC, predicted_model`,
  ).map((r) => ({
    model: String(r.model),
    decisions: num(r.decisions),
    evaluated: num(r.evaluated),
    correct: num(r.correct),
    accuracyPercent: percent(num(r.correct), num(r.evaluated)),
    dqAvg: ratio(r.dq_sum, r.dq_count),
    latencyP95Ms: latencyByModel.get(r.model)?.p95 ?? null,
    costSavedUsd: num(r.cost),
  }));

  const days = queryRows<{ d: number; decisions: number; evaluated: number; correct: number; cost: number }>(
    db,
    `SELECT ${series.keySql} AS d, sum(decisions) AS decisions, sum(evaluated) AS evaluated, sum(correct) AS correct,
            total(cost_saved_sum_usd) AS cost
     FROM ${hourly} GROUP BY d ORDER BY d`,
  );
  let cumulative = 0;
  const costSavedPerDay = days.map((r) => {
    cumulative += num(r.cost);
    return { ...series.point(r.d), costSavedUsd: num(r.cost), cumulativeCostSavedUsd: cumulative };
  });

  const cells = queryRows<{ predicted: string; actual: string; n: number }>(
    db,
    `SELECT predicted_model AS predicted, actual_model AS actual, sum(decisions) AS n FROM ${src}
     WHERE predicted_model IS NOT NULL AND actual_model IS NOT NULL GROUP BY 1, 2`,
  );
  const models = [...new Set(cells.flatMap((c) => [c.predicted, c.actual]))].sort();
  const counts = models.map(() => models.map(() => 0));
  for (const c of cells) counts[models.indexOf(c.predicted)][models.indexOf(c.actual)] = num(c.n);

  const dqBuckets = new Map(
    queryRows<{ bucket: number; n: number }>(db, `SELECT bucket, sum(n) AS n FROM ${q.rangeSource(rollup('rollup_routing_dq_day'))} GROUP BY bucket`).map(
      (r) => [num(r.bucket), num(r.n)],
    ),
  );
  const dqDistribution = Array.from({ length: 10 }, (_, i) => ({ fromScore: i / 10, toScore: (i + 1) / 10, count: dqBuckets.get(i) ?? 0 }));

  const expertiseRows = queryRows<{ domain: string; chosen_model: string | null; n: number; es: number; ec: number; cs: number; cc: number }>(
    db,
    `SELECT domain, chosen_model, sum(routings) AS n, total(expertise_sum) AS es, sum(expertise_count) AS ec,
            total(complexity_sum) AS cs, sum(complexity_count) AS cc
     FROM ${q.rangeSource(rollup('rollup_expertise_day'))} GROUP BY domain, chosen_model`,
  );
  const domains = new Map<string, { routings: number; es: number; ec: number; cs: number; cc: number; models: { model: string | null; count: number }[] }>();
  for (const r of expertiseRows) {
    const d = domains.get(r.domain) ?? { routings: 0, es: 0, ec: 0, cs: 0, cc: 0, models: [] };
    d.routings += num(r.n);
    d.es += num(r.es);
    d.ec += num(r.ec);
    d.cs += num(r.cs);
    d.cc += num(r.cc);
    d.models.push({ model: r.chosen_model, count: num(r.n) });
    domains.set(r.domain, d);
  }
  const expertiseDomains = [...domains]
    .map(([domain, d]) => ({
      domain,
      routings: d.routings,
      expertiseLevelAvg: ratio(d.es, d.ec),
      queryComplexityAvg: ratio(d.cs, d.cc),
      chosenModels: d.models.sort((a, b) => b.count - a.count || String(a.model).localeCompare(String(b.model))),
    }))
    .sort((a, b) => b.routings - a.routings || a.domain.localeCompare(b.domain));

  return {
    range: q.resolvedRange,
    bucket: series.bucket,
    totals: {
      decisions: num(t.decisions),
      evaluated: num(t.evaluated),
      correct: num(t.correct),
      accuracyPercent: percent(num(t.correct), num(t.evaluated)),
      dqAvg: ratio(t.dq_sum, t.dq_count),
      costSavedUsd: num(t.cost),
      latencyAvgMs: ratio(t.lat_sum, t.lat_count),
      latencyP50Ms: latency.p50,
      latencyP95Ms: latency.p95,
      latencyP99Ms: latency.p99,
    },
    perModel,
    perDay: days.map((r) => ({
      ...series.point(r.d),
      decisions: num(r.decisions),
      evaluated: num(r.evaluated),
      correct: num(r.correct),
      accuracyPercent: percent(num(r.correct), num(r.evaluated)),
    })),
    confusion: { models, counts },
    dqDistribution,
    costSavedPerDay,
    expertiseDomains,
  };
}
