/** SQL helpers. Names that come from data are always quoted through quoteIdent. */
import type { SqlDatabase as Database, SqlValue } from '../db/database';

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function scalar(db: Database, sql: string, params: SqlValue[] = []): SqlValue {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    return stmt.step() ? stmt.get()[0] : null;
  } finally {
    stmt.free();
  }
}

export function tableExists(db: Database, table: string): boolean {
  return scalar(db, `SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, [table]) !== null;
}

export function rowsOf(db: Database, sql: string, params: SqlValue[] = []): Record<string, SqlValue>[] {
  const stmt = db.prepare(sql);
  const out: Record<string, SqlValue>[] = [];
  try {
    stmt.bind(params);
    while (stmt.step()) out.push(stmt.getAsObject());
  } finally {
    stmt.free();
  }
  return out;
}
