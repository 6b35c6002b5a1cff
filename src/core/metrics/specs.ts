import { DOMAIN_ROLLUPS, eventCountSpec, HistogramMetric, type RollupSpec } from '../rollups/specs';

/** Looks up the spec of a rollup table (histograms by metric). */
export function rollup(table: string): RollupSpec {
  const spec = DOMAIN_ROLLUPS.find((s) => s.table === table && !s.partition);
  if (!spec) throw new Error(`no rollup ${table}`);
  return spec;
}

export function histogram(metric: string): RollupSpec {
  const spec = DOMAIN_ROLLUPS.find((s) => s.partition === `metric = '${metric}'`);
  if (!spec) throw new Error(`no histogram ${metric}`);
  return spec;
}

export { eventCountSpec, HistogramMetric };
