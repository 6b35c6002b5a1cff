import { runMigrateJsonl } from '../ingest/migrateFlow';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** "Telemetry: Migrate JSONL" — the flow lives in ingest/migrateFlow.ts. */
export const migrateJsonl: CommandHandlerFactory = {
  id: CommandIds.migrateJsonl,
  create: (services) => () => runMigrateJsonl(services),
};
