import type { RowsTarget, SpecChart, SpecTable, SpecValueFormat, TabPayload } from '../../src/protocol';
import { h } from '../dom';
import { fmtCount, fmtMs, fmtNumber, fmtPercent, fmtSeconds, fmtUsd } from '../format';
import { emptyState, grid, kpi, kpiRow, tableCard, type Column } from '../widgets';
import { chart, importHint, outcomeColour, rowsOf, type TabContext } from './tabContext';
import { timeAxis } from './timeAxis';

type SpecPayload = Extract<TabPayload, { tab: 'spec' }>;

const FORMATS: Record<SpecValueFormat, (n: number | null) => string> = {
  count: fmtCount,
  number: fmtNumber,
  percent: (n) => fmtPercent(n),
  usd: fmtUsd,
  ms: fmtMs,
  seconds: fmtSeconds,
};

function fmt(format: SpecValueFormat | undefined, v: number | null): string {
  return (FORMATS[format ?? 'number'] ?? fmtNumber)(v);
}

const keyed = (key: string): RowsTarget => ({ kind: 'keyed', key });

/**
 * Every spec tab (src/core/dashboard/tabs/): the host's view spec drawn with the page's own
 * widgets — KPI tiles, chart cards on the range's time axis, tables, the empty state. It knows no
 * table or column: a drill-down hands back the key the host minted, narrowed to the range and
 * the clicked day or hour.
 */
export function renderSpecTab(p: SpecPayload, ctx: TabContext): HTMLElement {
  const v = p.view;
  const root = h('div', { class: 'tab-body', 'data-spec-tab': p.id });
  if (v.empty) {
    root.append(emptyState(p.id, `${v.empty.title} ${ctx.rangeText}.`, importHint(ctx, v.empty.files)));
    return root;
  }
  if (v.kpis.length) root.append(kpiRow(...v.kpis.map((k) => kpi(k.id, k.label, fmt(k.format, k.value), k.sub))));
  const charts = v.charts.map((c) => specChart(c, v.bucket, ctx));
  const tables = v.tables.map((t) => specTable(t, ctx));
  if (charts.length || tables.length) root.append(grid(...charts, ...tables));
  return root;
}

function specChart(c: SpecChart, bucket: SpecPayload['view']['bucket'], ctx: TabContext): HTMLElement {
  if (c.kind === 'time') {
    const axis = timeAxis(ctx, bucket, c.series.map((s) => s.points));
    const total = c.series.reduce((n, s) => n + s.points.reduce((m, x) => m + x.value, 0), 0);
    const slots = new Set(c.series.flatMap((s) => s.points.map((x) => axis.slotOf(x)))).size;
    return chart(ctx, {
      id: c.id,
      title: `${c.title} ${axis.per}`,
      unit: c.unit,
      kind: c.chart,
      stacked: c.stacked,
      labels: axis.labels,
      ticks: axis.ticks,
      tickHours: axis.tickHours,
      series: c.series.map((s, i) => ({ label: s.label, data: axis.values(s.points, (x) => x.value), colour: outcomeColour(s.label, i) })),
      xTitle: axis.title,
      yTitle: c.unit.charAt(0).toUpperCase() + c.unit.slice(1),
      summary: `${fmtCount(total)} ${c.unit} ${axis.spanText(slots)}` + (c.series.length > 1 ? `: ${c.series.map((s) => `${s.label} ${fmtCount(s.points.reduce((m, x) => m + x.value, 0))}`).join(', ')}.` : '.'),
      empty: `No ${c.unit} ${ctx.rangeText}.`,
      drill: (i, si) => {
        const s = c.series[si];
        if (!s?.drillKey) return undefined;
        return { label: `${c.title} · ${axis.labels[i]}${c.series.length > 1 ? ` · ${s.label}` : ''}`, request: axis.rows(keyed(s.drillKey), i) };
      },
    });
  }
  const cats = c.categories;
  return chart(ctx, {
    id: c.id,
    title: c.title,
    unit: c.unit,
    kind: c.chart,
    labels: cats.map((x) => x.label),
    series: [{ label: c.unit.charAt(0).toUpperCase() + c.unit.slice(1), data: cats.map((x) => x.value) }],
    sliceColours: c.chart === 'doughnut' ? cats.map((x, i) => outcomeColour(x.label, i)) : undefined,
    summary: cats.map((x) => `${x.label}: ${fmtCount(x.value)}`).join('; ') + '.',
    empty: `No ${c.unit} ${ctx.rangeText}.`,
    drill: (i) => {
      const x = cats[i];
      return x?.drillKey ? { label: `${c.title} · ${x.label}`, request: rowsOf(ctx, keyed(x.drillKey)) } : undefined;
    },
  });
}

function specTable(t: SpecTable, ctx: TabContext): HTMLElement {
  type Row = SpecTable['rows'][number];
  const columns: Column<Row>[] = t.columns.map((c, i) => ({
    label: c.label,
    numeric: c.format !== undefined,
    value: (r) => {
      const cell = r.cells[i];
      return c.format !== undefined && (typeof cell === 'number' || cell === null) ? fmt(c.format, cell) : String(cell ?? '—');
    },
  }));
  const drillable = t.rows.some((r) => r.drillKey);
  return tableCard({
    id: t.id,
    title: t.title,
    columns,
    rows: t.rows,
    empty: t.empty,
    onRow: drillable ? (r) => r.drillKey && ctx.drill({ label: `${t.title} · ${String(r.cells[0] ?? '—')}`, request: rowsOf(ctx, keyed(r.drillKey)) }) : undefined,
    rowHint: 'Select a row to list its events.',
  });
}
