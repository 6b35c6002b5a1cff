import type { SqlDatabase as Database } from '../db/database';
import { getActivity, getDataSources, getOverview, getRouting, getSelfHeal, getSessions, getSkills, getUsage, type UsageOptions } from '../metrics';
import type { TimeRange } from '../metrics/types';
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
export function computeTabPayload(db: Database, tab: TabId, range: TimeRange, metricsOptions: UsageOptions): TabPayload {
  const options: UsageOptions = { ...metricsOptions, seriesBucket: 'auto' };
  return (TAB_DATA[tab] as (db: Database, range: TimeRange, options: UsageOptions) => TabPayload)(db, range, options);
}

type PayloadOf<K extends TabId> = Extract<TabPayload, { tab: K }>;

/** One line per dashboard tab (docs/recipes.md "Add a dashboard tab"): the datasets it shows. */
const TAB_DATA: { [K in TabId]: (db: Database, range: TimeRange, options: UsageOptions) => PayloadOf<K> } = {
  overview: (db, range, o) => ({ tab: 'overview', overview: getOverview(db, range, o), sources: getDataSources(db, o) }),
  skills: (db, range, o) => ({ tab: 'skills', skills: getSkills(db, range, o) }),
  routing: (db, range, o) => ({ tab: 'routing', routing: getRouting(db, range, o) }),
  selfHeal: (db, range, o) => ({ tab: 'selfHeal', selfHeal: getSelfHeal(db, range, o) }),
  activity: (db, range, o) => ({ tab: 'activity', activity: getActivity(db, range, o) }),
  sessions: (db, range, o) => ({ tab: 'sessions', sessions: getSessions(db, range, o) }),
  usage: (db, range, o) => ({ tab: 'usage', usage: getUsage(db, range, o) }),
};
