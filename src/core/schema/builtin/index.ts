import type { BuiltinMigration } from '../types';

/**
 * The built-in migrations in version order. Each lives in its own module
 * (V<n>__<description>.ts) and is added here.
 */
export const builtinMigrations: BuiltinMigration[] = [];
