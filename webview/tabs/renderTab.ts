import type { DashboardTabId, ResolvedRange, TabPayload } from '../../src/protocol';
import { renderActivity } from './activityTab';
import { renderOverview } from './overviewTab';
import { renderRouting } from './routingTab';
import { renderSelfHeal } from './selfHealTab';
import { renderSessions } from './sessionsTab';
import { renderSkills } from './skillsTab';
import { renderSpecTab } from './specTab';
import { renderUsage } from './usageTab';
import type { TabContext } from './tabContext';

type PayloadOf<K extends TabPayload['tab']> = Extract<TabPayload, { tab: K }>;

/** How the page shows one tab: its view, and where its data says which range it was computed for. */
interface TabView<K extends TabPayload['tab']> {
  render(payload: PayloadOf<K>, ctx: TabContext): HTMLElement;
  range(payload: PayloadOf<K>): ResolvedRange;
}

/** One line per dashboard tab (docs/recipes.md "Add a dashboard tab"); the compiler names a missing one. */
const TAB_VIEWS: { [K in TabPayload['tab']]: TabView<K> } = {
  overview: { render: renderOverview, range: (p) => p.overview.range },
  skills: { render: renderSkills, range: (p) => p.skills.range },
  routing: { render: renderRouting, range: (p) => p.routing.range },
  selfHeal: { render: renderSelfHeal, range: (p) => p.selfHeal.range },
  activity: { render: renderActivity, range: (p) => p.activity.range },
  sessions: { render: renderSessions, range: (p) => p.sessions.range },
  usage: { render: renderUsage, range: (p) => p.usage.range },
  // every spec tab (src/core/dashboard/tabs/): one generic view of the host's view spec
  spec: { render: renderSpecTab, range: (p) => p.view.range },
};

function viewOf(payload: TabPayload): TabView<TabPayload['tab']> {
  return TAB_VIEWS[payload.tab] as unknown as TabView<TabPayload['tab']>;
}

export function renderTab(payload: TabPayload, ctx: TabContext): HTMLElement {
  return viewOf(payload).render(payload, ctx);
}

/** The range every tab's data echoes back. */
export function payloadRange(payload: TabPayload): ResolvedRange {
  return viewOf(payload).range(payload);
}

/** Which tab a payload is for (a spec tab's payload names its id). */
export function payloadTab(payload: TabPayload): DashboardTabId {
  return payload.tab === 'spec' ? payload.id : payload.tab;
}
