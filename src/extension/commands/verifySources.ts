import { runVerifySources } from '../ingest/verifyFlow';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** "Telemetry: Verify Sources" — the flow lives in ingest/verifyFlow.ts. */
export const verifySources: CommandHandlerFactory = {
  id: CommandIds.verifySources,
  create: (services) => () => runVerifySources(services),
};
