import type { BuiltinMigration } from '../types';
import { V1__telemetry_core } from './V1__telemetry_core';
import { V2__ingest_bookkeeping } from './V2__ingest_bookkeeping';
import { V3__metrics_rollups } from './V3__metrics_rollups';
import { V4__writer_contract } from './V4__writer_contract';
import { V5__claude_code_usage } from './V5__claude_code_usage';
import { V6__ordered_identity } from './V6__ordered_identity';

/**
 * The built-in migrations in version order. Each lives in its own module
 * (V<n>__<description>.ts) and is added here.
 */
export const builtinMigrations: BuiltinMigration[] = [V1__telemetry_core, V2__ingest_bookkeeping, V3__metrics_rollups, V4__writer_contract, V5__claude_code_usage, V6__ordered_identity];
