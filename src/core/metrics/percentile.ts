import type { Database, SqlValue } from 'sql.js';

/**
 * Percentiles. sql.js has no percentile function, so two aggregates are registered per open
 * database (db.export() drops them, so callers re-register after an export):
 *   tl_percentile(value, p)                  exact nearest-rank over raw values (full scans)
 *   tl_weighted_percentile(value, count, p)  the same over a histogram (rollups)
 *   tl_weighted_percentiles(value, count, '[0.5,0.95]')  several at once, as a JSON array
 *     (one pass instead of one aggregate per percentile)
 * p is a fraction (0.95). Nearest rank: the smallest value v with at least ceil(p·N) values ≤ v.
 *
 * Rollup histograms key each value by rounding it to 3 significant digits (HISTOGRAM_DIGITS),
 * so a percentile read from a rollup equals the exact one for values with ≤ 3 significant
 * digits and is within 0.5% of it otherwise.
 */
export const HISTOGRAM_DIGITS = 3;

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

/** The JS twin of histogramKeySql(): rounds to HISTOGRAM_DIGITS significant digits. */
export function histogramKey(v: number): number {
  if (v === 0 || !Number.isFinite(v)) return v;
  const magnitude = Math.floor(Math.log10(Math.abs(v)));
  const scale = 10 ** (HISTOGRAM_DIGITS - 1 - magnitude);
  return Math.round(v * scale) / scale;
}

/**
 * SQL expression rounding `expr` to 3 significant digits with plain comparisons (no math
 * extension needed, which sql.js marks deprecated). Covers |v| up to 1e12 and down to 1e-6.
 */
export function histogramKeySql(expr: string): string {
  const arms: string[] = [];
  for (let mag = 11; mag >= -6; mag--) {
    const decimals = HISTOGRAM_DIGITS - 1 - mag;
    const lower = `1e${mag}`;
    const rounded = decimals >= 0 ? `round(${expr}, ${decimals})` : `round(${expr} / 1e${-decimals}) * 1e${-decimals}`;
    arms.push(`WHEN abs(${expr}) >= ${lower} THEN ${rounded}`);
  }
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
