/** What Run Query shows and says about a result (no vscode import: unit-tested). */
import { toMarkdownTable } from './queryFormat';
import { DEFAULT_QUERY_TIMEOUT_SECONDS } from './runUserQuery';
import type { MoreRows, QueryValue } from './types';

export const DEFAULT_EXTENSION_MAX_ROWS = 10_000;
/** An editor stays responsive with this many rows in a Markdown table. */
export const MAX_ROWS_SHOWN = 2000;

export interface QueryLimits {
  /** 0 = no time limit. */
  timeoutMs: number;
  maxRows: number;
}

/** The settings as typed by a user (anything) to limits the runner accepts; nonsense falls back to the defaults. */
export function queryLimitsFromSettings(timeoutSeconds: unknown, maxRows: unknown): QueryLimits {
  const t = typeof timeoutSeconds === 'number' && Number.isFinite(timeoutSeconds) && timeoutSeconds >= 0 ? timeoutSeconds : DEFAULT_QUERY_TIMEOUT_SECONDS;
  const m = typeof maxRows === 'number' && Number.isFinite(maxRows) && maxRows >= 1 ? Math.floor(maxRows) : DEFAULT_EXTENSION_MAX_ROWS;
  return { timeoutMs: t * 1000, maxRows: m };
}

export function moreRowsText(more: MoreRows): string {
  return `${more.exact ? '' : 'at least '}${more.rows.toLocaleString('en-US')} more row${more.rows === 1 && more.exact ? '' : 's'}`;
}

/** One-line summary: "1,234 row(s)" plus what the cap held back. */
export function resultSummary(rows: number, more: MoreRows | null): string {
  const base = `${rows.toLocaleString('en-US')} row${rows === 1 ? '' : 's'}`;
  return more ? `${base} fetched; ${moreRowsText(more)} not fetched (telemetryLens.query.maxRows)` : base;
}

/** The Markdown document of a result: the SQL as a comment, the first rows, and what is not shown. */
export function queryResultMarkdown(sql: string, columns: string[], values: QueryValue[][], more: MoreRows | null): string {
  const shown = values.slice(0, MAX_ROWS_SHOWN);
  const notes: string[] = [];
  if (values.length > shown.length) notes.push(`_Showing ${shown.length.toLocaleString('en-US')} of ${values.length.toLocaleString('en-US')} fetched rows; "Save as CSV" writes all fetched rows._`);
  if (more) notes.push(`_${moreRowsText(more)[0].toUpperCase()}${moreRowsText(more).slice(1)} not fetched: the row cap is telemetryLens.query.maxRows._`);
  const table = columns.length ? toMarkdownTable({ columns, rows: shown }) : '_No columns._\n';
  return `<!-- ${sql.replace(/--/g, '- -')} -->\n\n${table}${notes.map((n) => `\n${n}\n`).join('')}\n${resultSummary(values.length, more)}\n`;
}
