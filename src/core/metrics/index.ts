/**
 * The metrics query API: everything the tree and the dashboard show, as SQL over a database
 * snapshot, read from the rollup tables (rollups.ts, rollupSpecs.ts). Synchronous (sql.js).
 * Every function prepares the database first (aggregates registered, rollups caught up).
 */
export type * from './types';
export { getOverview } from './overview';
export { getSkills } from './skills';
export { getRouting } from './routing';
export { getSelfHeal } from './selfHeal';
export { getActivity } from './activity';
export { getSessions } from './sessions';
export { claudeCodeRouting, claudeCodeSkillCalls, claudeCodeToolCalls, predictionMatches, reconcileCalls, type CallSource, type ReconciledCall } from './claudeCodeCalls';
export { getUsage, getUsageDrillRows, USAGE_SESSIONS_SHOWN, type UsageOptions } from './usage';
/** Whole database, not range-limited: freshness is about now. */
export { getDataSources, getEventSpan, DEFAULT_FRESHNESS, freshnessStatus, summarise as summariseDataSources } from './dataSources';
export { getDrillDownRows, listTableRows, DrillDownError } from './drillDown';
export { DRILL_TABLES, drillWindow, mintDrillKey, mintRowsKey, resolveDrillTarget, type RowsFilters } from './drillTargets';
export { refreshRollups, rebuildRollups, catchUpRollups, type TouchedRange } from '../rollups/refresh';
export { prepareForMetrics } from './context';
export { registerPercentileAggregates, HISTOGRAM_RELATIVE_ERROR } from '../rollups/percentile';
export { resolveTimeZone } from '../time/dayBuckets';
export { HOURLY_SERIES_MAX_SECONDS } from './seriesBuckets';
