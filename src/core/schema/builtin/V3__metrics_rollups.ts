import { rebuildRollups, rollupSchemaSql, TIME_INDEX_SQL, WATERMARK_TABLE } from '../../metrics/rollups';
import { rollupTableDefinitions } from '../../metrics/rollupSpecs';
import type { BuiltinMigration } from '../types';

/*
 * Rollup tables behind every metrics panel (src/core/metrics/rollupSpecs.ts): hourly UTC buckets
 * per domain and dimension (daily for data only read as range totals, and for value
 * histograms), each with 1/8/64-day block levels; per-table event counts; a per-table
 * watermark; and an index on skill_invocation(invoked_at) for range reads. The step rebuilds
 * them from the rows already present; afterwards ingest keeps them current through
 * refreshRollups().
 */
export const V3__metrics_rollups: BuiltinMigration = {
  version: 3,
  description: 'metrics_rollups',
  up: rollupSchemaSql() + TIME_INDEX_SQL,
  down:
    rollupTableDefinitions()
      .map(({ table }) => `DROP TABLE IF EXISTS ${table};`)
      .join('\n') + `\nDROP TABLE IF EXISTS ${WATERMARK_TABLE};\nDROP INDEX IF EXISTS idx_skill_invocation_invoked_at;\n`,
  step: rebuildRollups,
  stepVersion: 1,
};
