import type { RowsTarget, TabPayload } from '../../src/protocol';
import { h } from '../dom';
import { fmtCount, fmtNumber, fmtPercent, fmtUsd } from '../format';
import { emptyState, grid, kpi, kpiRow } from '../widgets';
import { chart, importHint, label, outcomeColour, pct, pivot, rowsOf, type TabContext } from './tabContext';
import { timeAxis } from './timeAxis';

type SessionsPayload = Extract<TabPayload, { tab: 'sessions' }>;

export function renderSessions(p: SessionsPayload, ctx: TabContext): HTMLElement {
  const d = p.sessions;
  const t = d.totals;
  const root = h('div', { class: 'tab-body' });
  if (t.analyses === 0) {
    root.append(emptyState('sessions', `No session outcomes ${ctx.rangeText}.`, importHint(ctx, 'session-outcomes.jsonl')));
    return root;
  }
  root.append(
    kpiRow(
      kpi('session-analyses', 'Session analyses', fmtCount(t.analyses)),
      kpi('session-quality', 'Average quality', t.avgQuality === null ? '—' : fmtNumber(t.avgQuality), 'as recorded by the analyser'),
      kpi('session-success', 'Successful', fmtPercent(t.successRatePercent)),
      kpi('session-cost', 'Cost', fmtUsd(t.costUsd)),
    ),
  );
  const days = d.perDay;
  const outcomes = d.outcomes;
  const axis = timeAxis(ctx, d.bucket, [days]);
  const outcomeAxis = timeAxis(ctx, d.bucket, [d.outcomesPerDay]);
  const perDay = pivot(outcomeAxis, d.outcomesPerDay, (r) => label(r.outcome), (r) => r.count);
  const outcomeRows = (name?: string): RowsTarget => (name === undefined ? { kind: 'sessions' } : { kind: 'sessions', outcome: name === '(not recorded)' ? null : name });
  root.append(
    grid(
      chart(ctx, {
        id: 'sessions-quality-per-day',
        title: `Session quality and success ${axis.per}`,
        unit: 'quality / %',
        kind: 'line',
        labels: axis.labels,
        ticks: axis.ticks,
        tickHours: axis.tickHours,
        series: [
          { label: 'Average quality', data: axis.values(days, (x) => x.avgQuality, null), colour: 0 },
          { label: 'Successful (%)', data: axis.values(days, (x) => pct(x.successRatePercent), null), colour: 'success', rightAxis: true },
        ],
        xTitle: axis.title,
        yTitle: 'Average quality',
        y2Title: 'Successful (%)',
        y2Max: 100,
        summary: `Average quality ${t.avgQuality === null ? 'unknown' : fmtNumber(t.avgQuality)}, ${fmtPercent(t.successRatePercent)} successful; ` + days.slice(-5).map((x) => `${axis.labels[axis.slotOf(x)]}: ${fmtNumber(x.avgQuality)}`).join(', ') + '.',
        drill: (i) => ({ label: `Sessions · ${axis.labels[i]}`, request: axis.rows(outcomeRows(), i) }),
      }),
      chart(ctx, {
        id: 'sessions-outcomes',
        title: 'Session outcomes',
        unit: 'sessions',
        kind: 'doughnut',
        labels: outcomes.map((o) => label(o.outcome)),
        series: [{ label: 'Sessions', data: outcomes.map((o) => o.count) }],
        sliceColours: outcomes.map((o, i) => outcomeColour(label(o.outcome), i + 2)),
        summary: outcomes.map((o) => `${label(o.outcome)}: ${fmtCount(o.count)}`).join('; ') + '.',
        drill: (i) => ({ label: `Sessions · outcome ${label(outcomes[i].outcome)}`, request: rowsOf(ctx, outcomeRows(label(outcomes[i].outcome))) }),
      }),
      chart(ctx, {
        id: 'sessions-outcomes-per-day',
        title: `Outcomes ${outcomeAxis.per}`,
        unit: 'sessions',
        kind: 'bar',
        stacked: true,
        labels: outcomeAxis.labels,
        ticks: outcomeAxis.ticks,
        tickHours: outcomeAxis.tickHours,
        series: perDay.keys.map((k, i) => ({ label: k, data: perDay.series[i], colour: outcomeColour(k, i + 2) })),
        xTitle: outcomeAxis.title,
        yTitle: 'Sessions',
        summary: `${fmtCount(t.analyses)} analyses ${outcomeAxis.spanText(days.length)}.`,
        drill: (i, s) => {
          const k = perDay.keys[s];
          const all = k === 'other' && perDay.other;
          return { label: `Sessions · ${outcomeAxis.labels[i]}${all ? '' : ` · ${k}`}`, request: outcomeAxis.rows(outcomeRows(all ? undefined : k), i) };
        },
      }),
    ),
  );
  return root;
}
