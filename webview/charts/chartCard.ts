import type { ChartConfiguration, ChartDataset } from 'chart.js';

import { h } from '../dom';
import { fmtNumber } from '../format';
import { readChartTheme, withAlpha, type ChartTheme } from '../theme';
import type { ChartSpec, DrillTarget, SeriesColour } from './chartSpec';
import { Chart } from './registerCharts';

export interface ChartCard {
  element: HTMLElement;
  /** re-reads the theme colours and redraws (theme switch) */
  retheme(): void;
  dispose(): void;
}

function colourOf(theme: ChartTheme, c: SeriesColour | undefined, index: number): string {
  if (c === 'success') return theme.success;
  if (c === 'failure') return theme.failure;
  if (c === 'neutral') return withAlpha(theme.foreground, 0.45);
  return theme.series[(c ?? index) % theme.series.length];
}

function datasets(spec: ChartSpec, theme: ChartTheme): ChartDataset[] {
  if (spec.kind === 'doughnut') {
    return spec.series.map((s) => ({
      label: s.label,
      data: s.data,
      backgroundColor: spec.labels.map((_, i) => colourOf(theme, spec.sliceColours?.[i], i)),
      borderColor: theme.background || theme.foreground,
      borderWidth: theme.highContrast ? 2 : 1,
    })) as ChartDataset[];
  }
  return spec.series.map((s, i) => {
    const colour = colourOf(theme, s.colour, i);
    const asLine = spec.kind === 'line' || s.asLine;
    return {
      type: asLine ? 'line' : 'bar',
      label: s.label,
      data: s.data,
      yAxisID: s.rightAxis ? 'y2' : 'y',
      borderColor: colour,
      backgroundColor: asLine ? withAlpha(colour, 0.15) : theme.highContrast ? withAlpha(colour, 0.35) : withAlpha(colour, 0.8),
      borderWidth: asLine ? 2 : theme.highContrast ? 2 : 0,
      pointRadius: asLine ? 3 : undefined,
      pointHoverRadius: asLine ? 6 : undefined,
      fill: asLine && spec.series.length === 1 ? 'origin' : false,
      spanGaps: true,
      // hourly rates jump between few events an hour: straight segments, no implied curve
      tension: spec.tickHours ? 0 : 0.2,
      cubicInterpolationMode: spec.tickHours ? 'default' : 'monotone',
      // a point on the top of the axis (100 %) is drawn whole, not cut by the plot area
      clip: asLine ? 8 : undefined,
      order: asLine ? 0 : 1,
    } as ChartDataset;
  });
}

function config(spec: ChartSpec, theme: ChartTheme, onPick: (index: number, series: number) => void): ChartConfiguration {
  const tick = { color: theme.foreground, font: { family: theme.fontFamily, size: theme.fontSize - 1 } };
  const axisTitle = (text: string | undefined) => ({ display: !!text, text: text ?? '', color: theme.foreground, font: { family: theme.fontFamily } });
  const horizontal = spec.kind === 'horizontalBar';
  const format = spec.format ?? fmtNumber;
  const valueAxis = {
    beginAtZero: true,
    max: spec.yMax,
    stacked: spec.stacked,
    // counts get whole-number ticks (no "0.5 invocations" on a small axis)
    ticks: { ...tick, precision: countsOnly(spec) ? 0 : undefined, callback: (v: string | number) => format(Number(v)) },
    grid: { color: theme.grid },
    border: { color: theme.grid },
    title: axisTitle(spec.yTitle),
  };
  const categoryAxis = {
    stacked: spec.stacked,
    ticks: spec.tickHours
      ? { ...tick, autoSkip: false, maxRotation: 0, callback: hourTick(spec.ticks ?? spec.labels, spec.tickHours) }
      : { ...tick, autoSkip: true, autoSkipPadding: 12, maxRotation: 0, callback: spec.ticks ? (_v: string | number, i: number) => spec.ticks![i] ?? '' : shortDayTick(spec.labels) },
    grid: { display: false },
    border: { color: theme.grid },
    title: axisTitle(spec.xTitle),
  };
  const scales =
    spec.kind === 'doughnut'
      ? {}
      : horizontal
        ? { x: valueAxis, y: categoryAxis }
        : {
            x: categoryAxis,
            y: valueAxis,
            ...(spec.series.some((s) => s.rightAxis)
              ? { y2: { ...valueAxis, max: spec.y2Max, position: 'right' as const, grid: { display: false }, title: axisTitle(spec.y2Title) } }
              : {}),
          };
  return {
    type: spec.kind === 'doughnut' ? 'doughnut' : spec.kind === 'line' ? 'line' : 'bar',
    data: { labels: spec.labels, datasets: datasets(spec, theme) },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      // room for points and lines at the top of the axis (100 %), which the plot area would cut in half
      layout: { padding: { top: 6 } },
      interaction: { mode: 'nearest', intersect: spec.kind !== 'line' },
      onHover: (evt, elements) => {
        const target = evt.native?.target as HTMLElement | undefined;
        if (target) target.style.cursor = spec.drill && elements.length > 0 ? 'pointer' : 'default';
      },
      onClick: (_evt, elements) => {
        const first = elements[0];
        if (first) onPick(first.index, first.datasetIndex);
      },
      plugins: {
        legend: {
          display: true,
          position: spec.kind === 'doughnut' ? 'right' : 'bottom',
          labels: { color: theme.foreground, font: { family: theme.fontFamily, size: theme.fontSize - 1 }, boxWidth: 12 },
        },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label ?? ''}: ${format(Number(item.raw))}${spec.unit && !format(1).includes(spec.unit) ? ' ' + spec.unit : ''}`,
          },
        },
      },
      scales,
    },
  } as ChartConfiguration;
}

/** True when every value is a whole number (then the value axis has whole-number ticks). */
function countsOnly(spec: ChartSpec): boolean {
  return !spec.format && spec.series.every((s) => s.data.every((v) => v === null || Number.isInteger(v)));
}

/** Widest hour tick ("13:00") plus a gap, in CSS pixels. */
const HOUR_TICK_PX = 44;

/**
 * Ticks of an hourly axis on round local hours: the smallest step of 1, 2, 3, 4, 6 or 12 hours
 * whose labels fit the axis width. Midnight is always a multiple, so each new date shows.
 */
function hourTick(ticks: (string | string[])[], hours: number[]) {
  return function (this: { width: number }, _value: string | number, index: number): string | string[] {
    const perSlot = (this.width || 600) / Math.max(1, hours.length);
    const step = [1, 2, 3, 4, 6, 12].find((s) => s * perSlot >= HOUR_TICK_PX) ?? 24;
    return hours[index] % step === 0 ? (ticks[index] ?? '') : '';
  };
}

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const dayTick = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** Day keys ('2026-03-08') read as "Mar 8" on the axis; the data table keeps the full key. */
function shortDayTick(labels: string[]) {
  return (_value: string | number, index: number) => {
    const label = labels[index] ?? '';
    const m = DAY_KEY.exec(label);
    return m ? dayTick.format(new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]))) : label;
  };
}

/**
 * The chart as a table (its text alternative). With drill-down, each value cell is a
 * keyboard-reachable way to the same rows a click on the bar gives.
 */
function dataTable(spec: ChartSpec, pick: (index: number, series: number) => void): HTMLTableElement {
  const format = spec.format ?? fmtNumber;
  const head = h('tr', {}, h('th', { scope: 'col' }, spec.xTitle ?? ''), ...spec.series.map((s) => h('th', { scope: 'col' }, `${s.label}${spec.unit ? ` (${spec.unit})` : ''}`)));
  const body = spec.labels.map((label, i) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, label),
      ...spec.series.map((s, j) => {
        const v = s.data[i];
        const td = h('td', { class: 'num' }, v === null ? '—' : format(v as number));
        if (spec.drill && v !== null && v !== 0) {
          td.tabIndex = 0;
          td.classList.add('clickable');
          td.title = 'List these events';
          td.addEventListener('click', () => pick(i, j));
          td.addEventListener('keydown', (e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              pick(i, j);
            }
          });
        }
        return td;
      }),
    ),
  );
  return h('table', {}, h('caption', {}, spec.title), h('thead', {}, head), h('tbody', {}, ...body));
}

/** One chart card: heading with unit, the canvas (aria-label = summary), a data table, drill-down. */
export function createChartCard(spec: ChartSpec, onDrill: (query: DrillTarget) => void): ChartCard {
  const titleId = `chart-title-${spec.id}`;
  const heading = h('h3', { class: 'card-title', id: titleId }, spec.title, spec.unit ? h('span', { class: 'unit' }, ` · ${spec.unit}`) : null);
  const hasData = spec.labels.length > 0 && spec.series.some((s) => s.data.some((v) => v !== null && v !== 0));
  if (!hasData) {
    const element = h('section', { class: 'card chart-card empty', 'data-chart-id': spec.id, 'aria-labelledby': titleId }, heading, h('p', { class: 'empty-note' }, spec.empty ?? 'No data in this time range.'));
    return { element, retheme: () => {}, dispose: () => {} };
  }
  const pick = (index: number, series: number) => {
    const query = spec.drill?.(index, series);
    if (query) onDrill(query);
  };
  const canvas = h('canvas', { role: 'img', 'aria-label': `${spec.title}. ${spec.summary}` });
  const box = h('div', { class: spec.kind === 'horizontalBar' ? 'chart-box tall' : 'chart-box' }, canvas);
  const element = h(
    'section',
    { class: 'card chart-card', 'data-chart-id': spec.id, 'aria-labelledby': titleId },
    heading,
    box,
    h('p', { class: 'summary' }, spec.summary),
    spec.drill ? h('p', { class: 'hint' }, `Click a ${spec.kind === 'line' ? 'point' : spec.kind === 'doughnut' ? 'slice' : 'bar'} to list its events.`) : null,
    h('details', { class: 'data-table' }, h('summary', {}, 'Data table'), dataTable(spec, pick)),
  );
  let chart: Chart | undefined = new Chart(canvas, config(spec, readChartTheme(), pick));
  return {
    element,
    retheme() {
      if (!chart) return;
      const next = config(spec, readChartTheme(), pick);
      chart.data.datasets = next.data.datasets;
      chart.options = next.options ?? {};
      chart.update('none');
    },
    dispose() {
      chart?.destroy();
      chart = undefined;
    },
  };
}
