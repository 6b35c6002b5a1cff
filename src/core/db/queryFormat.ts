import type { SqlValue } from './database';
import type { QueryResult } from './readOnlyQuery';

export type QueryOutputFormat = 'table' | 'csv' | 'json' | 'markdown';

function cellText(v: SqlValue): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  return String(v);
}

/** RFC 4180: quote when needed, double inner quotes, CRLF rows (what spreadsheets expect). */
export function toCsv(r: QueryResult): string {
  const field = (v: SqlValue) => {
    const s = v === null ? '' : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [r.columns.map(field), ...r.rows.map((row) => row.map(field))].map((l) => l.join(',')).join('\r\n') + '\r\n';
}

export function toJson(r: QueryResult): string {
  const objects = r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c, row[i] instanceof Uint8Array ? Buffer.from(row[i] as Uint8Array).toString('base64') : row[i]])));
  return JSON.stringify(objects, null, 2);
}

/** Aligned plain-text table for terminals. */
export function toTextTable(r: QueryResult): string {
  const cells = [r.columns, ...r.rows.map((row) => row.map(cellText))];
  const widths = r.columns.map((_, i) => Math.max(...cells.map((row) => [...row[i]].length)));
  const line = (row: string[]) => row.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join('  ').trimEnd();
  const out = [line(r.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
  out.push(`(${r.rows.length} row${r.rows.length === 1 ? '' : 's'})`);
  return out.join('\n');
}

export function toMarkdownTable(r: QueryResult): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const out = [`| ${r.columns.map(esc).join(' | ')} |`, `|${r.columns.map(() => '---').join('|')}|`];
  for (const row of r.rows) out.push(`| ${row.map((v) => esc(cellText(v))).join(' | ')} |`);
  return out.join('\n') + '\n';
}

export function formatQueryResult(r: QueryResult, format: QueryOutputFormat): string {
  switch (format) {
    case 'csv':
      return toCsv(r);
    case 'json':
      return toJson(r);
    case 'markdown':
      return toMarkdownTable(r);
    default:
      return toTextTable(r);
  }
}
