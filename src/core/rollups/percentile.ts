import type { SqlDatabase as Database, SqlValue } from '../db/database';

/**
 * Percentiles. sql.js has no percentile function, so two aggregates are registered per open
 * database (db.export() drops them, so callers re-register after an export):
 *   tl_percentile(value, p)                  exact nearest-rank over raw values (full scans)
 *   tl_weighted_percentile(value, count, p)  the same over a histogram (rollups)
 *   tl_weighted_percentiles(value, count, '[0.5,0.95]')  several at once, as a JSON array
 *     (one pass instead of one aggregate per percentile)
 * p is a fraction (0.95). Nearest rank: the smallest value v with at least ceil(p·N) values ≤ v.
 *
 * Rollup histograms key each value to a log-spaced bucket: within each decade, steps of 0.02
 * (mantissa 1–2.5), 0.05 (2.5–5) and 0.1 (5–10) of the decade, i.e. 175 buckets per decade, so
 * a percentile read from a rollup is within 1% of the exact one (and exact for values with two
 * significant digits, like 40 s or 1500 ms).
 */
/** Relative error bound of a histogram key (and so of a rollup percentile). */
export const HISTOGRAM_RELATIVE_ERROR = 0.01;


/** Nearest-rank percentile of (value, count) pairs; null when there is no value. */
export function weightedNearestRank(pairs: [number, number][], p: number): number | null {
  const total = pairs.reduce((s, [, n]) => s + n, 0);
  if (total <= 0) return null;
  pairs.sort((a, b) => a[0] - b[0]);
  const rank = Math.max(1, Math.ceil(p * total - 1e-9));
  let seen = 0;
  for (const [v, n] of pairs) {
    seen += n;
    if (seen >= rank) return v;
  }
  return pairs[pairs.length - 1][0];
}

/** Mantissa ranges of a decade and their step (in units of the decade). */
const STEPS: [fromMantissa: number, step: number][] = [
  [5, 0.1],
  [2.5, 0.05],
  [1, 0.02],
];
const MAX_MAGNITUDE = 11;
const MIN_MAGNITUDE = -6;

/** A step of `stepMantissa × 10^mag` as an exact integer ratio (numerator, divisor). */
function stepRatio(stepMantissa: number, mag: number): [number, number] {
  const units = Math.round(stepMantissa * 100); // 10, 5 or 2 hundredths of the decade
  const e = mag - 2;
  return e >= 0 ? [units * 10 ** e, 1] : [units, 10 ** -e];
}

/** The JS twin of histogramKeySql(). */
export function histogramKey(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const a = Math.abs(v);
  for (let mag = MAX_MAGNITUDE; mag >= MIN_MAGNITUDE; mag--) {
    for (const [from, step] of STEPS) {
      if (a >= from * 10 ** mag) {
        const [num, div] = stepRatio(step, mag);
        // SQLite's round() rounds halves away from zero
        const q = (v * div) / num;
        return (Math.sign(q) * Math.round(Math.abs(q)) * num) / div;
      }
    }
  }
  return Math.round(v * 1e8) / 1e8;
}

/** The CASE arms of histogramKeySql(), in order: `abs(x) >= {from}e{mag}` → `round(x * div.0 / num) * num / div.0`. */
export function histogramKeyArms(): { threshold: string; num: number; div: number }[] {
  const arms: { threshold: string; num: number; div: number }[] = [];
  for (let mag = MAX_MAGNITUDE; mag >= MIN_MAGNITUDE; mag--) {
    for (const [from, step] of STEPS) {
      const [num, div] = stepRatio(step, mag);
      arms.push({ threshold: `${from}e${mag}`, num, div });
    }
  }
  return arms;
}

/**
 * SQL expression mapping `expr` to its histogram key with plain comparisons (no math extension
 * needed, which sql.js marks deprecated). Covers |v| from 1e-6 to 1e12.
 */
export function histogramKeySql(expr: string): string {
  const arms = histogramKeyArms().map(({ threshold, num, div }) => `WHEN abs(${expr}) >= ${threshold} THEN round(${expr} * ${div}.0 / ${num}) * ${num} / ${div}.0`);
  return `(CASE WHEN ${expr} IS NULL THEN NULL ${arms.join(' ')} ELSE round(${expr}, 8) END)`;
}

/** sql.js ≥ 1.8 has create_aggregate; @types/sql.js does not declare it yet. */
interface AggregateCapable {
  create_aggregate(
    name: string,
    fns: { init: () => unknown; step: (state: any, ...args: SqlValue[]) => unknown; finalize: (state: any) => SqlValue },
  ): void;
}

interface PercentileState {
  pairs: [number, number][];
  p: number;
  /** the raw third argument (JSON list for tl_weighted_percentiles) */
  ps?: SqlValue;
}

function numeric(v: SqlValue): number | null {
  if (v === null || v === undefined) return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/** Registers tl_percentile and tl_weighted_percentile on this connection. Idempotent. */
export function registerPercentileAggregates(db: Database): void {
  const add = (state: PercentileState | undefined, value: SqlValue, count: number, p: SqlValue): PercentileState => {
    const s = state ?? ({ pairs: [], p: numeric(p) ?? 0.5, ps: p } as PercentileState);
    const v = numeric(value);
    if (v !== null && count > 0) s.pairs.push([v, count]);
    return s;
  };
  const finalize = (state: PercentileState | undefined): number | null =>
    state ? weightedNearestRank(state.pairs, state.p) : null;
  const withAggregates = db as unknown as AggregateCapable;
  withAggregates.create_aggregate('tl_percentile', {
    init: () => undefined,
    step: (state: PercentileState | undefined, value: SqlValue, p: SqlValue) => add(state, value, 1, p),
    finalize,
  });
  withAggregates.create_aggregate('tl_weighted_percentile', {
    init: () => undefined,
    step: (state: PercentileState | undefined, value: SqlValue, count: SqlValue, p: SqlValue) =>
      add(state, value, numeric(count) ?? 0, p),
    finalize,
  });
  withAggregates.create_aggregate('tl_weighted_percentiles', {
    init: () => undefined,
    step: (state: PercentileState | undefined, value: SqlValue, count: SqlValue, ps: SqlValue) =>
      add(state, value, numeric(count) ?? 0, ps),
    finalize: (state: PercentileState | undefined) => {
      if (!state) return null;
      const ps = JSON.parse(String(state.ps)) as number[];
      return JSON.stringify(ps.map((p) => weightedNearestRank(state.pairs, p)));
    },
  });
}
