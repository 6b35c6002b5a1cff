/**
 * The metrics query API: everything the tree and the dashboard show, as pure SQL over a
 * database snapshot (rollup-backed; see rollups.ts). All functions are synchronous (sql.js).
 */
import type { Database } from 'sql.js';
import type {
  ActivityData,
  DataSourcesData,
  DrillDownRequest,
  DrillDownResult,
  FreshnessThresholds,
  MetricsOptions,
  OverviewData,
  RoutingData,
  SelfHealData,
  SessionsData,
  SkillsData,
  TimeRange,
} from './types';

export type * from './types';

/** Defaults of the telemetryLens.freshness.* settings: live within 1 day, stale within 7. */
export const DEFAULT_FRESHNESS: FreshnessThresholds = { liveWithinSeconds: 24 * 3600, staleWithinSeconds: 7 * 24 * 3600 };

const pending = (name: string): never => {
  throw new Error(`metrics: ${name} lands in the next commit`);
};

export function getOverview(_db: Database, _range: TimeRange, _options?: MetricsOptions): OverviewData {
  return pending('getOverview');
}
export function getSkills(_db: Database, _range: TimeRange, _options?: MetricsOptions): SkillsData {
  return pending('getSkills');
}
export function getRouting(_db: Database, _range: TimeRange, _options?: MetricsOptions): RoutingData {
  return pending('getRouting');
}
export function getSelfHeal(_db: Database, _range: TimeRange, _options?: MetricsOptions): SelfHealData {
  return pending('getSelfHeal');
}
export function getActivity(_db: Database, _range: TimeRange, _options?: MetricsOptions): ActivityData {
  return pending('getActivity');
}
export function getSessions(_db: Database, _range: TimeRange, _options?: MetricsOptions): SessionsData {
  return pending('getSessions');
}
/** Whole database, not range-limited: freshness is about now. */
export function getDataSources(_db: Database, _options?: MetricsOptions): DataSourcesData {
  return pending('getDataSources');
}
export function getDrillDownRows(_db: Database, _request: DrillDownRequest): DrillDownResult {
  return pending('getDrillDownRows');
}
