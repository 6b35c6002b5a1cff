import type { SqlDatabase as Database } from '../db/database';
import { getActivity, getDataSources, getOverview, getRouting, getSelfHeal, getSessions, getSkills } from '../metrics';
import type { MetricsOptions, TimeRange } from '../metrics/types';
import { PRESET_SECONDS, type RangeSelection, type TabId, type TabPayload } from '../../protocol';

/**
 * The metrics range for what the user picked: presets are rolling windows ending now
 * (`to` open, so events written a moment later still count), custom is taken as given.
 */
export function resolveRange(selection: RangeSelection, nowSeconds: number): TimeRange {
  switch (selection.preset) {
    case '24h':
    case '7d':
    case '30d':
      return { from: nowSeconds - PRESET_SECONDS[selection.preset] };
    case 'all':
      return {};
    case 'custom': {
      const range: TimeRange = {};
      if (typeof selection.from === 'number' && Number.isFinite(selection.from)) range.from = Math.floor(selection.from);
      if (typeof selection.to === 'number' && Number.isFinite(selection.to)) range.to = Math.floor(selection.to);
      return range;
    }
  }
}

/**
 * Everything one dashboard tab shows: the tab's datasets from the metrics layer. Time series
 * are hourly for ranges up to 48 h (a "last 24 hours" chart of one bar says nothing).
 */
export function computeTabPayload(db: Database, tab: TabId, range: TimeRange, metricsOptions: MetricsOptions): TabPayload {
  const options: MetricsOptions = { ...metricsOptions, seriesBucket: 'auto' };
  switch (tab) {
    case 'overview':
      return { tab, overview: getOverview(db, range, options), sources: getDataSources(db, options) };
    case 'skills':
      return { tab, skills: getSkills(db, range, options) };
    case 'routing':
      return { tab, routing: getRouting(db, range, options) };
    case 'selfHeal':
      return { tab, selfHeal: getSelfHeal(db, range, options) };
    case 'activity':
      return { tab, activity: getActivity(db, range, options) };
    case 'sessions':
      return { tab, sessions: getSessions(db, range, options) };
  }
}
