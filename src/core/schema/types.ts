import type { SqlDatabase as Database } from '../db/database';

/**
 * A built-in migration: SQL text kept in a TypeScript module so it bundles into the
 * extension and the CLI alike. Its checksum is computed over `up` (line endings normalised).
 */
export interface BuiltinMigration {
  version: number;
  /** snake_case; the migration's name is `V<version>__<description>`. */
  description: string;
  /** SQL script run in one transaction. */
  up: string;
  /** SQL script that undoes `up` (the built-in `U` file). */
  down?: string;
  /**
   * Optional programmatic step run inside the same transaction after `up` (e.g. computing
   * identity hashes for adopted rows). Bump `stepVersion` when its behaviour changes: it is
   * part of the checksum.
   */
  step?: (db: Database) => void;
  stepVersion?: number;
}
