import { TAB_IDS, type TabId } from '../../protocol';
import { DashboardPanel } from '../dashboard';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/**
 * The tab to show from the command argument: a tab id ('routing'), or a tree node carrying
 * one (`dashboardSection`/`section`); the tree's 'sources' section lives on Overview.
 */
function tabFrom(arg: unknown): TabId | undefined {
  const raw = typeof arg === 'string' ? arg : arg && typeof arg === 'object' ? ((arg as { dashboardSection?: unknown; section?: unknown }).dashboardSection ?? (arg as { section?: unknown }).section) : undefined;
  if (raw === 'sources') return 'overview';
  return TAB_IDS.includes(raw as TabId) ? (raw as TabId) : undefined;
}

/** Telemetry: Open Dashboard [tab] — one panel; revealed (and switched to `tab`) if open. */
export const openDashboard: CommandHandlerFactory = {
  id: CommandIds.openDashboard,
  create: (services) => (arg?: unknown) => {
    DashboardPanel.show(services, tabFrom(arg));
  },
};
