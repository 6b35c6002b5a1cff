import { histogramKeySql } from './percentile';
import { quoteIdent } from '../db/queryHelpers';

/**
 * What the rollup tables hold and how each is computed from its event table. One spec = one
 * GROUP BY over one event table into buckets of `grainSeconds` (hourly UTC for anything shown
 * per day, daily UTC for data only read as range totals: value histograms, dq buckets,
 * expertise, follow-ups, sessions). The same SELECT serves
 * three purposes: the V3 rebuild, refreshRollups() for touched buckets, and the partial
 * buckets at the edges of a query range (computed from the event table on the fly, so every
 * count is exact for any range, not only whole hours).
 */
export interface RollupSpec {
  /** Rollup table (shared by several specs when `partition` is set). */
  table: string;
  /** Event table it is computed from. */
  source: string;
  /** Event-time column of the source. */
  tsColumn: string;
  grainSeconds: 3600 | 86400;
  /** Column definitions after bucket_ts, in SELECT order. */
  columns: [name: string, type: string][];
  /** One expression per column (source aliased `t`). */
  expressions: string[];
  /** Number of leading columns that are dimensions (grouped by). */
  dimensionCount: number;
  /** Extra predicate on source rows. */
  filter?: string;
  /** FROM clause when more than the source is needed (must alias the source `t`). */
  from?: string;
  /** Predicate that selects this spec's rows in a shared table. */
  partition?: string;
  /**
   * How a measure column combines when buckets merge into coarser blocks (default sum);
   * dimension columns are grouped.
   */
  combine?: Record<string, 'min' | 'max'>;
}

/**
 * Coarser levels kept for every spec in `blockTable(spec)` (column grain_days): whole days,
 * 8-day and 64-day blocks aligned to the epoch, each summed from the level below. A range
 * total reads a handful of blocks plus finer buckets at its edges instead of every hour.
 */
export const BLOCK_DAYS = [1, 8, 64] as const;

export function blockTable(spec: RollupSpec): string {
  return `${spec.table.replace(/_(hour|day)$/, '')}_block`;
}

/** Block levels of a spec, finest first: [grainDays, level it is summed from (0 = the spec's own table)]. */
export function blockLevels(spec: RollupSpec): [days: number, fromDays: number][] {
  const levels = BLOCK_DAYS.filter((d) => d * DAY > spec.grainSeconds);
  return levels.map((d, i) => [d, i === 0 ? 0 : levels[i - 1]]);
}

export const HOUR = 3600;
export const DAY = 86400;

const success = (col: string) => `sum(CASE WHEN ${col} IS NOT NULL AND ${col} <> 0 THEN 1 ELSE 0 END)`;
const failure = (col: string) => `sum(CASE WHEN ${col} = 0 THEN 1 ELSE 0 END)`;
const sumOf = (col: string) => `total(${col})`;
const countOf = (col: string) => `count(${col})`;

/** Suffix of the metric name whose rows are not split by dimension (overall percentiles). */
export const ALL_DIMENSIONS = ':all';

/**
 * Two specs per histogram: split by dimension, and overall (dim NULL, metric + ':all'); only
 * the overall one when no view shows per-dimension percentiles (`dim` null).
 */
function histogram(metric: string, source: string, tsColumn: string, dim: string | null, value: string, filter?: string): RollupSpec[] {
  const overall = histogramSpec(metric + ALL_DIMENSIONS, source, tsColumn, 'NULL', value, filter);
  return dim === null ? [overall] : [histogramSpec(metric, source, tsColumn, dim, value, filter), overall];
}

function histogramSpec(metric: string, source: string, tsColumn: string, dim: string, value: string, filter?: string): RollupSpec {
  return {
    table: 'rollup_value_hist_day',
    source,
    tsColumn,
    grainSeconds: DAY,
    columns: [
      ['metric', 'TEXT NOT NULL'],
      ['dim', 'TEXT'],
      ['value', 'REAL NOT NULL'],
      ['n', 'INTEGER NOT NULL'],
    ],
    expressions: [`'${metric}'`, dim, histogramKeySql(value), 'count(*)'],
    dimensionCount: 3,
    filter: [`${value} IS NOT NULL`, filter].filter(Boolean).join(' AND '),
    partition: `metric = '${metric}'`,
  };
}

/** Histogram metric names (rollup_value_hist_day.metric). */
export const HistogramMetric = {
  skillDurationSeconds: 'skill_duration_seconds',
  routingLatencyMs: 'routing_latency_ms',
  selfHealExecutionMs: 'self_heal_execution_ms',
  recoveryTimeToRecoverMs: 'recovery_time_to_recover_ms',
} as const;

/** The follow-up actions of a row as a JSON array (SQLite's JSON1; the team dialect expands it locally). */
export const FOLLOW_UP_ARRAY_SQL = `CASE WHEN t.follow_up_actions IS NULL THEN '[]'
  WHEN json_valid(t.follow_up_actions) AND json_type(t.follow_up_actions) = 'array' THEN t.follow_up_actions
  ELSE json_array(t.follow_up_actions) END`;

/** auto / manual / unknown from extra.auto (src/core/team/dialect.ts renders it for PostgreSQL). */
export const RECOVERY_MODE_SQL = `CASE WHEN t.extra IS NOT NULL AND json_valid(t.extra) THEN
  CASE json_extract(t.extra, '$.auto') WHEN 1 THEN 'auto' WHEN 'true' THEN 'auto' WHEN '1' THEN 'auto'
    WHEN 0 THEN 'manual' WHEN 'false' THEN 'manual' WHEN '0' THEN 'manual' ELSE 'unknown' END
  ELSE 'unknown' END`;

/** Tenth of the dq score, clamped to 0..9. */
export const DQ_BUCKET_SQL = 'min(9, max(0, CAST(t.dq_score * 10 AS INTEGER)))';

export const DOMAIN_ROLLUPS: RollupSpec[] = [
  {
    table: 'rollup_skill_hour',
    source: 'skill_invocation',
    tsColumn: 'invoked_at',
    grainSeconds: HOUR,
    columns: [
      ['skill_name', 'TEXT'],
      ['workflow_path', 'TEXT'],
      ['error_type', 'TEXT'],
      ['invocations', 'INTEGER NOT NULL'],
      ['completed', 'INTEGER NOT NULL'],
      ['duration_sum_seconds', 'REAL NOT NULL'],
      ['duration_count', 'INTEGER NOT NULL'],
      ['last_invoked_at', 'INTEGER'],
    ],
    combine: { last_invoked_at: 'max' },
    expressions: [
      't.skill_name',
      't.workflow_path',
      't.error_type',
      'count(*)',
      success('t.completed'),
      'total(CASE WHEN t.completed <> 0 THEN t.duration_seconds END)',
      'count(CASE WHEN t.completed <> 0 THEN t.duration_seconds END)',
      'max(t.invoked_at)',
    ],
    dimensionCount: 3,
  },
  {
    table: 'rollup_skill_followup_day',
    source: 'skill_invocation',
    tsColumn: 'invoked_at',
    grainSeconds: DAY, // only read as range totals
    columns: [
      ['skill_name', 'TEXT'],
      ['action', 'TEXT'],
      ['invocations', 'INTEGER NOT NULL'],
    ],
    expressions: ['t.skill_name', 'CAST(j.value AS TEXT)', 'count(DISTINCT t.id)'],
    dimensionCount: 2,
    from: `skill_invocation AS t, json_each(${FOLLOW_UP_ARRAY_SQL}) AS j`,
    filter: 'j.value IS NOT NULL',
  },
  {
    table: 'rollup_skill_session_day',
    source: 'skill_invocation',
    tsColumn: 'invoked_at',
    grainSeconds: DAY, // only read as range totals
    columns: [
      ['session_id', 'TEXT'],
      ['skill_name', 'TEXT'],
      ['invocations', 'INTEGER NOT NULL'],
      ['completed', 'INTEGER NOT NULL'],
      ['last_invoked_at', 'INTEGER'],
    ],
    expressions: ['t.session_id', 't.skill_name', 'count(*)', success('t.completed'), 'max(t.invoked_at)'],
    combine: { last_invoked_at: 'max' },
    dimensionCount: 2,
    filter: 't.session_id IS NOT NULL',
  },
  ...histogram(HistogramMetric.skillDurationSeconds, 'skill_invocation', 'invoked_at', 't.skill_name', 't.duration_seconds', 't.completed <> 0'),
  {
    table: 'rollup_routing_hour',
    source: 'routing_metrics_events',
    tsColumn: 'timestamp',
    grainSeconds: HOUR,
    columns: [
      ['predicted_model', 'TEXT'],
      ['actual_model', 'TEXT'],
      ['decisions', 'INTEGER NOT NULL'],
      ['evaluated', 'INTEGER NOT NULL'],
      ['correct', 'INTEGER NOT NULL'],
      ['dq_sum', 'REAL NOT NULL'],
      ['dq_count', 'INTEGER NOT NULL'],
      ['cost_saved_sum_usd', 'REAL NOT NULL'],
      ['latency_sum_ms', 'REAL NOT NULL'],
      ['latency_count', 'INTEGER NOT NULL'],
    ],
    expressions: [
      't.predicted_model',
      't.actual_model',
      'count(*)',
      countOf('t.accuracy'),
      success('t.accuracy'),
      sumOf('t.dq_score'),
      countOf('t.dq_score'),
      sumOf('t.cost_saved'),
      sumOf('t.latency_ms'),
      countOf('t.latency_ms'),
    ],
    dimensionCount: 2,
  },
  {
    table: 'rollup_routing_dq_day',
    source: 'routing_metrics_events',
    tsColumn: 'timestamp',
    grainSeconds: DAY, // only read as range totals
    columns: [
      ['predicted_model', 'TEXT'],
      ['bucket', 'INTEGER NOT NULL'],
      ['n', 'INTEGER NOT NULL'],
    ],
    // tenths of the score; 1.0 joins the last bucket, out-of-range values are clamped
    expressions: ['t.predicted_model', DQ_BUCKET_SQL, 'count(*)'],
    dimensionCount: 2,
    filter: 't.dq_score IS NOT NULL',
  },
  ...histogram(HistogramMetric.routingLatencyMs, 'routing_metrics_events', 'timestamp', 't.predicted_model', 't.latency_ms'),
  {
    table: 'rollup_expertise_day',
    source: 'expertise_routing_events',
    tsColumn: 'timestamp',
    grainSeconds: DAY, // only read as range totals
    columns: [
      ['domain', 'TEXT'],
      ['chosen_model', 'TEXT'],
      ['routings', 'INTEGER NOT NULL'],
      ['expertise_sum', 'REAL NOT NULL'],
      ['expertise_count', 'INTEGER NOT NULL'],
      ['complexity_sum', 'REAL NOT NULL'],
      ['complexity_count', 'INTEGER NOT NULL'],
    ],
    expressions: [
      't.domain',
      't.chosen_model',
      'count(*)',
      sumOf('t.expertise_level'),
      countOf('t.expertise_level'),
      sumOf('t.query_complexity'),
      countOf('t.query_complexity'),
    ],
    dimensionCount: 2,
  },
  {
    table: 'rollup_self_heal_hour',
    source: 'self_heal_events',
    tsColumn: 'timestamp',
    grainSeconds: HOUR,
    columns: [
      ['error_pattern', 'TEXT'],
      ['attempts', 'INTEGER NOT NULL'],
      ['successes', 'INTEGER NOT NULL'],
      ['execution_sum_ms', 'REAL NOT NULL'],
      ['execution_count', 'INTEGER NOT NULL'],
    ],
    expressions: ['t.error_pattern', 'count(*)', success('t.success'), sumOf('t.execution_time_ms'), countOf('t.execution_time_ms')],
    dimensionCount: 1,
  },
  ...histogram(HistogramMetric.selfHealExecutionMs, 'self_heal_events', 'timestamp', null, 't.execution_time_ms'),
  {
    table: 'rollup_recovery_hour',
    source: 'recovery_events',
    tsColumn: 'timestamp',
    grainSeconds: HOUR,
    columns: [
      ['error_type', 'TEXT'],
      ['recovery_strategy', 'TEXT'],
      ['mode', 'TEXT'],
      ['attempts', 'INTEGER NOT NULL'],
      ['successes', 'INTEGER NOT NULL'],
      ['tries_sum', 'REAL NOT NULL'],
      ['tries_count', 'INTEGER NOT NULL'],
      ['ttr_sum_ms', 'REAL NOT NULL'],
      ['ttr_count', 'INTEGER NOT NULL'],
    ],
    expressions: [
      't.error_type',
      't.recovery_strategy',
      RECOVERY_MODE_SQL,
      'count(*)',
      success('t.success'),
      sumOf('t.attempts'),
      countOf('t.attempts'),
      sumOf('t.time_to_recover_ms'),
      countOf('t.time_to_recover_ms'),
    ],
    dimensionCount: 3,
  },
  ...histogram(HistogramMetric.recoveryTimeToRecoverMs, 'recovery_events', 'timestamp', 't.error_type', 't.time_to_recover_ms'),
  {
    table: 'rollup_tool_hour',
    source: 'tool_events',
    tsColumn: 'timestamp',
    grainSeconds: HOUR,
    columns: [
      ['tool', 'TEXT'],
      ['calls', 'INTEGER NOT NULL'],
      ['successes', 'INTEGER NOT NULL'],
      ['failures', 'INTEGER NOT NULL'],
    ],
    expressions: ['t.tool', 'count(*)', success('t.success'), failure('t.success')],
    dimensionCount: 1,
  },
  {
    table: 'rollup_git_hour',
    source: 'git_events',
    tsColumn: 'timestamp',
    grainSeconds: HOUR,
    columns: [
      ['repo', 'TEXT'],
      ['event_type', 'TEXT'],
      ['events', 'INTEGER NOT NULL'],
      ['additions', 'INTEGER NOT NULL'],
      ['deletions', 'INTEGER NOT NULL'],
      ['files_changed', 'INTEGER NOT NULL'],
    ],
    expressions: ['t.repo', 't.event_type', 'count(*)', 'coalesce(sum(t.additions), 0)', 'coalesce(sum(t.deletions), 0)', 'coalesce(sum(t.files_changed), 0)'],
    dimensionCount: 2,
  },
  {
    table: 'rollup_coordinator_hour',
    source: 'coordinator_events',
    tsColumn: 'timestamp',
    grainSeconds: HOUR,
    columns: [
      ['action', 'TEXT'],
      ['strategy', 'TEXT'],
      ['runs', 'INTEGER NOT NULL'],
      ['duration_sum_ms', 'REAL NOT NULL'],
      ['duration_count', 'INTEGER NOT NULL'],
    ],
    expressions: ['t.action', 't.strategy', 'count(*)', sumOf('t.duration_ms'), countOf('t.duration_ms')],
    dimensionCount: 2,
  },
  {
    table: 'rollup_activity_hour',
    source: 'activity_events',
    tsColumn: 'timestamp',
    grainSeconds: HOUR,
    columns: [
      ['event_type', 'TEXT'],
      ['events', 'INTEGER NOT NULL'],
    ],
    expressions: ['t.event_type', 'count(*)'],
    dimensionCount: 1,
  },
  {
    table: 'rollup_session_hour',
    source: 'session_outcome_events',
    tsColumn: 'timestamp',
    grainSeconds: HOUR,
    columns: [
      ['outcome', 'TEXT'],
      ['analyses', 'INTEGER NOT NULL'],
      ['quality_sum', 'REAL NOT NULL'],
      ['quality_count', 'INTEGER NOT NULL'],
      ['success_known', 'INTEGER NOT NULL'],
      ['successes', 'INTEGER NOT NULL'],
      ['cost_sum_usd', 'REAL NOT NULL'],
    ],
    expressions: ['t.outcome', 'count(*)', sumOf('t.quality'), countOf('t.quality'), countOf('t.success'), success('t.success'), sumOf('t.cost_usd')],
    dimensionCount: 1,
  },
];

/** Rows per event table and hour (any event table with a time column, inferred ones too). */
export function eventCountSpec(source: string, tsColumn: string): RollupSpec {
  const literal = `'${source.replace(/'/g, "''")}'`;
  return {
    table: 'rollup_event_hour',
    source,
    tsColumn,
    grainSeconds: HOUR,
    columns: [
      ['table_name', 'TEXT NOT NULL'],
      ['events', 'INTEGER NOT NULL'],
      ['first_at', 'INTEGER'],
      ['last_at', 'INTEGER'],
    ],
    expressions: [literal, 'count(*)', `min(t.${quoteIdent(tsColumn)})`, `max(t.${quoteIdent(tsColumn)})`],
    combine: { first_at: 'min', last_at: 'max' },
    dimensionCount: 1,
    partition: `table_name = ${literal}`,
  };
}

/** An event table as the rollups see it. */
export interface EventTable {
  name: string;
  /** Event-time column, null when the table has none (no rollups then). */
  tsColumn: string | null;
}

/** Every spec fed by one event table. */
export function specsForTable(table: EventTable): RollupSpec[] {
  if (!table.tsColumn) return [];
  return [...DOMAIN_ROLLUPS.filter((s) => s.source === table.name), eventCountSpec(table.name, table.tsColumn)];
}

/** The distinct rollup tables (and their block tables) with their full column lists (for CREATE TABLE). */
export function rollupTableDefinitions(): { table: string; columns: [string, string][] }[] {
  const seen = new Map<string, [string, string][]>();
  for (const spec of [...DOMAIN_ROLLUPS, eventCountSpec('x', 'timestamp')]) {
    if (seen.has(spec.table)) continue;
    seen.set(spec.table, spec.columns);
    seen.set(blockTable(spec), [['grain_days', 'INTEGER NOT NULL'], ...spec.columns]);
  }
  return [...seen].map(([table, columns]) => ({ table, columns }));
}

/** SELECT merging `fromSql` rows (same columns) into buckets of `grainSeconds`. */
export function mergeSelectSql(spec: RollupSpec, grainDays: number, fromSql: string): string {
  const g = grainDays * DAY;
  const cols = spec.columns.map(([name], i) =>
    i < spec.dimensionCount ? name : `${spec.combine?.[name] ?? 'sum'}(${name}) AS ${name}`,
  );
  const groupBy = ['2', ...spec.columns.slice(0, spec.dimensionCount).map(([n]) => n)];
  return `SELECT ${grainDays} AS grain_days, (bucket_ts / ${g}) * ${g} AS bucket_ts, ${cols.join(', ')} FROM ${fromSql} GROUP BY ${groupBy.join(', ')}`;
}

/** SELECT producing (bucket_ts, ...columns) from the source rows matching `rangePredicate`. */
export interface SelectOptions {
  /** Bucket expression over `$ts` instead of the grain floor (exact local days, see context.ts). */
  bucketSql?: string;
  /** Extra join after the source (alias `t`), e.g. a VALUES list of hours to read. */
  join?: string;
}

export function rollupSelectSql(spec: RollupSpec, rangePredicate: string | undefined, options: SelectOptions = {}): string {
  const ts = `t.${quoteIdent(spec.tsColumn)}`;
  const bucket = options.bucketSql?.replace(/\$ts/g, `CAST(${ts} AS INTEGER)`) ?? `(CAST(${ts} AS INTEGER) / ${spec.grainSeconds}) * ${spec.grainSeconds}`;
  // a row without an event time (an inferred table's line that lacked it) has no bucket
  const where = [`${ts} IS NOT NULL`, spec.filter, rangePredicate?.replace(/\$ts/g, ts)].filter(Boolean);
  const groupBy = ['1', ...Array.from({ length: spec.dimensionCount }, (_, i) => String(i + 2))];
  const from = `${spec.from ?? `${quoteIdent(spec.source)} AS t`}${options.join ? ` ${options.join.replace(/\$ts/g, ts)}` : ''}`;
  return `SELECT ${bucket} AS bucket_ts, ${spec.expressions.map((e, i) => `${e} AS ${spec.columns[i][0]}`).join(', ')}
FROM ${from}${where.length ? `\nWHERE ${where.join(' AND ')}` : ''}
GROUP BY ${groupBy.join(', ')}`;
}
