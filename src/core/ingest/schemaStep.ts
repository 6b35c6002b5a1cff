/**
 * The schema part of a migrate run (inside the run's write): the schema work's ensureSchema
 * (baseline a script-made database, then pending built-in + user migrations).
 */
import type { SqlDatabase as Database } from '../db/database';
import { ensureSchema } from '../schema';

export function applySchema(db: Database, userMigrationsDir: string | undefined, tz: string): { applied: string[]; current: number } {
  const r = ensureSchema(db, { userDir: userMigrationsDir, tz });
  return { applied: r.applied, current: r.current };
}
