import type { TabPayload } from '../../src/protocol';
import { h } from '../dom';
import { fmtCount, fmtNumber, fmtPercent, fmtUsd } from '../format';
import { emptyState, grid, kpi, kpiRow } from '../widgets';
import { chart, importHint, label, outcomeColour, pct, pivot, rowsOf, type TabContext } from './tabContext';

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
  const perDay = pivot(d.outcomesPerDay, (r) => r.day, (r) => label(r.outcome), (r) => r.count);
  const outcomeFilter = (name: string) => ({ outcome: name === '(not recorded)' ? null : name });
  root.append(
    grid(
      chart(ctx, {
        id: 'sessions-quality-per-day',
        title: 'Session quality and success per day',
        unit: 'quality / %',
        kind: 'line',
        labels: days.map((x) => x.day),
        series: [
          { label: 'Average quality', data: days.map((x) => x.avgQuality), colour: 0 },
          { label: 'Successful (%)', data: days.map((x) => pct(x.successRatePercent)), colour: 'success', rightAxis: true },
        ],
        xTitle: 'Day',
        yTitle: 'Average quality',
        y2Title: 'Successful (%)',
        summary: `Average quality ${t.avgQuality === null ? 'unknown' : fmtNumber(t.avgQuality)}, ${fmtPercent(t.successRatePercent)} successful; ` + days.slice(-5).map((x) => `${x.day}: ${fmtNumber(x.avgQuality)}`).join(', ') + '.',
        drill: (i) => ({ label: `Sessions · ${days[i].day}`, request: rowsOf(ctx, 'session_outcome_events', undefined, days[i].day) }),
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
        drill: (i) => ({ label: `Sessions · outcome ${label(outcomes[i].outcome)}`, request: rowsOf(ctx, 'session_outcome_events', outcomeFilter(label(outcomes[i].outcome))) }),
      }),
      chart(ctx, {
        id: 'sessions-outcomes-per-day',
        title: 'Outcomes per day',
        unit: 'sessions',
        kind: 'bar',
        stacked: true,
        labels: perDay.days,
        series: perDay.keys.map((k, i) => ({ label: k, data: perDay.series[i], colour: outcomeColour(k, i + 2) })),
        xTitle: 'Day',
        yTitle: 'Sessions',
        summary: `${fmtCount(t.analyses)} analyses on ${perDay.days.length} days.`,
        drill: (i, s) => {
          const k = perDay.keys[s];
          const all = k === 'other' && perDay.other;
          return { label: `Sessions · ${perDay.days[i]}${all ? '' : ` · ${k}`}`, request: rowsOf(ctx, 'session_outcome_events', all ? undefined : outcomeFilter(k), perDay.days[i]) };
        },
      }),
    ),
  );
  return root;
}
