import type { QueryValue } from './types';
import type { QueryResult } from './readOnlyQuery';

export type QueryOutputFormat = 'table' | 'csv' | 'json' | 'markdown';

function cellText(v: QueryValue): string {
  if (v === null) return 'NULL';
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  return String(v);
}

/**
 * Text a spreadsheet would run as a formula (or as a DDE command) when the CSV is opened:
 * `=`, `+`, `-`, `@`, tab or carriage return first (OWASP "CSV injection"). Such a text cell gets a
 * leading `'`, which spreadsheets show as "this is text". Numbers (-5 stored as a number) are
 * numbers and keep their sign; only text is changed.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvField(v: QueryValue): string {
  let s = v === null ? '' : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : String(v);
  if (typeof v === 'string' && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record, CRLF-terminated (RFC 4180: quote when needed, double inner quotes). */
export function csvRecord(values: readonly QueryValue[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

/** RFC 4180: quote when needed, double inner quotes, CRLF rows (what spreadsheets expect); formula-like text neutralised. */
export function toCsv(r: QueryResult): string {
  return csvRecord(r.columns) + r.rows.map(csvRecord).join('');
}

/** A JSON value keeping every digit: bigint as a bare number, ±Infinity as ±9e999 (as SQLite's json() does). */
function jsonValue(v: QueryValue): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : v > 0 ? '9e999' : '-9e999';
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('base64'));
  return JSON.stringify(v);
}

/**
 * The keys of a row object in the order `JSON.stringify` prints them: integer-like names first,
 * then first-seen order; a repeated column name keeps its first place and its last value.
 */
function jsonKeys(columns: readonly string[]): { key: string; at: number }[] {
  const at = new Map<string, number>();
  columns.forEach((c, i) => at.set(c, i));
  const order = Object.keys(Object.fromEntries([...at.keys()].map((k) => [k, 0])));
  return order.map((key) => ({ key: JSON.stringify(key), at: at.get(key)! }));
}

/** A JSON array of row objects, written a batch at a time (streamed output keeps memory flat). */
export class JsonRowsWriter {
  private first = true;
  private readonly keys: { key: string; at: number }[];
  constructor(columns: readonly string[]) {
    this.keys = jsonKeys(columns);
  }

  /** Printed as `JSON.stringify(rows, null, 2)` would, batch after batch. */
  rows(rows: readonly (readonly QueryValue[])[]): string {
    let out = '';
    for (const row of rows) {
      const body = this.keys.length === 0 ? '{}' : `{\n${this.keys.map((k) => `    ${k.key}: ${jsonValue(row[k.at])}`).join(',\n')}\n  }`;
      out += (this.first ? '[\n  ' : ',\n  ') + body;
      this.first = false;
    }
    return out;
  }

  end(): string {
    return this.first ? '[]' : '\n]';
  }
}

export function toJson(r: QueryResult): string {
  const w = new JsonRowsWriter(r.columns);
  return w.rows(r.rows) + w.end();
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
