import type { SqlDatabase as Database } from '../db/database';

/** The history table (Flyway's flyway_schema_history), one row per applied migration. */
export const HISTORY_TABLE = 'schema_migrations';

const HISTORY_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  description TEXT NOT NULL,
  name TEXT NOT NULL,
  origin TEXT NOT NULL,
  checksum TEXT NOT NULL,
  applied_at TEXT NOT NULL,
  execution_ms INTEGER NOT NULL,
  success INTEGER NOT NULL,
  baseline INTEGER NOT NULL DEFAULT 0
)`;

/** Columns that tell our history table apart from a hand-made `schema_migrations`. */
const OUR_COLUMNS = ['version', 'checksum', 'execution_ms', 'success', 'origin', 'baseline'];

export interface HistoryRow {
  version: number;
  description: string;
  name: string;
  origin: string;
  checksum: string;
  appliedAt: string;
  executionMs: number;
  success: boolean;
  baseline: boolean;
}

export function tableColumns(db: Database, table: string): string[] {
  const res = db.exec(`SELECT name FROM pragma_table_info(?)`, [table]);
  return res.length ? res[0].values.map((r) => String(r[0])) : [];
}

export function tableExists(db: Database, table: string): boolean {
  const res = db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [table]);
  return res.length > 0;
}

/** Our history table exists (the database is managed by Telemetry Lens). */
export function isManaged(db: Database): boolean {
  const cols = tableColumns(db, HISTORY_TABLE);
  return cols.length > 0 && OUR_COLUMNS.every((c) => cols.includes(c));
}

/** A `schema_migrations` some script made for itself (other columns): not ours to read. */
export function hasForeignHistory(db: Database): boolean {
  return tableExists(db, HISTORY_TABLE) && !isManaged(db);
}

export function ensureHistoryTable(db: Database): void {
  db.run(HISTORY_DDL);
}

export function readHistory(db: Database): HistoryRow[] {
  if (!isManaged(db)) return [];
  const res = db.exec(
    `SELECT version, description, name, origin, checksum, applied_at, execution_ms, success, baseline FROM schema_migrations ORDER BY version`,
  );
  if (!res.length) return [];
  return res[0].values.map((r) => ({
    version: Number(r[0]),
    description: String(r[1]),
    name: String(r[2]),
    origin: String(r[3]),
    checksum: String(r[4]),
    appliedAt: String(r[5]),
    executionMs: Number(r[6]),
    success: Number(r[7]) === 1,
    baseline: Number(r[8]) === 1,
  }));
}

export function recordApplied(
  db: Database,
  m: { version: number; description: string; name: string; origin: string; checksum: string },
  executionMs: number,
  baseline: boolean,
): void {
  db.run(
    `INSERT OR REPLACE INTO schema_migrations (version, description, name, origin, checksum, applied_at, execution_ms, success, baseline)
     VALUES (?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?, 1, ?)`,
    [m.version, m.description, m.name, m.origin, m.checksum, Math.round(executionMs), baseline ? 1 : 0],
  );
}

export function deleteHistory(db: Database, version: number): void {
  db.run(`DELETE FROM schema_migrations WHERE version = ?`, [version]);
}
