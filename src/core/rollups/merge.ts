import type { SqlDatabase as Database, SqlValue } from '../db/database';
import { combineMeasure, type SpecAccumulator } from './deltas';
import type { Cell } from './twins';

/** Rows per DELETE … WHERE rowid IN (…) (well under SQLite's expression depth limits). */
const DELETE_CHUNK = 500;

/**
 * Adds one spec's JS-summed buckets to its rollup table: rows already there for those
 * buckets and dimensions are read, combined (sum / min / max) and replaced; other rows are
 * untouched. Returns the time span written, for the block levels above it.
 */
export function mergeIntoRollup(db: Database, s: SpecAccumulator): { from: number; to: number } | null {
  const span = s.span();
  if (!span) return null;
  const spec = s.spec;
  const names = spec.columns.map(([n]) => n);
  const dimCount = spec.dimensionCount;
  const where = [spec.partition, `bucket_ts >= ${span[0]}`, `bucket_ts <= ${span[1]}`].filter(Boolean).join(' AND ');
  const replaced: number[] = [];
  const read = db.prepare(`SELECT rowid, bucket_ts, ${names.join(', ')} FROM ${spec.table} WHERE ${where}`);
  try {
    while (read.step()) {
      const r = read.get() as Cell[];
      const measures = s.find(Number(r[1]), r.slice(2, 2 + dimCount));
      if (!measures) continue;
      // existing first: the same order of addition as a rebuild in rowid order
      for (let i = 0; i < measures.length; i++) measures[i] = combineMeasure(s.combine[i], r[2 + dimCount + i] as number | null, measures[i]);
      replaced.push(Number(r[0]));
    }
  } finally {
    read.free();
  }
  for (let i = 0; i < replaced.length; i += DELETE_CHUNK) db.run(`DELETE FROM ${spec.table} WHERE rowid IN (${replaced.slice(i, i + DELETE_CHUNK).join(', ')})`);
  const insert = db.prepare(`INSERT INTO ${spec.table} (bucket_ts, ${names.join(', ')}) VALUES (?, ${names.map(() => '?').join(', ')})`);
  try {
    const values: SqlValue[] = new Array<SqlValue>(names.length + 1);
    for (const e of s.entries()) {
      values[0] = e.bucket;
      for (let i = 0; i < dimCount; i++) values[1 + i] = e.dims[i];
      for (let i = 0; i < e.measures.length; i++) values[1 + dimCount + i] = e.measures[i];
      insert.run(values);
    }
  } finally {
    insert.free();
  }
  return { from: span[0], to: span[1] + spec.grainSeconds - 1 };
}
