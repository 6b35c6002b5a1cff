import type { DrillDownRequest } from '../../src/protocol';

/** Which theme colour a series takes: a palette slot, success/failure, or neutral ("other"). */
export type SeriesColour = number | 'success' | 'failure' | 'neutral';

export interface SeriesSpec {
  label: string;
  data: Array<number | null>;
  colour?: SeriesColour;
  /** a line drawn over bars (mixed chart) */
  asLine?: boolean;
  /** the right-hand axis (its title is `y2Title`) */
  rightAxis?: boolean;
}

/**
 * Everything the page needs to draw one chart accessibly: a title, the unit of the values,
 * a legend (chart.js legend from the series labels), and a text alternative (summary +
 * data table), plus the drill-down target of each bar/point.
 */
export interface ChartSpec {
  /** stable id, also `data-chart-id` in the DOM (tests and e2e select on it) */
  id: string;
  title: string;
  /** unit of the values, shown beside the title and used in the data table header */
  unit: string;
  kind: 'bar' | 'line' | 'doughnut' | 'horizontalBar';
  labels: string[];
  /** short axis ticks, one per label (a string array is a multi-line tick); default: labels, days as "Mar 8" */
  ticks?: (string | string[])[];
  /**
   * hourly axes: the local hour (0–23) of each label. Ticks then fall on round hours (every 1,
   * 2, 3, 4, 6 or 12 h, whatever fits), always including midnight, where the date is shown.
   */
  tickHours?: number[];
  series: SeriesSpec[];
  /** doughnut: the colour of each slice (default: palette order) */
  sliceColours?: SeriesColour[];
  xTitle?: string;
  yTitle?: string;
  y2Title?: string;
  stacked?: boolean;
  /** fixed top of the value axis (100 for percentages) */
  yMax?: number;
  /** fixed top of the right-hand axis (100 when it shows percentages) */
  y2Max?: number;
  /** one or two sentences a screen reader reads instead of the picture */
  summary: string;
  /** shown instead of the chart when there is nothing to draw */
  empty?: string;
  /** what a click on bar/point `index` of series `seriesIndex` lists */
  drill?: (index: number, seriesIndex: number) => DrillTarget | undefined;
  format?: (value: number) => string;
}

/** A drill-down: the rows request plus what to call it above the table. */
export interface DrillTarget {
  label: string;
  request: DrillDownRequest;
}
