import { runShowRejects } from '../ingest/rejectsFlow';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** "Telemetry: Show Rejected Lines" — the flow lives in ingest/rejectsFlow.ts. */
export const showRejects: CommandHandlerFactory = {
  id: CommandIds.showRejects,
  create: (services) => () => runShowRejects(services),
};
