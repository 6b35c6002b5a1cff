/**
 * The native engine's bulk insert: node:sqlite binds each value through a JS→C call (a
 * prepared-statement loop over a million rows took ~9 s), so a batch of rows goes in as one
 * JSON text expanded by SQLite itself: INSERT … SELECT value->>0, value->>1, … FROM json_each(?).
 * JSON keeps the value kinds ingest produces (integers, reals, texts, NULL); a row holding
 * anything else (a blob) goes in through a plain prepared INSERT.
 */
import type { SqlDatabase, SqlStatement, SqlValue } from '../db/database';
import { quoteIdent } from './sql';

export class JsonBatchInsert {
  /** Rows per JSON text: big enough to amortise the call, small enough to keep the text short. */
  static readonly ROWS = 1024;
  private readonly viaJson: SqlStatement;
  private readonly one: SqlStatement;

  constructor(db: SqlDatabase, table: string, columns: string[]) {
    const t = quoteIdent(table);
    const names = columns.map(quoteIdent).join(', ');
    this.viaJson = db.prepare(`INSERT INTO ${t} (${names}) SELECT ${columns.map((_, i) => `value ->> ${i}`).join(', ')} FROM json_each(?)`);
    this.one = db.prepare(`INSERT INTO ${t} (${names}) VALUES (${columns.map(() => '?').join(', ')})`);
  }

  /** Inserts the rows laid out flat in `values` (`width` values each), in order. */
  insert(values: SqlValue[], width: number): void {
    let from = 0;
    for (let at = 0; at < values.length; at += width) {
      let plain = true;
      for (let i = at; i < at + width; i++) {
        const v = values[i];
        if (v !== null && typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) {
          plain = false;
          break;
        }
      }
      if (plain) continue;
      this.json(values, from, at, width);
      this.one.run(values.slice(at, at + width));
      from = at + width;
    }
    this.json(values, from, values.length, width);
  }

  private json(values: SqlValue[], from: number, to: number, width: number): void {
    if (to <= from) return;
    const rows: SqlValue[][] = [];
    for (let at = from; at < to; at += width) rows.push(values.slice(at, at + width));
    this.viaJson.run([JSON.stringify(rows)]);
  }

  free(): void {
    this.viaJson.free();
    this.one.free();
  }
}
