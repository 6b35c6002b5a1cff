/**
 * Public face of the storage engine (DESIGN.md "Storage model").
 * Everything else in core reads through openSnapshot() and writes through withWrite().
 *
 * NOTE (skeleton): the first version loads the main file only and writes back with
 * temp+rename; the storage-engine work replaces the internals (WAL apply, lock file,
 * verified write-back) behind these same signatures.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Database } from 'sql.js';
import { loadSqlJs } from './sqljs';

export type SqlDatabase = Database;

export interface WriteOptions {
  /** Called before each retry after a concurrent change was detected. */
  onRetry?: (attempt: number, cause: string) => void;
  /** How long to wait for the lock held by another window / CLI run. */
  lockTimeoutMs?: number;
}

/** A read-only, consistent in-memory snapshot. Never written back. Close it when done. */
export async function openSnapshot(dbPath: string): Promise<Database> {
  const SQL = await loadSqlJs();
  if (!fs.existsSync(dbPath)) return new SQL.Database();
  return new SQL.Database(fs.readFileSync(dbPath));
}

/**
 * Runs `work` on a fresh snapshot under the single-writer lock and writes the result back
 * atomically. `work` must be idempotent: it is re-run on a new snapshot when another
 * program changed the file meanwhile.
 */
export async function withWrite<T>(dbPath: string, work: (db: Database) => T | Promise<T>, _opts: WriteOptions = {}): Promise<T> {
  const db = await openSnapshot(dbPath);
  try {
    const result = await work(db);
    const image = db.export();
    fs.mkdirSync(path.dirname(dbPath), { recursive: true });
    const tmp = `${dbPath}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, image);
    fs.renameSync(tmp, dbPath);
    return result;
  } finally {
    db.close();
  }
}
