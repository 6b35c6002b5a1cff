import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/**
 * Telemetry: Refresh Metrics — re-reads the database on disk: the one database-change event
 * rebuilds the Metrics tree, the open dashboard and the status bar.
 */
export const refreshMetrics: CommandHandlerFactory = {
  id: CommandIds.refreshMetrics,
  create: (services) => () => {
    services.fireDatabaseChanged();
  },
};
