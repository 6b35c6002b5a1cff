/** Quotes an SQL identifier that comes from data (table names read from sqlite_master). */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
