import type { TabPayload } from '../../src/protocol';
import { h } from '../dom';
import { fmtCount, fmtMs, fmtNumber, fmtPercent, fmtUsd } from '../format';
import { emptyState, grid, kpi, kpiRow, tableCard } from '../widgets';
import { confusionMatrixCard } from './confusionMatrix';
import { chart, importHint, label, pct, rowsOf, type TabContext } from './tabContext';
import { routingUsedCard } from './claudeCodeCards';
import { timeAxis } from './timeAxis';

type RoutingPayload = Extract<TabPayload, { tab: 'routing' }>;

export function renderRouting(p: RoutingPayload, ctx: TabContext): HTMLElement {
  const d = p.routing;
  const t = d.totals;
  const root = h('div', { class: 'tab-body' });
  const noExpertise = d.expertiseDomains.length === 0;
  if (t.decisions === 0 && noExpertise) {
    root.append(emptyState('routing', `No routing events ${ctx.rangeText}.`, importHint(ctx, 'routing-metrics.jsonl and expertise-routing.jsonl')));
    return root;
  }
  root.append(
    kpiRow(
      kpi('routing-decisions', 'Routing decisions', fmtCount(t.decisions), `${fmtCount(t.evaluated)} with a verdict`),
      kpi('routing-accuracy', 'Accuracy', fmtPercent(t.accuracyPercent), `${fmtCount(t.correct)} of ${fmtCount(t.evaluated)} correct`),
      kpi('routing-dq', 'Average DQ score', t.dqAvg === null ? '—' : t.dqAvg.toFixed(2), 'decision quality, 0\u2060–\u20601'),
      kpi('routing-cost', 'Cost saved', fmtUsd(t.costSavedUsd), 'sum of recorded cost_saved'),
      kpi('routing-latency', 'Latency p95', fmtMs(t.latencyP95Ms), `p50 ${fmtMs(t.latencyP50Ms)} · p99 ${fmtMs(t.latencyP99Ms)} · avg ${fmtMs(t.latencyAvgMs)}`),
    ),
  );
  const days = d.perDay;
  const models = d.perModel;
  const dq = d.dqDistribution;
  const cost = d.costSavedPerDay;
  const axis = timeAxis(ctx, d.bucket, [days]);
  const costAxis = timeAxis(ctx, d.bucket, [cost]);
  const domains = d.expertiseDomains.slice(0, 12);
  root.append(
    grid(
      chart(ctx, {
        id: 'routing-accuracy-per-day',
        title: `Routing accuracy ${axis.per}`,
        unit: '%',
        kind: 'bar',
        labels: axis.labels,
        ticks: axis.ticks,
        tickHours: axis.tickHours,
        series: [
          { label: 'Accuracy (%)', data: axis.values(days, (x) => pct(x.accuracyPercent), null), asLine: true, colour: 'success' },
          { label: 'Decisions', data: axis.values(days, (x) => x.decisions), rightAxis: true, colour: 0 },
        ],
        xTitle: axis.title,
        yTitle: 'Accuracy (%)',
        y2Title: 'Decisions',
        yMax: 100,
        summary:
          `Overall accuracy ${fmtPercent(t.accuracyPercent)} ${axis.spanText(days.length)}; ` +
          days.slice(-7).map((x) => `${axis.labels[axis.slotOf(x)]}: ${fmtPercent(x.accuracyPercent)}`).join(', ') +
          '.',
        empty: `No routing decisions ${ctx.rangeText}.`,
        drill: (i) => ({ label: `Routing decisions · ${axis.labels[i]}`, request: axis.rows({ kind: 'routing' }, i) }),
      }),
      chart(ctx, {
        id: 'routing-accuracy-per-model',
        title: 'Accuracy by routed-to model',
        unit: '%',
        kind: 'bar',
        labels: models.map((m) => m.model),
        series: [{ label: 'Accuracy (%)', data: models.map((m) => pct(m.accuracyPercent)), colour: 'success' }],
        xTitle: 'Predicted model',
        yTitle: 'Accuracy (%)',
        yMax: 100,
        summary: models.map((m) => `${m.model}: ${fmtPercent(m.accuracyPercent)} of ${fmtCount(m.evaluated)} evaluated`).join('; ') + '.',
        empty: 'No decisions with a correct/incorrect verdict in this range.',
        drill: (i) => ({ label: `Routed to ${models[i].model}`, request: rowsOf(ctx, { kind: 'routing', predictedModel: models[i].model }) }),
      }),
      confusionMatrixCard(d.confusion, ctx),
      chart(ctx, {
        id: 'routing-dq-distribution',
        title: 'DQ score distribution',
        unit: 'decisions',
        kind: 'bar',
        labels: dq.map((b) => `${b.fromScore.toFixed(1)}–${b.toScore.toFixed(1)}`),
        // every bucket labelled by its start: ten short ticks fit where ten ranges would be skipped
        ticks: dq.map((b) => b.fromScore.toFixed(1)),
        series: [{ label: 'Decisions', data: dq.map((b) => b.count), colour: 3 }],
        xTitle: 'DQ score (bucket start; 0.9 includes 1.0)',
        yTitle: 'Decisions',
        summary: dq.map((b) => `${b.fromScore.toFixed(1)}–${b.toScore.toFixed(1)}: ${fmtCount(b.count)}`).join(', ') + '.',
        empty: 'No DQ scores in this range.',
      }),
      chart(ctx, {
        id: 'routing-cost-saved',
        title: 'Cumulative cost saved',
        unit: 'USD',
        kind: 'line',
        labels: costAxis.labels,
        ticks: costAxis.ticks,
        tickHours: costAxis.tickHours,
        series: [{ label: 'Cost saved, cumulative (USD)', data: cumulative(costAxis.values(cost, (c) => c.costSavedUsd)), colour: 2 }],
        xTitle: costAxis.title,
        yTitle: 'USD',
        format: (v) => fmtUsd(v),
        summary: `${fmtUsd(t.costSavedUsd)} saved in total ${ctx.rangeText}.`,
        empty: 'No cost_saved values recorded in this range.',
        drill: (i) => ({ label: `Routing decisions · ${costAxis.labels[i]}`, request: costAxis.rows({ kind: 'routing' }, i) }),
      }),
      chart(ctx, {
        id: 'routing-expertise-domains',
        title: 'Expertise routing by domain',
        unit: 'routings',
        kind: 'horizontalBar',
        labels: domains.map((x) => x.domain),
        series: [{ label: 'Routings', data: domains.map((x) => x.routings), colour: 4 }],
        xTitle: 'Domain',
        yTitle: 'Routings',
        summary: domains.map((x) => `${x.domain}: ${fmtCount(x.routings)}`).join('; ') + '.',
        empty: `No expertise-routing events ${ctx.rangeText}.`,
        drill: (i) => ({ label: `Expertise routing · ${domains[i].domain}`, request: rowsOf(ctx, { kind: 'expertiseRouting', domain: domains[i].domain }) }),
      }),
    ),
    tableCard({
      id: 'routing-models',
      title: 'Models',
      rows: models,
      empty: 'No routing decisions.',
      columns: [
        { label: 'Routed to', value: (m) => m.model },
        { label: 'Decisions', value: (m) => fmtCount(m.decisions), numeric: true },
        { label: 'Evaluated', value: (m) => fmtCount(m.evaluated), numeric: true },
        { label: 'Correct', value: (m) => fmtCount(m.correct), numeric: true },
        { label: 'Accuracy', value: (m) => fmtPercent(m.accuracyPercent), numeric: true },
        { label: 'Avg DQ', value: (m) => (m.dqAvg === null ? '—' : fmtNumber(m.dqAvg)), numeric: true },
        { label: 'Latency p95', value: (m) => fmtMs(m.latencyP95Ms), numeric: true },
        { label: 'Cost saved', value: (m) => fmtUsd(m.costSavedUsd), numeric: true },
      ],
      onRow: (m) => ctx.drill({ label: `Routed to ${m.model}`, request: rowsOf(ctx, { kind: 'routing', predictedModel: m.model }) }),
      rowHint: 'Click a model to list its decisions.',
    }),
    tableCard({
      id: 'routing-domains',
      title: 'Expertise domains',
      rows: d.expertiseDomains,
      empty: 'No expertise-routing events.',
      columns: [
        { label: 'Domain', value: (x) => x.domain },
        { label: 'Routings', value: (x) => fmtCount(x.routings), numeric: true },
        { label: 'Avg expertise', value: (x) => fmtNumber(x.expertiseLevelAvg), numeric: true },
        { label: 'Avg complexity', value: (x) => fmtNumber(x.queryComplexityAvg), numeric: true },
        { label: 'Chosen models', value: (x) => x.chosenModels.map((c) => `${label(c.model)} ${fmtCount(c.count)}`).join(', ') },
      ],
      onRow: (x) => ctx.drill({ label: `Expertise routing · ${x.domain}`, request: rowsOf(ctx, { kind: 'expertiseRouting', domain: x.domain }) }),
    }),
  );
  if (d.claudeCode && d.claudeCode.decisions > 0) root.append(routingUsedCard(d.claudeCode));
  return root;
}

/** Running sum (empty hours keep the total so far, so the line stays level). */
function cumulative(values: (number | null)[]): number[] {
  let sum = 0;
  return values.map((v) => (sum += v ?? 0));
}
