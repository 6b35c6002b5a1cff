import type { MetricsQuery } from './context';
import { rollupSelectSql, type RollupSpec } from '../rollups/specs';
import { tableExists } from '../db/queryHelpers';
import { dayNumberToKey, offsetAt, offsetSegments, offsetSql, type OffsetSegment } from '../time/dayBuckets';
import type { MetricsOptions, SeriesPoint, TimeBucket } from './types';

/** Ranges up to this long get hourly series with `seriesBucket: 'auto'` (a day of bars is too few). */
export const HOURLY_SERIES_MAX_SECONDS = 48 * 3600;

/**
 * How one request buckets its time series: local days (MetricsQuery's per-day reads) or hours.
 * Domain modules read `source(spec)`, group by `keySql` and turn each key into a point.
 *
 * Hours: in whole-hour zones a local hour is a UTC hour, so the hourly rollups serve as they
 * are (edges exact, from the events). In :30/:45 zones a local hour spans two UTC hours, so
 * the (at most 48 h of) event rows are bucketed into local hours directly.
 */
export class SeriesBuckets {
  readonly bucket: TimeBucket;
  /** offsets over the range, hour mode only */
  private readonly segments: OffsetSegment[] = [];
  private readonly localHours: boolean = false;

  constructor(
    private readonly q: MetricsQuery,
    options: MetricsOptions = {},
  ) {
    this.bucket = chooseBucket(q, options);
    if (this.bucket === 'hour') {
      this.segments = offsetSegments(q.zone, q.from! - 3600, endOf(q, options) + 3600);
      this.localHours = this.segments.some((s) => s.offsetSeconds % 3600 !== 0);
    }
  }

  /** Rows of `spec` (an hourly rollup) over the range, one bucket_ts per point. */
  source(spec: RollupSpec): string {
    return this.localHours ? this.localHourSource([spec]) : this.q.source(spec);
  }

  /** Like source() for specs sharing one rollup table (the per-table event counts). */
  sourceShared(specs: RollupSpec[]): string {
    return this.localHours ? this.localHourSource(specs) : this.q.sourceShared(specs);
  }

  /** Event rows of the range grouped by local hour (short ranges in :30/:45 zones only). */
  private localHourSource(specs: RollupSpec[]): string {
    const spec = specs[0];
    const offset = offsetSql('$ts', this.segments);
    const bucketSql = `($ts - (((($ts + ${offset}) % 3600) + 3600) % 3600))`;
    const range = [this.q.from !== undefined ? `$ts >= ${this.q.from}` : '', this.q.to !== undefined ? `$ts < ${this.q.to}` : ''].filter(Boolean).join(' AND ');
    const parts = specs.filter((s) => tableExists(this.q.db, s.source)).map((s) => rollupSelectSql(s, range || undefined, { bucketSql }));
    const cols = ['bucket_ts', ...spec.columns.map(([n]) => n)].join(', ');
    if (parts.length === 0) parts.push(`SELECT ${cols} FROM ${spec.table} WHERE 0`);
    return `(${parts.join('\nUNION ALL\n')})`;
  }

  /** SQL for a point's key over source() rows: the local day number, or the hour's start. */
  get keySql(): string {
    return this.bucket === 'day' ? this.q.daySql() : 'bucket_ts';
  }

  /** The point a key stands for. */
  point(key: number): SeriesPoint {
    if (this.bucket === 'day') return { day: this.q.dayKey(key) };
    const local = key + offsetAt(this.segments, key);
    return { day: dayNumberToKey(Math.floor(local / 86400)), startAt: key };
  }
}

function endOf(q: MetricsQuery, options: MetricsOptions): number {
  return q.to ?? Math.floor(options.nowSeconds ?? Date.now() / 1000);
}

function chooseBucket(q: MetricsQuery, options: MetricsOptions): TimeBucket {
  if (options.seriesBucket !== 'auto' || q.from === undefined) return 'day';
  return endOf(q, options) - q.from <= HOURLY_SERIES_MAX_SECONDS ? 'hour' : 'day';
}
