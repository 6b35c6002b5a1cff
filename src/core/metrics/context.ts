import type { SqlDatabase as Database } from '../db/database';
import { isLiveReadOnly } from '../db/database';
import { catchUpDirectWrites } from '../ingest/directRows';
import { registerPercentileAggregates } from '../rollups/percentile';
import { catchUpRollups, rollupSchemaSql, rollupsInstalled, TIME_INDEX_SQL, WATERMARK_TABLE } from '../rollups/refresh';
import { rollupTableDefinitions } from '../rollups/specs';
import { blockLevels, blockTable, DAY, rollupSelectSql, type RollupSpec } from '../rollups/specs';
import { queryOne, tableExists } from '../db/queryHelpers';
import { dayNumberToKey, localDaySql, offsetAt, offsetSegments, offsetSql, resolveTimeZone, type OffsetSegment } from '../time/dayBuckets';
import type { DayKey, MetricsOptions, ResolvedRange, TimeRange } from './types';

const prepared = new WeakMap<Database, string>();

/** Changes since open + schema version: unchanged means nothing was written or created/dropped. */
function changeStamp(db: Database): string {
  const row = queryOne<{ c: number; v: number }>(db, 'SELECT total_changes() AS c, (SELECT schema_version FROM pragma_schema_version) AS v')!;
  return `${row.c}:${row.v}`;
}

/** db.export() silently drops custom functions; probing beats re-registering (each leaks a table slot). */
function hasPercentileAggregates(db: Database): boolean {
  try {
    db.exec('SELECT tl_weighted_percentiles(1, 1, \'[0.5]\')');
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes a database ready for metrics reads: percentile aggregates registered (export() drops
 * them), rollup tables present (created in memory on a snapshot of a database without V3 —
 * snapshots are never written back) and caught up with rows nobody told us about.
 * Cheap when nothing changed since the last call.
 */
export function prepareForMetrics(db: Database): void {
  if (!hasPercentileAggregates(db)) registerPercentileAggregates(db);
  if (prepared.get(db) === changeStamp(db) && tableExists(db, 'rollup_watermark')) return;
  if (isLiveReadOnly(db)) overlayRollups(db);
  else if (!rollupsInstalled(db)) {
    db.exec(rollupSchemaSql());
    if (tableExists(db, 'skill_invocation')) db.exec(TIME_INDEX_SQL);
  }
  // rows a hook wrote under its own column names (tool_name) count as ours (on a native read
  // handle through temp views, the file itself is filled by the next write)
  catchUpDirectWrites(db);
  catchUpRollups(db);
  prepared.set(db, changeStamp(db));
}

/**
 * A native read handle is the live file opened read-only: its rollups are copied into the temp
 * schema (which names resolve first), so catching up with rows written since touches only the
 * copy; a database without V3 gets them built there from scratch.
 */
function overlayRollups(db: Database): void {
  if (db.exec(`SELECT 1 FROM sqlite_temp_master WHERE type = 'table' AND name = '${WATERMARK_TABLE}'`).length > 0) return;
  const inMain = (t: string) => db.exec(`SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = '${t}'`).length > 0;
  const copy = [...rollupTableDefinitions().map((d) => d.table), WATERMARK_TABLE].filter(inMain);
  // temp indexes get names of their own: one named like main's makes VACUUM INTO (export) fail
  db.exec(
    rollupSchemaSql()
      .replace(/CREATE TABLE IF NOT EXISTS /g, 'CREATE TEMP TABLE IF NOT EXISTS ')
      .replace(/CREATE INDEX IF NOT EXISTS (\w+) ON /g, 'CREATE INDEX IF NOT EXISTS temp.overlay_$1 ON '),
  );
  for (const t of copy) {
    const cols = (name: string, schema: string) => (db.exec(`SELECT name FROM pragma_table_info('${name}', '${schema}')`)[0]?.values ?? []).map((r) => String(r[0]));
    const main = new Set(cols(t, 'main'));
    const shared = cols(t, 'temp').filter((c) => main.has(c)).map((c) => `"${c}"`).join(', ');
    if (shared) db.run(`INSERT INTO temp.${t} (${shared}) SELECT ${shared} FROM main.${t}`);
  }
}

export interface Run {
  /** Bucket size in seconds (the spec's own grain or a block level). */
  level: number;
  from: number;
  to: number;
}

/**
 * Splits [from, to) (aligned to levels[0]) into the fewest aligned buckets, largest level
 * first where it fits, merging neighbours of one level into runs.
 */
export function decompose(from: number, to: number, levels: number[]): Run[] {
  const runs: Run[] = [];
  const descending = [...levels].sort((a, b) => b - a);
  let p = from;
  while (p < to) {
    const level = descending.find((l) => p % l === 0 && p + l <= to) ?? levels[0];
    const last = runs[runs.length - 1];
    if (last && last.level === level && last.to === p) last.to = p + level;
    else runs.push({ level, from: p, to: p + level });
    p += level;
  }
  return runs;
}

/** One metrics request: the range, the zone, and SQL builders over the rollups. */
export class MetricsQuery {
  readonly zone: string;
  readonly from: number | undefined;
  readonly to: number | undefined;
  private segments: OffsetSegment[] | undefined;
  private spanFrom: number | undefined;
  private spanTo: number | undefined;

  constructor(
    readonly db: Database,
    range: TimeRange,
    options: MetricsOptions = {},
  ) {
    prepareForMetrics(db);
    this.zone = resolveTimeZone(options.timeZone);
    this.from = range.from === undefined || range.from === null ? undefined : Math.floor(range.from);
    this.to = range.to === undefined || range.to === null ? undefined : Math.ceil(range.to);
  }

  get resolvedRange(): ResolvedRange {
    return { fromSeconds: this.from ?? null, toSeconds: this.to ?? null, timeZone: this.zone };
  }

  /**
   * Subquery with the rollup rows of `spec` for the range, for per-day series: whole buckets
   * from the rollup table, partial buckets at either edge computed from the event table (so
   * ranges need not be bucket-aligned and counts stay exact).
   */
  source(spec: RollupSpec): string {
    return this.perDaySource([spec], false);
  }

  /**
   * Like source() for several specs sharing one rollup table (the per-table event counts):
   * whole buckets in one scan, edges per spec.
   */
  sourceShared(specs: RollupSpec[]): string {
    if (specs.length === 0) return `(SELECT NULL AS bucket_ts WHERE 0)`;
    return this.perDaySource(specs, true);
  }

  /**
   * In zones with a :30/:45 offset (India, Nepal, parts of Australia, Newfoundland) a local
   * midnight cuts an hourly bucket in two. Those hours are read from the event table with an
   * exact bucket instead (the later part starts at the local midnight), so no event lands on
   * the wrong day. Whole-hour zones never take this path.
   */
  private perDaySource(specs: RollupSpec[], shared: boolean): string {
    const spec = specs[0];
    const g = spec.grainSeconds;
    const cols = ['bucket_ts', ...spec.columns.map(([n]) => n)].join(', ');
    const first = this.from === undefined ? undefined : Math.ceil(this.from / g) * g;
    const end = this.to === undefined ? undefined : Math.floor(this.to / g) * g;
    const segments = this.ensureSegments();
    const exact = segments.some((s) => s.offsetSeconds % 3600 !== 0);
    const bucketSql = exact ? `max(($ts / 3600) * 3600, $ts - ((($ts + ${offsetSql('$ts', segments)}) % 86400) + 86400) % 86400)` : undefined;
    const present = specs.filter((s) => tableExists(this.db, s.source));
    const base = (s: RollupSpec, a: number, b: number) => rollupSelectSql(s, `$ts >= ${a} AND $ts < ${b}`, { bucketSql });
    const parts: string[] = [];
    if (first !== undefined && end !== undefined && first >= end) {
      // the whole range lies inside one bucket
      if (this.from! < this.to!) for (const s of present) parts.push(base(s, this.from!, this.to!));
    } else {
      const where = [!shared ? spec.partition : undefined, first !== undefined ? `bucket_ts >= ${first}` : '', end !== undefined ? `bucket_ts < ${end}` : ''].filter(
        Boolean,
      ) as string[];
      const straddles = exact ? this.straddlingHours(first ?? this.spanFrom!, end ?? this.spanTo!) : [];
      if (straddles.length) {
        const local = `((((bucket_ts + ${offsetSql('bucket_ts', segments)}) % 86400) + 86400) % 86400)`;
        where.push(`${local} <= ${86400 - 3600}`);
      }
      parts.push(`SELECT ${cols} FROM ${spec.table}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`);
      for (const s of present) {
        if (first !== undefined && this.from! < first) parts.push(base(s, this.from!, first));
        if (end !== undefined && end < this.to!) parts.push(base(s, end, this.to!));
        if (straddles.length) {
          const hours = straddles.map((h) => `(${h})`).join(', ');
          const join = `JOIN (SELECT column1 AS h FROM (VALUES ${hours})) AS straddle ON $ts >= straddle.h AND $ts < straddle.h + 3600`;
          parts.push(rollupSelectSql(s, undefined, { bucketSql, join }));
        }
      }
    }
    if (parts.length === 0) parts.push(`SELECT ${cols} FROM ${spec.table} WHERE 0`);
    return `(${parts.join('\nUNION ALL\n')})`;
  }

  /** UTC hour starts in [lo, hi) that contain a local midnight strictly inside them. */
  private straddlingHours(lo: number, hi: number): number[] {
    const segments = this.ensureSegments();
    const out: number[] = [];
    for (let h = Math.floor(lo / 3600) * 3600; h < hi; h += 3600) {
      const local = (((h + offsetAt(segments, h)) % 86400) + 86400) % 86400;
      if (local > 86400 - 3600) out.push(h);
    }
    return out;
  }

  /**
   * Like source() for queries that do not split by day: whole 64-, 8- and 1-day blocks where
   * they fit, the spec's own buckets at the edges, event rows for partial buckets. Same
   * columns as source(); bucket_ts is then the block start.
   */
  rangeSource(spec: RollupSpec): string {
    const native = spec.grainSeconds;
    const levels = [native, ...blockLevels(spec).map(([d]) => d * DAY)];
    const cols = ['bucket_ts', ...spec.columns.map(([n]) => n)].join(', ');
    const partition = spec.partition ? [spec.partition] : [];
    const empty = `(SELECT ${cols} FROM ${spec.table} WHERE 0)`;
    let lo = this.from;
    let hi = this.to;
    if (lo === undefined || hi === undefined) {
      const where = partition.length ? ` WHERE ${partition[0]}` : '';
      const span = queryOne<{ lo: number | null; hi: number | null }>(
        this.db,
        // two subqueries: SQLite answers a lone min()/max() from the index, not both at once
        `SELECT (SELECT min(bucket_ts) FROM ${spec.table}${where}) AS lo, (SELECT max(bucket_ts) FROM ${spec.table}${where}) AS hi`,
      );
      if (!span || span.lo === null || span.hi === null) {
        if (lo === undefined && hi === undefined) return empty;
      } else {
        const top = levels[levels.length - 1];
        lo ??= Math.floor(span.lo / top) * top;
        hi ??= Math.ceil((span.hi + native) / top) * top;
      }
      lo ??= hi! - native;
      hi ??= lo + native;
    }
    const sourcePresent = tableExists(this.db, spec.source);
    const edge = (a: number, b: number) => (sourcePresent ? [rollupSelectSql(spec, `$ts >= ${a} AND $ts < ${b}`)] : []);
    const first = Math.ceil(lo / native) * native;
    const end = Math.floor(hi / native) * native;
    const parts: string[] = [];
    if (first >= end) {
      if (lo < hi) parts.push(...edge(lo, hi));
    } else {
      for (const run of decompose(first, end, levels)) {
        const range = [...partition, `bucket_ts >= ${run.from}`, `bucket_ts < ${run.to}`];
        parts.push(
          run.level === native
            ? `SELECT ${cols} FROM ${spec.table} WHERE ${range.join(' AND ')}`
            : `SELECT ${cols} FROM ${blockTable(spec)} WHERE grain_days = ${run.level / DAY} AND ${range.join(' AND ')}`,
        );
      }
      if (lo < first) parts.push(...edge(lo, first));
      if (end < hi) parts.push(...edge(end, hi));
    }
    return parts.length ? `(${parts.join('\nUNION ALL\n')})` : empty;
  }

  /** SQL for the local day number of an hour-aligned bucket column. */
  daySql(column = 'bucket_ts'): string {
    return localDaySql(column, this.ensureSegments());
  }

  /** The zone's offset segments over the range (or the data span when open). */
  private ensureSegments(): OffsetSegment[] {
    if (!this.segments) {
      const span = queryOne<{ lo: number | null; hi: number | null }>(
        this.db,
        'SELECT (SELECT min(bucket_ts) FROM rollup_event_hour) AS lo, (SELECT max(bucket_ts) FROM rollup_event_hour) AS hi',
      );
      const lo = this.from ?? span?.lo ?? 0;
      const hi = this.to ?? (span?.hi ?? lo) + 3600;
      this.spanFrom = Math.min(lo, hi);
      this.spanTo = Math.max(lo, hi);
      this.segments = offsetSegments(this.zone, this.spanFrom, this.spanTo);
    }
    return this.segments;
  }

  dayKey(dayNumber: number): DayKey {
    return dayNumberToKey(dayNumber);
  }
}
