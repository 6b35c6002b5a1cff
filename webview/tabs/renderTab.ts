import type { TabPayload } from '../../src/protocol';
import { renderActivity } from './activityTab';
import { renderOverview } from './overviewTab';
import { renderRouting } from './routingTab';
import { renderSelfHeal } from './selfHealTab';
import { renderSessions } from './sessionsTab';
import { renderSkills } from './skillsTab';
import { renderUsage } from './usageTab';
import type { TabContext } from './tabContext';

export function renderTab(payload: TabPayload, ctx: TabContext): HTMLElement {
  switch (payload.tab) {
    case 'overview':
      return renderOverview(payload, ctx);
    case 'skills':
      return renderSkills(payload, ctx);
    case 'routing':
      return renderRouting(payload, ctx);
    case 'selfHeal':
      return renderSelfHeal(payload, ctx);
    case 'activity':
      return renderActivity(payload, ctx);
    case 'sessions':
      return renderSessions(payload, ctx);
    case 'usage':
      return renderUsage(payload, ctx);
  }
}
