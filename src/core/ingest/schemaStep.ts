/**
 * The schema part of a migrate run (inside the run's write): the schema work's ensureSchema
 * (baseline a script-made database, then pending built-in + user migrations), and the list of
 * what it would apply (the Migrate preview shows it).
 */
import * as fs from 'fs';
import { openMemoryDatabase, openSnapshot, type SqlDatabase as Database } from '../db/database';
import { ensureSchema, migrationStatus, needsBaseline } from '../schema';

export function applySchema(db: Database, userMigrationsDir: string | undefined, tz: string): { applied: string[]; current: number } {
  const r = ensureSchema(db, { userDir: userMigrationsDir, tz });
  return { applied: r.applied, current: r.current };
}

/**
 * Names of the schema steps the next write of `dbPath` will apply (empty = schema current);
 * a database that does not exist yet is an empty one: every migration is pending.
 */
export async function pendingSchemaSteps(dbPath: string, userMigrationsDir: string | undefined): Promise<string[]> {
  const db = fs.existsSync(dbPath) ? await openSnapshot(dbPath) : null;
  try {
    return await schemaStepsOf(db, userMigrationsDir);
  } finally {
    db?.close();
  }
}

/** The same, on a snapshot already open (the Migrate preview's); null = no database yet. */
export async function schemaStepsOf(snapshot: Database | null, userMigrationsDir: string | undefined): Promise<string[]> {
  const db = snapshot ?? (await openMemoryDatabase());
  try {
    const steps = needsBaseline(db) ? ['baseline: adopt the tables already in this database'] : [];
    for (const row of migrationStatus(db, { userDir: userMigrationsDir })) if (row.state === 'pending') steps.push(row.name);
    return steps;
  } finally {
    if (!snapshot) db.close();
  }
}
