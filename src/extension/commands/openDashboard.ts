import { isDashboardTab } from '../../core/dashboard/tabPayload';
import type { DashboardTabId } from '../../protocol';
import { DashboardPanel } from '../dashboard';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

interface SectionCarrier {
  dashboardSection?: unknown;
  section?: unknown;
  node?: { dashboardSection?: unknown };
}

/**
 * The tab to show from the command argument: a tab id ('routing'), or a tree node carrying
 * one (MetricsNode.dashboardSection); the tree's 'sources' section lives on Overview.
 */
function tabFrom(arg: unknown): DashboardTabId | undefined {
  const carrier = arg && typeof arg === 'object' ? (arg as SectionCarrier) : undefined;
  const raw = typeof arg === 'string' ? arg : (carrier?.dashboardSection ?? carrier?.node?.dashboardSection ?? carrier?.section);
  if (raw === 'sources') return 'overview';
  return isDashboardTab(raw) ? raw : undefined;
}

/** Telemetry: Open Dashboard [tab] — one panel; revealed (and switched to `tab`) if open. */
export const openDashboard: CommandHandlerFactory = {
  id: CommandIds.openDashboard,
  create: (services) => (arg?: unknown) => {
    DashboardPanel.show(services, tabFrom(arg));
  },
};
