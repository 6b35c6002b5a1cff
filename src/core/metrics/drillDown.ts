import type { SqlDatabase as Database, SqlValue } from '../db/database';
import { sourcePathSql } from './provenance';
import { listEventTables } from '../rollups/refresh';
import { num, numOrNull, queryOne, queryRows, quoteIdent, strOrNull, tableColumns } from '../db/queryHelpers';
import type { DrillDownRequest, DrillDownResult, TableRowsRequest } from './types';
import { DrillDownError, drillWindow, resolveDrillTarget } from './drillTargets';
import { getUsageDrillRows } from './usage';

export { DrillDownError };

/** Bookkeeping columns every event table has; not shown as data. */
const HIDDEN = new Set(['id', 'source_id', 'source_line', 'stream_id', 'row_hash', 'row_seq']);

/** The rows behind a number of the dashboard: its target resolved by the host, then listed. */
export function getDrillDownRows(db: Database, request: DrillDownRequest): DrillDownResult {
  const resolved = resolveDrillTarget(request.target);
  if (resolved.source === 'claudeCode') return getUsageDrillRows(db, resolved.kind, resolved.value, request);
  return listTableRows(db, { ...request, table: resolved.table, filters: resolved.filters });
}

/**
 * One event table's rows with range/day/equality filters, newest first, each with its source
 * file and line so the view can open the JSONL there. Table and column names are checked
 * against the database and quoted; values are bound parameters.
 */
export function listTableRows(db: Database, request: TableRowsRequest): DrillDownResult {
  const table = listEventTables(db).find((t) => t.name === request.table);
  if (!table) throw new DrillDownError(`unknown event table: ${request.table}`);
  const allColumns = tableColumns(db, table.name);
  const columns = allColumns.filter((c) => !HIDDEN.has(c));
  const where: string[] = [];
  const params: SqlValue[] = [];

  const { from, to, limit, offset } = drillWindow(request);
  if (table.tsColumn) {
    const ts = `t.${quoteIdent(table.tsColumn)}`;
    if (from !== undefined) (where.push(`${ts} >= ?`), params.push(Math.floor(from)));
    if (to !== undefined) (where.push(`${ts} < ?`), params.push(Math.ceil(to)));
  }
  for (const [column, value] of Object.entries(request.filters ?? {})) {
    if (!allColumns.includes(column) || column === 'row_hash') throw new DrillDownError(`unknown column ${column} in ${table.name}`);
    if (value === null) where.push(`t.${quoteIdent(column)} IS NULL`);
    else (where.push(`t.${quoteIdent(column)} = ?`), params.push(value));
  }
  const whereSql = where.length ? `WHERE ${where.join(' AND ')}` : '';

  const total = num(queryOne<{ n: number }>(db, `SELECT count(*) AS n FROM ${quoteIdent(table.name)} AS t ${whereSql}`, params)?.n);
  const src = sourcePathSql(db, 't');
  const order = table.tsColumn ? `t.${quoteIdent(table.tsColumn)} DESC, t.id DESC` : 't.id DESC';
  const rows = queryRows(
    db,
    `SELECT t.id AS "__id", t.source_line AS "__line", ${src.path} AS "__path", ${columns.map((c) => `t.${quoteIdent(c)}`).join(', ')}
     FROM ${quoteIdent(table.name)} AS t ${src.join} ${whereSql} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
    params,
  ).map((r) => {
    const values: Record<string, string | number | null> = {};
    for (const c of columns) {
      const v = r[c];
      values[c] = v instanceof Uint8Array ? `<${v.length} bytes>` : (v as string | number | null);
    }
    return { values, source: { table: table.name, id: num(r.__id), path: strOrNull(r.__path), line: numOrNull(r.__line) } };
  });
  return { table: table.name, columns, rows, total, limit, offset };
}
