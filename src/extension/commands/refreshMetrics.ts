import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Refresh Metrics — rebuilds the Metrics tree from the database on disk. */
export const refreshMetrics: CommandHandlerFactory = {
  id: CommandIds.refreshMetrics,
  create: (services) => () => {
    services.metricsTree?.refresh();
  },
};
