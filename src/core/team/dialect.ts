/**
 * What differs between SQLite (each machine's database) and PostgreSQL (the team database), in
 * one place: column types, identifier quoting, JSON columns, epoch seconds → UTC day. Sync,
 * validation and the read adapters take these from here rather than spelling them out.
 */
import { histogramKeyArms, histogramKeySql } from '../rollups/percentile';
import { DQ_BUCKET_SQL, FOLLOW_UP_ARRAY_SQL, RECOVERY_MODE_SQL, type RollupSpec } from '../rollups/specs';

/** PostgreSQL column types a synced SQLite column can take. */
export type TeamColumnType = 'bigint' | 'double precision' | 'text' | 'jsonb' | 'bytea';

/** Columns holding JSON documents: stored as JSONB with a GIN index in the team database. */
export const JSON_COLUMNS: ReadonlySet<string> = new Set(['extra', 'context']);

/** The extra column every team table has: which machine the row came from. */
export const MACHINE_COLUMN = 'machine';

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

export function quoteLiteral(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

/**
 * The team type of a SQLite column, from its declared type by SQLite's affinity rules
 * (sqlite.org/datatype3.html §3.1). NUMERIC-affinity and untyped columns can hold anything, so
 * they become text; JSON columns become jsonb whatever they were declared.
 */
export function teamColumnType(column: string, declaredType: string): TeamColumnType {
  if (JSON_COLUMNS.has(column)) return 'jsonb';
  const t = declaredType.toUpperCase();
  if (t.includes('INT')) return 'bigint';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'text';
  if (t.includes('BLOB')) return 'bytea';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'double precision';
  return 'text';
}

/** Earliest and latest epoch second SQLite's date() accepts (0000-01-01 .. 9999-12-31). */
const MIN_EPOCH = -62167219200;
const MAX_EPOCH = 253402300799;

/** UTC day ('YYYY-MM-DD', or NULL) of an epoch-seconds column, in each dialect, matching exactly. */
export const dayOf = {
  sqlite: (col: string) => `CASE WHEN typeof(${col}) = 'integer' AND ${col} BETWEEN ${MIN_EPOCH} AND ${MAX_EPOCH} THEN date(${col}, 'unixepoch') END`,
  postgres: (col: string) => `CASE WHEN ${col} BETWEEN ${MIN_EPOCH} AND ${MAX_EPOCH} THEN to_char(to_timestamp(${col}) AT TIME ZONE 'UTC', 'YYYY-MM-DD') END`,
};

/**
 * UTC day number (whole days since 1970-01-01, floored; NULL for non-integers and times outside
 * 0000..9999) of an epoch-seconds column, in each dialect, matching exactly. Integer arithmetic
 * only: formatting a date per row cost validation ~3x more on a million rows; the few distinct
 * day numbers become 'YYYY-MM-DD' afterwards (dayText).
 */
export const dayNumberOf = {
  sqlite: (col: string) => `CASE WHEN typeof(${col}) = 'integer' AND ${col} BETWEEN ${MIN_EPOCH} AND ${MAX_EPOCH} THEN ${col} / 86400 - (${col} % 86400 < 0) END`,
  postgres: (col: string) => `CASE WHEN ${col} BETWEEN ${MIN_EPOCH} AND ${MAX_EPOCH} THEN ${col} / 86400 - CASE WHEN ${col} % 86400 < 0 THEN 1 ELSE 0 END END`,
};

/** 'YYYY-MM-DD' of a day number (as SQLite's date(…, 'unixepoch') prints it; a day already as text stays), or null. */
export function dayText(dayNumber: number | string | null | undefined): string | null {
  if (dayNumber === null || dayNumber === undefined) return null;
  if (typeof dayNumber === 'string' && dayNumber.includes('-', 1)) return dayNumber;
  const iso = new Date(Number(dayNumber) * 86400_000).toISOString();
  // years 0000..9999 print as four digits; toISOString widens none of them
  return iso.slice(0, 10);
}

// ------------------------------------------------------------------ rollups in PostgreSQL


/** SQLite's round(r) (half away from zero, on the double) in PostgreSQL, whose round(float8) rounds half to even. */
function roundHalfAway(r: string): string {
  return `(CASE WHEN (${r}) >= 0 THEN floor((${r}) + 0.5) ELSE -floor(-(${r}) + 0.5) END)`;
}

/**
 * histogramKeySql(expr) in PostgreSQL: the same arms, the same double arithmetic, SQLite's
 * rounding. The arms' thresholds descend, so the first arm that matches is found by a binary
 * search of nested CASEs (6 comparisons a row instead of up to 54).
 */
export function postgresHistogramKey(expr: string): string {
  const v = `(${expr})::float8`;
  const a = `abs(${v})`;
  const arms = histogramKeyArms();
  for (let i = 1; i < arms.length; i++) if (!(Number(arms[i].threshold) < Number(arms[i - 1].threshold))) throw new Error('histogram arms must descend');
  const result = (i: number) => `${roundHalfAway(`${v} * ${arms[i].div}.0 / ${arms[i].num}`)} * ${arms[i].num} / ${arms[i].div}.0`;
  // below 1e-6: round(x, 8) through numeric (PostgreSQL converts a double to 15 significant digits first)
  const below = `round((${v})::numeric, 8)::float8`;
  // the first arm in lo..hi that matches, knowing none before lo does (hi = arms.length: none at all)
  const search = (lo: number, hi: number): string => {
    if (lo === hi) return lo === arms.length ? below : result(lo);
    const mid = Math.floor((lo + hi) / 2);
    return `CASE WHEN ${a} >= ${arms[mid].threshold} THEN ${search(lo, mid)} ELSE ${search(mid + 1, hi)} END`;
  };
  return `(CASE WHEN ${v} IS NULL THEN NULL ELSE ${search(0, arms.length)} END)`;
}

/** RECOVERY_MODE_SQL (json_extract(extra, '$.auto') compared as SQLite compares it) over the team's JSONB extra. */
const POSTGRES_RECOVERY_MODE = `CASE WHEN t.extra IS NULL THEN 'unknown'
  WHEN jsonb_typeof(t.extra -> 'auto') = 'boolean' THEN CASE WHEN (t.extra -> 'auto') = 'true'::jsonb THEN 'auto' ELSE 'manual' END
  WHEN jsonb_typeof(t.extra -> 'auto') = 'number' THEN CASE (t.extra ->> 'auto')::float8 WHEN 1 THEN 'auto' WHEN 0 THEN 'manual' ELSE 'unknown' END
  WHEN jsonb_typeof(t.extra -> 'auto') = 'string' THEN CASE t.extra ->> 'auto' WHEN 'true' THEN 'auto' WHEN '1' THEN 'auto' WHEN 'false' THEN 'manual' WHEN '0' THEN 'manual' ELSE 'unknown' END
  ELSE 'unknown' END`;

/** SQLite-only spellings a spec expression must not contain once rendered (then the table falls back to a row copy). */
const SQLITE_ONLY = /\b(json_\w+|total|typeof|ifnull|iif|instr|substr|group_concat|printf|julianday|strftime|date|datetime)\s*\(|\bCAST\s*\(/i;

/** One spec expression in PostgreSQL, or null when it has no rendering here. */
export function postgresExpression(expr: string): string | null {
  if (expr === RECOVERY_MODE_SQL) return POSTGRES_RECOVERY_MODE;
  if (expr === DQ_BUCKET_SQL) return 'least(9, greatest(0, trunc(t.dq_score * 10)))::bigint';
  const hist = /^\(CASE WHEN (.+?) IS NULL THEN NULL WHEN /.exec(expr);
  if (hist && histogramKeySql(hist[1]) === expr) return postgresHistogramKey(hist[1]);
  // total(x): the sum as a double, 0.0 when there is none
  const total = /^total\((.*)\)$/s.exec(expr);
  const out = total ? `coalesce(sum((${total[1]})::float8), 0)` : expr;
  return SQLITE_ONLY.test(out) ? null : out;
}

/** The epoch-seconds column as SQLite's CAST(ts AS INTEGER) gives it, or null for a type without a rendering. */
function integerSeconds(column: string, type: TeamColumnType): string | null {
  if (type === 'bigint') return column;
  if (type === 'double precision') return `trunc(${column})::bigint`;
  return null;
}

/**
 * rollupSelectSql(spec) over the whole table in PostgreSQL's dialect, restricted to the machines
 * in parameter $1 (text[]): the same buckets, dimensions and measures rebuildRollups computes in
 * SQLite, for the rows of those machines together. Null when the spec (or the time column's
 * type) has no rendering: the caller then copies that table's rows and rolls them up locally.
 * The follow-up spec (json_each over a text column) has its own path: followUpGroupsSql.
 */
export function postgresRollupSelect(spec: RollupSpec, tsType: TeamColumnType): string | null {
  if (spec.from) return null;
  const ts = integerSeconds(`t.${quoteIdent(spec.tsColumn)}`, tsType);
  if (!ts) return null;
  const hist = histogramParts(spec);
  if (hist) {
    // a value histogram: rows grouped by their raw value first, the key computed once per distinct value
    const filter = spec.filter ? postgresExpression(spec.filter) : null;
    if (spec.filter && filter === null) return null;
    const where = [`t.${quoteIdent(spec.tsColumn)} IS NOT NULL`, `t.${MACHINE_COLUMN} = ANY($1::text[])`, filter].filter(Boolean);
    return `SELECT bucket_ts, metric, dim, ${postgresHistogramKey('s.v')} AS value, sum(s.n)::bigint AS n FROM (
  SELECT (${ts} / ${spec.grainSeconds}) * ${spec.grainSeconds} AS bucket_ts, ${hist.metric} AS metric, ${hist.dim} AS dim, (${hist.value})::float8 AS v, count(*) AS n
  FROM ${quoteIdent(spec.source)} AS t
  WHERE ${where.join(' AND ')}
  GROUP BY 1, 2, 3, 4
) AS s
GROUP BY 1, 2, 3, 4`;
  }
  const exprs: string[] = [];
  for (const e of spec.expressions) {
    const pg = postgresExpression(e);
    if (pg === null) return null;
    exprs.push(pg);
  }
  const filter = spec.filter ? postgresExpression(spec.filter) : null;
  if (spec.filter && filter === null) return null;
  const where = [`t.${quoteIdent(spec.tsColumn)} IS NOT NULL`, `t.${MACHINE_COLUMN} = ANY($1::text[])`, filter].filter(Boolean);
  const groupBy = ['1', ...Array.from({ length: spec.dimensionCount }, (_, i) => String(i + 2))];
  return `SELECT (${ts} / ${spec.grainSeconds}) * ${spec.grainSeconds} AS bucket_ts, ${exprs.map((e, i) => `${e} AS ${quoteIdent(spec.columns[i][0])}`).join(', ')}
FROM ${quoteIdent(spec.source)} AS t
WHERE ${where.join(' AND ')}
GROUP BY ${groupBy.join(', ')}`;
}

/** A value-histogram spec's parts (metric literal, dimension, value expression), or null for any other spec. */
function histogramParts(spec: RollupSpec): { metric: string; dim: string; value: string } | null {
  const [metric, dim, key, n] = spec.expressions;
  if (spec.expressions.length !== 4 || n !== 'count(*)' || !/^'[^']*'$/.test(metric) || SQLITE_ONLY.test(dim)) return null;
  const m = /^\(CASE WHEN (.+?) IS NULL THEN NULL WHEN /.exec(key);
  return m && histogramKeySql(m[1]) === key && !SQLITE_ONLY.test(m[1]) ? { metric, dim, value: m[1] } : null;
}

/** The follow-up spec's input grouped server-side: (bucket, skill, follow_up_actions text, rows), expanded by followUpLocalSql. */
export function followUpGroupsSql(spec: RollupSpec, tsType: TeamColumnType): string | null {
  const ts = integerSeconds(`t.${quoteIdent(spec.tsColumn)}`, tsType);
  if (!ts || !spec.from?.includes(FOLLOW_UP_ARRAY_SQL)) return null;
  return `SELECT (${ts} / ${spec.grainSeconds}) * ${spec.grainSeconds} AS bucket_ts, t.skill_name, t.follow_up_actions::text AS follow_up_actions, count(*) AS n
FROM ${quoteIdent(spec.source)} AS t
WHERE t.${quoteIdent(spec.tsColumn)} IS NOT NULL AND t.${MACHINE_COLUMN} = ANY($1::text[])
GROUP BY 1, 2, 3`;
}

/**
 * SQLite over a table `groups` (bucket_ts, skill_name, follow_up_actions, n) that followUpGroupsSql
 * filled: the spec's rows. count(DISTINCT t.id) per action = the rows of every group whose array
 * names that action (a group counted once per action however often its array repeats it).
 */
export function followUpLocalSql(groups: string): string {
  return `SELECT bucket_ts, skill_name, action, sum(n) AS invocations FROM (
  SELECT DISTINCT t.rowid AS g, t.bucket_ts, t.skill_name, CAST(j.value AS TEXT) AS action, t.n FROM ${groups} AS t, json_each(${FOLLOW_UP_ARRAY_SQL}) AS j WHERE j.value IS NOT NULL
) GROUP BY 1, 2, 3`;
}
