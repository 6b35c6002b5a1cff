import type { SqlDatabase as Database, SqlValue } from './database';

export type Row = Record<string, SqlValue>;

/** Quotes a name that may come from data (inferred tables/columns). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Runs a query and returns its rows as objects. */
export function queryRows<T = Row>(db: Database, sql: string, params: SqlValue[] = []): T[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const out: T[] = [];
    while (stmt.step()) out.push(stmt.getAsObject() as T);
    return out;
  } finally {
    stmt.free();
  }
}

export function queryOne<T = Row>(db: Database, sql: string, params: SqlValue[] = []): T | undefined {
  return queryRows<T>(db, sql, params)[0];
}

export function tableExists(db: Database, name: string): boolean {
  // temp too: a native read handle keeps its scratch rollups there (metrics/context.ts)
  return queryOne(db, `SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = ? UNION ALL SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = ?`, [name, name]) !== undefined;
}

export function tableColumns(db: Database, table: string): string[] {
  return queryRows<{ name: string }>(db, `SELECT name FROM pragma_table_info(?)`, [table]).map((r) => r.name);
}

/** SQL literal for an integer bound computed by us (never user text). */
export function intLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite bound: ${n}`);
  return String(Math.floor(n));
}

/** Percentage with null for 0/0. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? (100 * part) / whole : null;
}

export function ratio(sum: number | null | undefined, count: number | null | undefined): number | null {
  return count && count > 0 && sum !== null && sum !== undefined ? sum / count : null;
}

export function num(v: SqlValue | undefined): number {
  return typeof v === 'number' ? v : v === null || v === undefined ? 0 : Number(v);
}

export function numOrNull(v: SqlValue | undefined): number | null {
  return v === null || v === undefined ? null : Number(v);
}

export function strOrNull(v: SqlValue | undefined): string | null {
  return v === null || v === undefined ? null : String(v);
}
