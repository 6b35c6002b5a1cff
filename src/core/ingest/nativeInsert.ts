/**
 * The native engine's bulk insert. node:sqlite binds each value through a JS→C call, and a
 * statement with numbered parameters (`?NNN`) costs time growing with the number of parameters
 * for every value bound (quadratic per statement). Measured on Node 22.23 (100k rows × 17
 * columns into memory, CPU time, loaded 2-core machine): one row per INSERT 1.7 µs/row;
 * 64 rows with `?NNN` 21.6 µs/row (128 rows: 42.7); 64 rows with plain `?` 1.1 µs/row.
 * Earlier: one JSON text per batch expanded by json_each(…)->>i was slower still (SQLite
 * re-parses the row text for every column). So: 64 rows per INSERT with plain `?`, the
 * users' alias columns (mirrors) bound as values of their own, the remainder one row at a time.
 */
import type { SqlDatabase, SqlStatement, SqlValue } from '../db/database';
import { quoteIdent } from './sql';

/** SQLite's bound-parameter limit (32766) caps rows per statement for wide inferred tables. */
const MAX_PARAMS = 32000;

export class MultiRowInsert {
  /** Rows buffered before insert() is called (TableWriter flushes at this many; a chunked write may commit after each flush). */
  static readonly BUFFER_ROWS = 256;
  private readonly many: SqlStatement;
  private readonly one: SqlStatement;
  private readonly perStatement: number;
  private readonly args: SqlValue[] = [];
  private readonly mirrorAt: number[];

  /**
   * `mirrors`: more columns that take the value of one of `columns` (the users' own name for a
   * column, e.g. tool_name beside tool): the same value is bound once more for each.
   */
  constructor(db: SqlDatabase, table: string, columns: string[], mirrors: readonly (readonly [name: string, at: number])[] = []) {
    const t = quoteIdent(table);
    const names = [...columns, ...mirrors.map(([n]) => n)].map(quoteIdent).join(', ');
    this.mirrorAt = mirrors.map(([, at]) => at);
    const perRow = columns.length + mirrors.length;
    const tuple = `(${new Array(perRow).fill('?').join(', ')})`;
    this.perStatement = Math.max(1, Math.min(64, Math.floor(MAX_PARAMS / perRow)));
    // OR FAIL: a multi-row INSERT that could abort half-way makes SQLite keep a statement journal
    // of the pages it touches, spilled to a temp file past 64 KiB (random identity-index pages:
    // ~0.6 s of system time per 250k rows, 5.5 MB of temp writes for a 1,000-line incremental).
    // A row that fails stops the statement with the rows before it kept: whole rows with their
    // identities, like the chunks already committed (the error still ends the stream's import).
    this.many = db.prepare(`INSERT OR FAIL INTO ${t} (${names}) VALUES ${new Array(this.perStatement).fill(tuple).join(', ')}`);
    this.one = db.prepare(`INSERT INTO ${t} (${names}) VALUES ${tuple}`);
  }

  /** Inserts the rows laid out flat in `values` (`width` values each), in order. */
  insert(values: SqlValue[], width: number): void {
    const block = width * this.perStatement;
    const mirrorAt = this.mirrorAt;
    const args = this.args;
    let at = 0;
    for (; at + block <= values.length; at += block) {
      args.length = 0;
      for (let row = at; row < at + block; row += width) {
        for (let i = row; i < row + width; i++) args.push(values[i]);
        for (let m = 0; m < mirrorAt.length; m++) args.push(values[row + mirrorAt[m]]);
      }
      this.many.run(args);
    }
    for (; at < values.length; at += width) {
      args.length = 0;
      for (let i = at; i < at + width; i++) args.push(values[i]);
      for (let m = 0; m < mirrorAt.length; m++) args.push(values[at + mirrorAt[m]]);
      this.one.run(args);
    }
  }

  free(): void {
    this.many.free();
    this.one.free();
  }
}
