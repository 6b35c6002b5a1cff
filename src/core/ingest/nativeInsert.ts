/**
 * The native engine's bulk insert. node:sqlite binds each value through a JS→C call, so a
 * prepared single-row loop is slow; measured on Node 22.23 (200k rows × 16 columns, one
 * transaction, loaded 2-core machine): single-row 6.0 s, multi-row INSERT of 64 rows 2.3 s,
 * one JSON text per batch expanded by json_each(…)->>i 17.9–24.7 s (SQLite re-parses the row
 * text for every column). So: 64 rows per INSERT, the remainder one row at a time.
 */
import type { SqlDatabase, SqlStatement, SqlValue } from '../db/database';
import { quoteIdent } from './sql';

/** SQLite's bound-parameter limit (32766) caps rows per statement for wide inferred tables. */
const MAX_PARAMS = 32000;

export class MultiRowInsert {
  /** Rows buffered before insert() is called (TableWriter flushes at this many). */
  static readonly BUFFER_ROWS = 1024;
  private readonly many: SqlStatement;
  private readonly one: SqlStatement;
  private readonly perStatement: number;
  private readonly args: SqlValue[] = [];

  /**
   * `mirrors`: more columns that take the value of one of `columns` (the users' own name for a
   * column, e.g. tool_name beside tool): numbered parameters bind the same value twice.
   */
  constructor(db: SqlDatabase, table: string, columns: string[], mirrors: readonly (readonly [name: string, at: number])[] = []) {
    const t = quoteIdent(table);
    const names = [...columns, ...mirrors.map(([n]) => n)].map(quoteIdent).join(', ');
    const width = columns.length;
    const tuple = (r: number) => `(${[...columns.map((_, i) => `?${r * width + i + 1}`), ...mirrors.map(([, at]) => `?${r * width + at + 1}`)].join(', ')})`;
    this.perStatement = Math.max(1, Math.min(64, Math.floor(MAX_PARAMS / width)));
    this.many = db.prepare(`INSERT INTO ${t} (${names}) VALUES ${Array.from({ length: this.perStatement }, (_, r) => tuple(r)).join(', ')}`);
    this.one = db.prepare(`INSERT INTO ${t} (${names}) VALUES ${tuple(0)}`);
  }

  /** Inserts the rows laid out flat in `values` (`width` values each), in order. */
  insert(values: SqlValue[], width: number): void {
    const block = width * this.perStatement;
    let at = 0;
    const args = this.args;
    for (; at + block <= values.length; at += block) {
      args.length = 0;
      for (let i = at; i < at + block; i++) args.push(values[i]);
      this.many.run(args);
    }
    for (; at < values.length; at += width) this.one.run(values.slice(at, at + width));
  }

  free(): void {
    this.many.free();
    this.one.free();
  }
}
