import type { SqlDatabase as Database } from '../db/database';
import { getActivity, getDataSources, getOverview, getRouting, getSelfHeal, getSessions, getSkills, getUsage, type UsageOptions } from '../metrics';
import type { TimeRange } from '../metrics/types';
import { PRESET_SECONDS, TAB_IDS, TAB_TITLES, type DashboardTabId, type RangeSelection, type SpecTabInfo, type TabId, type TabPayload } from '../../protocol';
import type { SpecTabDefinition } from './specTab';
import { SPEC_TABS } from './tabs';

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
export function computeTabPayload(db: Database, tab: DashboardTabId, range: TimeRange, metricsOptions: UsageOptions): TabPayload {
  const options: UsageOptions = { ...metricsOptions, seriesBucket: 'auto' };
  if (isHandWritten(tab)) return (TAB_DATA[tab] as (db: Database, range: TimeRange, options: UsageOptions) => TabPayload)(db, range, options);
  const spec = specTab(tab);
  if (!spec) throw new Error(`unknown tab ${String(tab).slice(0, 40)}`);
  return { tab: 'spec', id: spec.id, view: spec.load(db, range, options) };
}

function isHandWritten(tab: DashboardTabId): tab is TabId {
  return (TAB_IDS as readonly string[]).includes(tab);
}

/** The spec tab of that id (src/core/dashboard/tabs/), if any. */
export function specTab(id: DashboardTabId): SpecTabDefinition | undefined {
  return isHandWritten(id) ? undefined : SPEC_TABS.find((t) => t.id === id);
}

/** Every tab, in tab-bar order: the hand-written ones, then the spec tabs. */
export function dashboardTabIds(): DashboardTabId[] {
  return [...TAB_IDS, ...SPEC_TABS.map((t) => t.id)];
}

/** A tab id from a message, the view state or a command argument names a tab of this build. */
export function isDashboardTab(id: unknown): id is DashboardTabId {
  return typeof id === 'string' && (isHandWritten(id) || specTab(id) !== undefined);
}

/** What the page's tab bar needs of the spec tabs (`InitState.specTabs`). */
export function specTabInfos(): SpecTabInfo[] {
  return SPEC_TABS.map((t) => ({ id: t.id, title: t.title }));
}

/** A tab's title (error messages, the bench). */
export function tabTitle(id: DashboardTabId): string {
  return isHandWritten(id) ? TAB_TITLES[id] : (specTab(id)?.title ?? id);
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
