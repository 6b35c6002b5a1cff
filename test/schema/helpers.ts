import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';

export async function memoryDb(): Promise<Database> {
  const SQL = await loadSqlJs();
  return new SQL.Database();
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tl-${prefix}-`));
}

export function rows(db: Database, sql: string, params: (string | number | null)[] = []): Record<string, unknown>[] {
  const stmt = db.prepare(sql);
  stmt.bind(params);
  const out: Record<string, unknown>[] = [];
  while (stmt.step()) out.push(stmt.getAsObject());
  stmt.free();
  return out;
}

export function scalar(db: Database, sql: string, params: (string | number | null)[] = []): unknown {
  const r = db.exec(sql, params);
  return r.length ? r[0].values[0][0] : undefined;
}

/** The whole schema as text, to compare before/after. */
export function schemaDump(db: Database): string {
  return JSON.stringify(db.exec(`SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`));
}
