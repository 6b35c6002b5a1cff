import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Sync to Team Database — this machine's rows into the team PostgreSQL (docs/team.md). */
export const syncTeamDatabase: CommandHandlerFactory = {
  id: CommandIds.syncTeamDatabase,
  create: (services) => async () => {
    try {
      await services.teamSync.run(true);
    } catch {
      /* already shown and logged by the runner */
    }
  },
};
