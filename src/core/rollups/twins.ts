import { ALL_DIMENSIONS, DOMAIN_ROLLUPS, HistogramMetric, type RollupSpec } from './specs';

/**
 * JS twins of the rollup specs' SELECTs (rollupSpecs.ts), for rows ingest is inserting: the
 * same dimensions and per-row measure contributions SQLite's GROUP BY would sum, so a write
 * adds its rows to the rollups without re-scanning the table. Valid only for values whose
 * SQL semantics JS reproduces exactly: RollupDeltas checks each value's type against the
 * column's affinity and gives up (SQL refresh) on anything else.
 * Specs without a twin (JSON-reading: follow-ups, recovery mode) are always refreshed by SQL.
 */
export type Cell = string | number | null;

/** Histogram key of a value, as histogramKeySql() computes it (see HistogramKeys). */
export type KeyOf = (v: number) => number;

export interface RollupTwin {
  /** Source columns read, in the order `row` holds them. */
  reads: string[];
  /**
   * This row's contribution, written into `d` (dimension values) and `m` (one number per
   * measure column, combined by the spec's rule: sum, or min/max where a null adds nothing);
   * false when the row is not counted (the spec's filter). Fills arrays instead of returning
   * new ones: it runs for every inserted row and spec.
   */
  add(row: Cell[], d: Cell[], m: (number | null)[], key: KeyOf): boolean;
}

/** `col IS NOT NULL AND col <> 0` */
const ok = (v: Cell): number => (v !== null && v !== 0 ? 1 : 0);
const has = (v: Cell): number => (v === null ? 0 : 1);
const num = (v: Cell): number => (v === null ? 0 : (v as number));

function histogramTwins(metric: string, dimColumn: string | null, valueColumn: string, filter?: { column: string; test: (v: Cell) => boolean }): [string, RollupTwin][] {
  const extra = filter ? [filter.column] : [];
  const overall: RollupTwin = {
    reads: [valueColumn, ...extra],
    add: (r, d, m, key) => {
      if (r[0] === null || (filter && !filter.test(r[1]))) return false;
      d[0] = metric + ALL_DIMENSIONS;
      d[1] = null;
      d[2] = key(r[0] as number);
      m[0] = 1;
      return true;
    },
  };
  const out: [string, RollupTwin][] = [[`rollup_value_hist_day|${metric}${ALL_DIMENSIONS}`, overall]];
  if (dimColumn) {
    const at = extra.length + 1;
    out.push([
      `rollup_value_hist_day|${metric}`,
      {
        reads: [valueColumn, ...extra, dimColumn],
        add: (r, d, m, key) => {
          if (r[0] === null || (filter && !filter.test(r[1]))) return false;
          d[0] = metric;
          d[1] = r[at];
          d[2] = key(r[0] as number);
          m[0] = 1;
          return true;
        },
      },
    ]);
  }
  return out;
}

/** Copies the first `n` inputs as dimensions (most twins group by the columns they read first). */
function dims(r: Cell[], d: Cell[], n: number): void {
  for (let i = 0; i < n; i++) d[i] = r[i];
}

const TWINS = new Map<string, RollupTwin>([
  [
    'rollup_skill_hour',
    {
      reads: ['skill_name', 'workflow_path', 'error_type', 'completed', 'duration_seconds', 'invoked_at'],
      add: (r, d, m) => {
        dims(r, d, 3);
        const done = ok(r[3]);
        m[0] = 1;
        m[1] = done;
        m[2] = done ? num(r[4]) : 0; // total(CASE WHEN completed <> 0 THEN duration_seconds END)
        m[3] = done ? has(r[4]) : 0;
        m[4] = r[5] as number; // max(invoked_at)
        return true;
      },
    },
  ],
  [
    'rollup_skill_session_day',
    {
      reads: ['session_id', 'skill_name', 'completed', 'invoked_at'],
      add: (r, d, m) => {
        if (r[0] === null) return false;
        dims(r, d, 2);
        m[0] = 1;
        m[1] = ok(r[2]);
        m[2] = r[3] as number;
        return true;
      },
    },
  ],
  ...histogramTwins(HistogramMetric.skillDurationSeconds, 'skill_name', 'duration_seconds', { column: 'completed', test: (c) => c !== null && c !== 0 }),
  [
    'rollup_routing_hour',
    {
      reads: ['predicted_model', 'actual_model', 'accuracy', 'dq_score', 'cost_saved', 'latency_ms'],
      add: (r, d, m) => {
        dims(r, d, 2);
        m[0] = 1;
        m[1] = has(r[2]);
        m[2] = ok(r[2]);
        m[3] = num(r[3]);
        m[4] = has(r[3]);
        m[5] = num(r[4]);
        m[6] = num(r[5]);
        m[7] = has(r[5]);
        return true;
      },
    },
  ],
  [
    'rollup_routing_dq_day',
    {
      reads: ['predicted_model', 'dq_score'],
      add: (r, d, m) => {
        if (r[1] === null) return false;
        d[0] = r[0];
        // CAST(x AS INTEGER) truncates toward zero
        d[1] = Math.min(9, Math.max(0, Math.trunc((r[1] as number) * 10)));
        m[0] = 1;
        return true;
      },
    },
  ],
  ...histogramTwins(HistogramMetric.routingLatencyMs, 'predicted_model', 'latency_ms'),
  [
    'rollup_expertise_day',
    {
      reads: ['domain', 'chosen_model', 'expertise_level', 'query_complexity'],
      add: (r, d, m) => {
        dims(r, d, 2);
        m[0] = 1;
        m[1] = num(r[2]);
        m[2] = has(r[2]);
        m[3] = num(r[3]);
        m[4] = has(r[3]);
        return true;
      },
    },
  ],
  [
    'rollup_self_heal_hour',
    {
      reads: ['error_pattern', 'success', 'execution_time_ms'],
      add: (r, d, m) => {
        dims(r, d, 1);
        m[0] = 1;
        m[1] = ok(r[1]);
        m[2] = num(r[2]);
        m[3] = has(r[2]);
        return true;
      },
    },
  ],
  ...histogramTwins(HistogramMetric.selfHealExecutionMs, null, 'execution_time_ms'),
  ...histogramTwins(HistogramMetric.recoveryTimeToRecoverMs, 'error_type', 'time_to_recover_ms'),
  [
    'rollup_tool_hour',
    {
      reads: ['tool', 'success'],
      add: (r, d, m) => {
        dims(r, d, 1);
        m[0] = 1;
        m[1] = ok(r[1]);
        m[2] = r[1] === 0 ? 1 : 0;
        return true;
      },
    },
  ],
  [
    'rollup_git_hour',
    {
      reads: ['repo', 'event_type', 'additions', 'deletions', 'files_changed'],
      add: (r, d, m) => {
        dims(r, d, 2);
        m[0] = 1;
        m[1] = num(r[2]);
        m[2] = num(r[3]);
        m[3] = num(r[4]);
        return true;
      },
    },
  ],
  [
    'rollup_coordinator_hour',
    {
      reads: ['action', 'strategy', 'duration_ms'],
      add: (r, d, m) => {
        dims(r, d, 2);
        m[0] = 1;
        m[1] = num(r[2]);
        m[2] = has(r[2]);
        return true;
      },
    },
  ],
  [
    'rollup_activity_hour',
    {
      reads: ['event_type'],
      add: (r, d, m) => {
        dims(r, d, 1);
        m[0] = 1;
        return true;
      },
    },
  ],
  [
    'rollup_session_hour',
    {
      reads: ['outcome', 'quality', 'success', 'cost_usd'],
      add: (r, d, m) => {
        dims(r, d, 1);
        m[0] = 1;
        m[1] = num(r[1]);
        m[2] = has(r[1]);
        m[3] = has(r[2]);
        m[4] = ok(r[2]);
        m[5] = num(r[3]);
        return true;
      },
    },
  ],
]);

/** The twin of a spec, or null when it has none (always refreshed by SQL). */
export function twinOf(spec: RollupSpec): RollupTwin | null {
  if (spec.table === 'rollup_event_hour') {
    // count, first_at = min(ts), last_at = max(ts)
    return {
      reads: [spec.tsColumn],
      add: (r, d, m) => {
        d[0] = spec.source;
        m[0] = 1;
        m[1] = r[0] as number;
        m[2] = r[0] as number;
        return true;
      },
    };
  }
  const metric = spec.partition?.match(/^metric = '(.*)'$/)?.[1];
  const twin = TWINS.get(metric ? `${spec.table}|${metric}` : spec.table) ?? null;
  return twin && twin.reads.every((c) => spec.expressions.some((e) => e.includes(`t.${c}`)) || (spec.filter ?? '').includes(`t.${c}`)) ? twin : null;
}

/** Every domain spec that has a twin (for tests). */
export function specsWithTwins(): RollupSpec[] {
  return DOMAIN_ROLLUPS.filter((s) => twinOf(s) !== null);
}
