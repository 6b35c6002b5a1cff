/**
 * What a spec tab sends the page: plain, serialisable data — numbers with a format kind, charts
 * of the kinds the page already draws, tables, an empty state — and opaque drill keys the host
 * minted (metrics/drillTargets.ts `mintDrillKey`). One generic renderer (webview/tabs/specTab.ts)
 * draws any of them, so it needs to know no SQL, table or column. Types only: src/protocol.ts
 * re-exports them for the page.
 */
import type { ResolvedRange, SeriesPoint, TimeBucket } from '../metrics/types';

/** How the page formats a number (webview/format.ts). */
export type SpecValueFormat = 'count' | 'number' | 'percent' | 'usd' | 'ms' | 'seconds';

export interface SpecKpi {
  /** stable id (`data-kpi` in the DOM) */
  id: string;
  label: string;
  value: number | null;
  format: SpecValueFormat;
  /** a line under the number ("of 120 events") */
  sub?: string;
}

/** One series of a time chart: its points over the range's buckets, and the key of its rows. */
export interface SpecSeries {
  label: string;
  points: Array<SeriesPoint & { value: number }>;
  /** the rows this series counts (the page narrows them to the clicked day or hour) */
  drillKey?: string;
}

/** One category of a category chart or one table row: a label, a value, the key of its rows. */
export interface SpecCategory {
  label: string;
  value: number;
  drillKey?: string;
}

interface SpecChartBase {
  /** stable id (`data-chart-id`) */
  id: string;
  title: string;
  /** unit of the values ("events") */
  unit: string;
}

export type SpecChart =
  /** a time series over the range's buckets (days, or hours for short ranges); `title` gets "per day"/"per hour" */
  | (SpecChartBase & { kind: 'time'; chart: 'bar' | 'line'; stacked?: boolean; series: SpecSeries[] })
  /** values per category */
  | (SpecChartBase & { kind: 'categories'; chart: 'bar' | 'horizontalBar' | 'doughnut'; categories: SpecCategory[] });

export interface SpecTableColumn {
  label: string;
  /** numbers are right-aligned and formatted; absent: text */
  format?: SpecValueFormat;
}

export interface SpecTable {
  /** stable id (`data-table-id`) */
  id: string;
  title: string;
  columns: SpecTableColumn[];
  rows: Array<{ cells: Array<string | number | null>; drillKey?: string }>;
  /** shown when there are no rows */
  empty: string;
}

export interface SpecTabView {
  range: ResolvedRange;
  bucket: TimeBucket;
  /** set when the tab has nothing to show in the range: "No permission events" + the file to import */
  empty?: { title: string; files: string };
  kpis: SpecKpi[];
  charts: SpecChart[];
  tables: SpecTable[];
}
