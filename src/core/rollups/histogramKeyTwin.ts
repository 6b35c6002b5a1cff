import type { SqlDatabase as Database } from '../db/database';
import { histogramKeyArms } from './percentile';

/**
 * histogramKeySql() evaluated in JS bit for bit: the thresholds are the doubles SQLite itself
 * parses from the SQL literals, and rounding is SQLite's round(x) (x ± 0.5 truncated toward
 * zero). Returns null where SQLite would take another path (|x| < 1e-6 uses round(x, 8),
 * which goes through printf) — callers then leave the value to SQL.
 */
export type HistogramKeyOf = (v: number) => number | null;

export function histogramKeyTwin(db: Database): HistogramKeyOf {
  return histogramKeyFromThresholds(histogramKeyThresholds(db));
}

/** The thresholds as SQLite parses them (plain numbers: a worker thread can rebuild the twin). */
export function histogramKeyThresholds(db: Database): number[] {
  return db.exec(`SELECT ${histogramKeyArms().map((a) => a.threshold).join(', ')}`)[0].values[0] as number[];
}

export function histogramKeyFromThresholds(thresholds: number[]): HistogramKeyOf {
  const arms = histogramKeyArms();
  const nums = arms.map((a) => a.num);
  const divs = arms.map((a) => a.div);
  const cache = new Map<number, number | null>();
  const compute = (v: number): number | null => {
    if (v === 0) return 0;
    if (!Number.isFinite(v)) return null;
    const a = Math.abs(v);
    for (let i = 0; i < thresholds.length; i++) {
      if (a >= thresholds[i]) {
        const q = (v * divs[i]) / nums[i];
        const r = Math.trunc(q + (q < 0 ? -0.5 : 0.5));
        return (r * nums[i]) / divs[i];
      }
    }
    return null;
  };
  return (v) => {
    let k = cache.get(v);
    if (k === undefined) {
      k = compute(v);
      if (cache.size < 1 << 16) cache.set(v, k);
    }
    return k;
  };
}
