/**
 * The shape of an event table's identity index (docs/architecture.md "Ingest model"). Row
 * identity is (stream, content hash, occurrence number) everywhere; since V6 the index of a
 * built-in table is ordered by the event's time inside the stream,
 * `(stream_id, <time>, row_hash, row_seq)`, so rows written in time order land on the last
 * leaves instead of random ones. The time is part of the hashed content: a lookup by hash also
 * names the row's time, and finds exactly the rows the hash alone would. Tables still at V5 and
 * inferred tables created before have V1's `(stream_id, row_hash, row_seq)`: lookups follow the
 * shape the table has.
 */
import type { SqlDatabase as Database } from '../db/database';
import { quoteIdent } from './sql';

export interface IdentityShape {
  /** the time column between stream_id and row_hash, or null for V1's shape */
  timeColumn: string | null;
}

export function identityIndexName(table: string): string {
  return `ux_${table}_identity`;
}

export function identityShape(db: Database, table: string): IdentityShape {
  const r = db.exec(`SELECT name FROM pragma_index_info(?) ORDER BY seqno`, [identityIndexName(table)]);
  const cols = r.length ? r[0].values.map((v) => String(v[0])) : [];
  if (cols.length === 4 && cols[0] === 'stream_id' && cols[2] === 'row_hash' && cols[3] === 'row_seq') return { timeColumn: cols[1] };
  return { timeColumn: null };
}

/**
 * WHERE clause finding a stream's rows of one content hash through the identity index:
 * parameters (stream id, hash) and, with an ordered index, the row's time.
 */
export function identityWhere(shape: IdentityShape): string {
  if (!shape.timeColumn) return 'stream_id = ? AND row_hash = ?';
  return `stream_id = ? AND row_hash = ? AND ${quoteIdent(shape.timeColumn)} IS ?`;
}

/**
 * One adopted row (stream 0) with this hash: `SELECT id` with parameters (hash, time) for
 * `adoptArgs`. With an ordered index, rows adopted from a table that had no time column have
 * NULL there: a second seek finds those (an OR would make SQLite scan the whole stream).
 */
export function adoptedRowSql(shape: IdentityShape, table: string): string {
  const t = quoteIdent(table);
  if (!shape.timeColumn) return `SELECT id FROM ${t} WHERE stream_id = 0 AND row_hash = ? LIMIT 1`;
  const time = quoteIdent(shape.timeColumn);
  return `SELECT id FROM (SELECT id FROM ${t} WHERE stream_id = 0 AND row_hash = ?1 AND ${time} IS ?2 UNION ALL SELECT id FROM ${t} WHERE stream_id = 0 AND row_hash = ?1 AND ${time} IS NULL) LIMIT 1`;
}
