import type { Database } from 'sql.js';

/** A time range of rows an ingest write just inserted into one table. */
export interface TouchedRange {
  table: string;
  /** inclusive, epoch seconds */
  minTs: number;
  maxTs: number;
}

/**
 * Keeps the rollup tables current after an ingest write. Called by ingest inside the same
 * write (same snapshot, same transaction boundary) with the ranges it touched.
 * (Owned by the metrics work; until it lands this does nothing.)
 */
export function refreshRollups(_db: Database, _touched: TouchedRange[]): void {}
