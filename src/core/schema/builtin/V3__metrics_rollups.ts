import { rollupSchemaSql, rebuildRollups, WATERMARK_TABLE } from '../../metrics/rollups';
import { rollupTableDefinitions } from '../../metrics/rollupSpecs';
import type { BuiltinMigration } from '../types';

/*
 * Rollup tables behind every metrics panel (src/core/metrics/rollupSpecs.ts): hourly UTC
 * buckets per domain and dimension, daily value histograms for percentiles, per-table event
 * counts, and a per-table watermark. The step rebuilds them from the rows already present;
 * afterwards ingest keeps them current through refreshRollups().
 */
export const V3__metrics_rollups: BuiltinMigration = {
  version: 3,
  description: 'metrics_rollups',
  up: rollupSchemaSql(),
  down:
    rollupTableDefinitions()
      .map(({ table }) => `DROP TABLE IF EXISTS ${table};`)
      .join('\n') + `\nDROP TABLE IF EXISTS ${WATERMARK_TABLE};\n`,
  step: rebuildRollups,
  stepVersion: 1,
};
