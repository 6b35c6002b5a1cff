import type { DayKey, DrillDownRequest, RowsTarget, RangeSelection, ResolvedRange, SeriesPoint } from '../../src/protocol';
import type { ChartCard } from '../charts/chartCard';
import { createChartCard } from '../charts/chartCard';
import type { ChartSpec, DrillTarget, SeriesColour } from '../charts/chartSpec';
import type { TimeAxis } from './timeAxis';

/** What a tab view needs besides its payload. */
export interface TabContext {
  range: RangeSelection;
  resolved: ResolvedRange;
  /** "in the last 7 days" — for empty states and summaries */
  rangeText: string;
  mode: 'live' | 'report';
  drill(target: DrillTarget): void;
  openSource(path: string, line: number): void;
  /** the chart cards created while rendering (disposed / re-themed by the page) */
  charts: ChartCard[];
}

export function chart(ctx: TabContext, spec: ChartSpec): HTMLElement {
  const card = createChartCard(spec, (t) => ctx.drill(t));
  ctx.charts.push(card);
  return card.element;
}

/** The rows request for a drill target in the tab's range, optionally one day. */
export function rowsOf(ctx: TabContext, target: RowsTarget, day?: DayKey): DrillDownRequest {
  const range: DrillDownRequest['range'] = {};
  if (ctx.resolved.fromSeconds !== null) range.from = ctx.resolved.fromSeconds;
  if (ctx.resolved.toSeconds !== null) range.to = ctx.resolved.toSeconds;
  return { target, range, day, timeZone: ctx.resolved.timeZone };
}

/**
 * Pivots (time point, key, value) rows into one series per key over the axis' slots, for a
 * stacked chart; keys beyond the `top` most frequent are summed into "other" so the legend
 * stays readable.
 */
export function pivot<R extends SeriesPoint>(axis: TimeAxis, rows: R[], key: (r: R) => string, value: (r: R) => number, top = 5): { keys: string[]; series: number[][]; other: boolean } {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(key(r), (totals.get(key(r)) ?? 0) + value(r));
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([k]) => k);
  const kept = ranked.slice(0, top);
  const other = ranked.length > top;
  const keys = other ? [...kept, 'other'] : kept;
  const series = keys.map(() => axis.labels.map(() => 0));
  for (const r of rows) {
    const k = kept.includes(key(r)) ? key(r) : 'other';
    const slot = axis.slotOf(r);
    if (slot >= 0) series[keys.indexOf(k)][slot] += value(r);
  }
  return { keys, series, other };
}

export function pct(n: number | null): number | null {
  return n === null ? null : Math.round(n * 10) / 10;
}

export function label(v: string | null, none = '(not recorded)'): string {
  return v === null || v === '' ? none : v;
}

/** The next step for an empty dataset, in the words of where the page is shown. */
export function importHint(ctx: TabContext, files: string): string {
  return ctx.mode === 'live'
    ? `Run “Telemetry: Migrate JSONL” to import ${files}, or choose a longer time range.`
    : `Import ${files} with “telemetry-lens migrate --db <db> <folder>”, then export the report again.`;
}

/** Palette slots that are neither the success (green) nor the failure (red) colour. */
const OTHER_SLOTS = [0, 1, 3, 4];

/**
 * Outcome-like names get the success/failure colours, "partial"-like ones orange,
 * "other"/"(not recorded)" neutral; any other name a slot that is never green or red, so it
 * cannot be mistaken for success or failure.
 */
export function outcomeColour(name: string, index: number): SeriesColour {
  if (/^(success|succeeded|ok|completed)$/i.test(name)) return 'success';
  if (/^(fail|failure|failed|error|timeout)$/i.test(name)) return 'failure';
  if (/^(partial|partially.*|degraded|warning|skipped|abandoned|cancell?ed)$/i.test(name)) return 1;
  if (name === 'other' || name === '(not recorded)') return 'neutral';
  return OTHER_SLOTS[index % OTHER_SLOTS.length];
}
