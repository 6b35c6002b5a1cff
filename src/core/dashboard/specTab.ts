/**
 * Spec tabs: a dashboard tab written as one host module (src/core/dashboard/tabs/<tab>.ts) that
 * returns a view spec (./specView.ts) — no protocol member, no webview view, no registry line on
 * the page's side (docs/recipes.md "Add a dashboard tab"). `EventQuery` is what such a module
 * reads with: counts, groups and time series of one event table over the request's range, each
 * with the key of its rows minted here, so the page never sees a table or column name.
 */
import type { SqlDatabase as Database, SqlValue } from '../db/database';
import { num, queryRows, quoteIdent, tableColumns, tableExists } from '../db/queryHelpers';
import { mintRowsKey, resolveTimeZone, type RowsFilters } from '../metrics';
import { HOURLY_SERIES_MAX_SECONDS } from '../metrics/seriesBuckets';
import type { MetricsOptions, ResolvedRange, SeriesPoint, TimeBucket, TimeRange } from '../metrics/types';
import { dayNumberToKey, localDaySql, offsetAt, offsetSegments, offsetSql, type OffsetSegment } from '../time/dayBuckets';
import type { SpecCategory, SpecSeries, SpecTabView } from './specView';

/** One spec tab: what the tab bar shows, which tables it reads, and its view for a range. */
export interface SpecTabDefinition {
  /** tab id (not one of the hand-written TAB_IDS); also the view state's and `openDashboard`'s */
  id: string;
  title: string;
  /** the event tables it reads (the benchmark's full-scan floor; the team scope's reads) */
  tables: readonly string[];
  load(db: Database, range: TimeRange, options: MetricsOptions): SpecTabView;
}

const HOUR = 3600;

/** Equality filter on one column; `null` matches NULL. */
type Filter = RowsFilters;

/**
 * One event table over one request's range. A table that does not exist, or lacks a column the
 * tab names (another program's file of the same name: an inferred table), reads as empty —
 * `usable(...)` says which, so the tab shows its empty state instead of an error.
 */
export class EventQuery {
  readonly zone: string;
  readonly from: number | undefined;
  readonly to: number | undefined;
  readonly bucket: TimeBucket;
  private readonly columns: Set<string>;
  private segments: OffsetSegment[] | undefined;

  constructor(
    readonly db: Database,
    readonly table: string,
    range: TimeRange,
    private readonly options: MetricsOptions = {},
    readonly timeColumn = 'timestamp',
  ) {
    this.zone = resolveTimeZone(options.timeZone);
    this.from = range.from === undefined || range.from === null ? undefined : Math.floor(range.from);
    this.to = range.to === undefined || range.to === null ? undefined : Math.ceil(range.to);
    this.columns = new Set(tableExists(db, table) ? tableColumns(db, table) : []);
    const end = this.to ?? Math.floor(options.nowSeconds ?? Date.now() / 1000);
    this.bucket = options.seriesBucket === 'auto' && this.from !== undefined && end - this.from <= HOURLY_SERIES_MAX_SECONDS ? 'hour' : 'day';
  }

  get resolvedRange(): ResolvedRange {
    return { fromSeconds: this.from ?? null, toSeconds: this.to ?? null, timeZone: this.zone };
  }

  /** The table exists with its time column and every one of `columns`. */
  usable(...columns: string[]): boolean {
    return [this.timeColumn, ...columns].every((c) => this.columns.has(c));
  }

  /** A view of this query's range and bucket; the parts not given are empty. */
  view(parts: Partial<Omit<SpecTabView, 'range' | 'bucket'>>): SpecTabView {
    return { range: this.resolvedRange, bucket: this.bucket, kpis: [], charts: [], tables: [], ...parts };
  }

  /** The key of this table's rows matching `filter` (the page adds the range and the day or hour). */
  rowsKey(filter: Filter = {}): string {
    return mintRowsKey(this.table, filter);
  }

  /** Rows in range matching `filter`. */
  count(filter: Filter = {}): number {
    if (!this.usable(...Object.keys(filter))) return 0;
    const { where, params } = this.where(filter);
    return num(queryRows<{ n: number }>(this.db, `SELECT count(*) AS n FROM ${quoteIdent(this.table)} ${where}`, params)[0]?.n);
  }

  /** Rows in range whose `column` (text) contains `part`, any case (e.g. 'GRANT' in PERMISSION_GRANTED). */
  countContaining(column: string, part: string): number {
    if (!this.usable(column)) return 0;
    const { where, params } = this.where({}, [`upper(${quoteIdent(column)}) LIKE ?`], [`%${part.toUpperCase()}%`]);
    return num(queryRows<{ n: number }>(this.db, `SELECT count(*) AS n FROM ${quoteIdent(this.table)} ${where}`, params)[0]?.n);
  }

  /** Distinct non-null values of `column` in range. */
  distinct(column: string): number {
    if (!this.usable(column)) return 0;
    const { where, params } = this.where();
    return num(queryRows<{ n: number }>(this.db, `SELECT count(DISTINCT ${this.grouped(column)}) AS n FROM ${quoteIdent(this.table)} ${where}`, params)[0]?.n);
  }

  /**
   * Rows per value of `column`, most first (ties by value), at most `limit`; NULL is the label
   * `none`. Each with the key of its rows.
   */
  groups(column: string, limit = 20, none = '(not recorded)'): SpecCategory[] {
    if (!this.usable(column)) return [];
    const { where, params } = this.where();
    const c = this.grouped(column);
    return queryRows<{ v: SqlValue; n: number }>(this.db, `SELECT ${c} AS v, count(*) AS n FROM ${quoteIdent(this.table)} ${where} GROUP BY v ORDER BY n DESC, v LIMIT ${Math.max(1, Math.floor(limit))}`, params).map((r) => {
      const value = r.v === null || r.v instanceof Uint8Array ? null : (r.v as string | number);
      return { label: value === null || value === '' ? none : String(value), value: num(r.n), drillKey: this.rowsKey({ [column]: value }) };
    });
  }

  /**
   * Rows per bucket (local day, or hour for short ranges), one series in all or one per value
   * of `by` (the `top` most frequent; the rest summed into "other", whose key lists every row).
   */
  series(label: string, by?: string, top = 5): SpecSeries[] {
    if (!this.usable(...(by ? [by] : []))) return [];
    const { where, params } = this.where();
    const key = this.keySql();
    const t = quoteIdent(this.table);
    if (!by) {
      const points = queryRows<{ k: number; n: number }>(this.db, `SELECT ${key} AS k, count(*) AS n FROM ${t} ${where} GROUP BY k ORDER BY k`, params).map((r) => ({ ...this.point(num(r.k)), value: num(r.n) }));
      return points.length ? [{ label, points, drillKey: this.rowsKey() }] : [];
    }
    const kept = this.groups(by, top);
    const c = this.grouped(by);
    const rows = queryRows<{ k: number; v: SqlValue; n: number }>(this.db, `SELECT ${key} AS k, ${c} AS v, count(*) AS n FROM ${t} ${where} GROUP BY k, v ORDER BY k`, params);
    const total = queryRows<{ n: number }>(this.db, `SELECT count(DISTINCT ${c}) + max(${c} IS NULL) AS n FROM ${t} ${where}`, params)[0];
    const out: SpecSeries[] = kept.map((g) => ({ label: g.label, points: [], drillKey: g.drillKey }));
    const other: SpecSeries = { label: 'other', points: [], drillKey: this.rowsKey() };
    for (const r of rows) {
      const value = r.v === null || r.v instanceof Uint8Array ? null : (r.v as string | number);
      const i = kept.findIndex((g) => g.drillKey === this.rowsKey({ [by]: value }));
      const target = i >= 0 ? out[i] : other;
      const p = this.point(num(r.k));
      const last = target.points[target.points.length - 1];
      if (last && last.day === p.day && last.startAt === p.startAt) last.value += num(r.n);
      else target.points.push({ ...p, value: num(r.n) });
    }
    return num(total?.n) > kept.length ? [...out, other] : out;
  }

  /**
   * A column to group or count distinct values of. With a bounded range it is `+column` (the same
   * value): otherwise SQLite, without statistics, walks the column's own index for the grouping —
   * every row of the table — instead of the time index for the range (100k rows, last 24 h:
   * 56 ms → ~1 ms).
   */
  private grouped(column: string): string {
    return this.from !== undefined || this.to !== undefined ? `+${quoteIdent(column)}` : quoteIdent(column);
  }

  /** WHERE for the range plus `filter` and extra conditions. */
  private where(filter: Filter = {}, extra: string[] = [], extraParams: SqlValue[] = []): { where: string; params: SqlValue[] } {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    const ts = quoteIdent(this.timeColumn);
    if (this.from !== undefined) (conditions.push(`${ts} >= ?`), params.push(this.from));
    if (this.to !== undefined) (conditions.push(`${ts} < ?`), params.push(this.to));
    for (const [column, value] of Object.entries(filter)) {
      if (value === null) conditions.push(`${quoteIdent(column)} IS NULL`);
      else (conditions.push(`${quoteIdent(column)} = ?`), params.push(value));
    }
    conditions.push(...extra);
    params.push(...extraParams);
    return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
  }

  /** SQL of a row's bucket: its local day number, or the start of its local hour. */
  private keySql(): string {
    // whole seconds: another program may have written REAL times
    const ts = `CAST(${quoteIdent(this.timeColumn)} AS INTEGER)`;
    const segments = this.ensureSegments();
    if (this.bucket === 'day') return localDaySql(ts, segments);
    const offset = offsetSql(ts, segments);
    return `(${ts} - (((${ts} + ${offset}) % ${HOUR}) + ${HOUR}) % ${HOUR})`;
  }

  private point(key: number): SeriesPoint {
    if (this.bucket === 'day') return { day: dayNumberToKey(key) };
    const local = key + offsetAt(this.ensureSegments(), key);
    return { day: dayNumberToKey(Math.floor(local / 86400)), startAt: key };
  }

  /** The zone's offsets over the range (or the table's span when the range is open). */
  private ensureSegments(): OffsetSegment[] {
    if (!this.segments) {
      const ts = quoteIdent(this.timeColumn);
      const span = queryRows<{ lo: number | null; hi: number | null }>(this.db, `SELECT min(${ts}) AS lo, max(${ts}) AS hi FROM ${quoteIdent(this.table)}`)[0];
      const lo = this.from ?? span?.lo ?? 0;
      const hi = this.to ?? (span?.hi ?? lo) + HOUR;
      this.segments = offsetSegments(this.zone, Math.min(lo, hi) - HOUR, Math.max(lo, hi) + HOUR);
    }
    return this.segments;
  }
}
