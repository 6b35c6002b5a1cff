/** CSV/JSON text of a tree node's data (no vscode import: unit-tested). */
import { toCsv } from '../../core/query/queryFormat';
import type { QueryValue } from '../../core/query/types';
import type { ExportData } from './metricsTreeModel';

function cell(v: unknown): QueryValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string' || typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return JSON.stringify(v);
}

/**
 * One column per key seen in any row (first-seen order); nested values as JSON. Text that a
 * spreadsheet would run as a formula gets a leading `'` (toCsv); numbers stay numbers.
 */
export function exportCsv(data: ExportData): string {
  const columns: string[] = [];
  for (const row of data.rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  return toCsv({ columns, rows: data.rows.map((r) => columns.map((c) => cell(r[c]))) });
}

export function exportJson(data: ExportData): string {
  return JSON.stringify(data.json, null, 2) + '\n';
}
