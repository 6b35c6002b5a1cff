/**
 * What differs between SQLite (each machine's database) and PostgreSQL (the team database), in
 * one place: column types, identifier quoting, JSON columns, epoch seconds → UTC day. Sync,
 * validation and the read adapters take these from here rather than spelling them out.
 */

/** PostgreSQL column types a synced SQLite column can take. */
export type TeamColumnType = 'bigint' | 'double precision' | 'text' | 'jsonb' | 'bytea';

/** Columns holding JSON documents: stored as JSONB with a GIN index in the team database. */
export const JSON_COLUMNS: ReadonlySet<string> = new Set(['extra', 'context']);

/** The extra column every team table has: which machine the row came from. */
export const MACHINE_COLUMN = 'machine';

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function quoteLiteral(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

/**
 * The team type of a SQLite column, from its declared type by SQLite's affinity rules
 * (sqlite.org/datatype3.html §3.1). NUMERIC-affinity and untyped columns can hold anything, so
 * they become text; JSON columns become jsonb whatever they were declared.
 */
export function teamColumnType(column: string, declaredType: string): TeamColumnType {
  if (JSON_COLUMNS.has(column)) return 'jsonb';
  const t = declaredType.toUpperCase();
  if (t.includes('INT')) return 'bigint';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB')) return 'bytea';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'double precision';
  return 'text';
}

/** Earliest and latest epoch second SQLite's date() accepts (0000-01-01 .. 9999-12-31). */
const MIN_EPOCH = -62167219200;
const MAX_EPOCH = 253402300799;

/** UTC day ('YYYY-MM-DD', or NULL) of an epoch-seconds column, in each dialect, matching exactly. */
export const dayOf = {
  sqlite: (col: string) => `CASE WHEN typeof(${col}) = 'integer' AND ${col} BETWEEN ${MIN_EPOCH} AND ${MAX_EPOCH} THEN date(${col}, 'unixepoch') END`,
  postgres: (col: string) => `CASE WHEN ${col} BETWEEN ${MIN_EPOCH} AND ${MAX_EPOCH} THEN to_char(to_timestamp(${col}) AT TIME ZONE 'UTC', 'YYYY-MM-DD') END`,
};

/**
 * UTC day number (whole days since 1970-01-01, floored; NULL for non-integers and times outside
 * 0000..9999) of an epoch-seconds column, in each dialect, matching exactly. Integer arithmetic
 * only: formatting a date per row cost validation ~3x more on a million rows; the few distinct
 * day numbers become 'YYYY-MM-DD' afterwards (dayText).
 */
export const dayNumberOf = {
  sqlite: (col: string) => `CASE WHEN typeof(${col}) = 'integer' AND ${col} BETWEEN ${MIN_EPOCH} AND ${MAX_EPOCH} THEN ${col} / 86400 - (${col} % 86400 < 0) END`,
  postgres: (col: string) => `CASE WHEN ${col} BETWEEN ${MIN_EPOCH} AND ${MAX_EPOCH} THEN ${col} / 86400 - CASE WHEN ${col} % 86400 < 0 THEN 1 ELSE 0 END END`,
};

/** 'YYYY-MM-DD' of a day number (as SQLite's date(…, 'unixepoch') prints it; a day already as text stays), or null. */
export function dayText(dayNumber: number | string | null | undefined): string | null {
  if (dayNumber === null || dayNumber === undefined) return null;
  if (typeof dayNumber === 'string' && dayNumber.includes('-', 1)) return dayNumber;
  const iso = new Date(Number(dayNumber) * 86400_000).toISOString();
  // years 0000..9999 print as four digits; toISOString widens none of them
  return iso.slice(0, 10);
}
