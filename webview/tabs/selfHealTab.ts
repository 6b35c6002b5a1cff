import type { RecentFailure, TabPayload } from '../../src/protocol';
import { h } from '../dom';
import { fmtCount, fmtDateTime, fmtMs, fmtNumber, fmtPercent } from '../format';
import { emptyState, grid, kpi, kpiRow, tableCard } from '../widgets';
import { chart, importHint, label, pct, rowsOf, type TabContext } from './tabContext';
import { timeAxis } from './timeAxis';

type SelfHealPayload = Extract<TabPayload, { tab: 'selfHeal' }>;

export function renderSelfHeal(p: SelfHealPayload, ctx: TabContext): HTMLElement {
  const d = p.selfHeal;
  const root = h('div', { class: 'tab-body' });
  if (d.selfHeal.attempts === 0 && d.recovery.attempts === 0) {
    root.append(emptyState('selfHeal', `No self-heal or recovery events ${ctx.rangeText}.`, importHint(ctx, 'self-heal-outcomes.jsonl and recovery-outcomes.jsonl')));
    return root;
  }
  root.append(
    kpiRow(
      kpi('self-heal-rate', 'Self-heal success', fmtPercent(d.selfHeal.successRatePercent), `${fmtCount(d.selfHeal.successes)} of ${fmtCount(d.selfHeal.attempts)} attempts`),
      kpi('self-heal-time', 'Self-heal time p95', fmtMs(d.selfHeal.executionP95Ms), `avg ${fmtMs(d.selfHeal.executionAvgMs)}`),
      kpi('recovery-rate', 'Recovery success', fmtPercent(d.recovery.successRatePercent), `${fmtCount(d.recovery.successes)} of ${fmtCount(d.recovery.attempts)} · avg ${fmtNumber(d.recovery.attemptsAvg)} tries`),
      kpi('recovery-time', 'Time to recover p95', fmtMs(d.recovery.timeToRecoverP95Ms), `p50 ${fmtMs(d.recovery.timeToRecoverP50Ms)} · avg ${fmtMs(d.recovery.timeToRecoverAvgMs)}`),
    ),
  );
  const days = d.perDay;
  const axis = timeAxis(ctx, d.bucket, [days]);
  const patterns = d.byErrorPattern.slice(0, 12);
  const categories = d.byRecoveryCategory.slice(0, 12);
  const modes = d.autoVsManual;
  const kinds = ['selfHeal', 'recovery'] as const;
  root.append(
    grid(
      chart(ctx, {
        id: 'self-heal-rate-per-day',
        title: `Success rate ${axis.per}`,
        unit: '%',
        kind: 'line',
        labels: axis.labels,
        ticks: axis.ticks,
        tickHours: axis.tickHours,
        series: [
          { label: 'Self-heal success (%)', data: axis.values(days, (x) => pct(x.selfHealSuccessRatePercent), null), colour: 0 },
          { label: 'Recovery success (%)', data: axis.values(days, (x) => pct(x.recoverySuccessRatePercent), null), colour: 1 },
        ],
        xTitle: axis.title,
        yTitle: 'Success rate (%)',
        yMax: 100,
        summary: `Self-heal ${fmtPercent(d.selfHeal.successRatePercent)} and recovery ${fmtPercent(d.recovery.successRatePercent)} successful overall; ` + days.slice(-5).map((x) => `${axis.labels[axis.slotOf(x)]}: ${fmtPercent(x.selfHealSuccessRatePercent)} / ${fmtPercent(x.recoverySuccessRatePercent)}`).join(', ') + '.',
        drill: (i, s) => ({ label: `${s === 0 ? 'Self-heal' : 'Recovery'} attempts · ${axis.labels[i]}`, request: axis.rows({ kind: kinds[s] ?? kinds[0] }, i) }),
      }),
      chart(ctx, {
        id: 'self-heal-by-pattern',
        title: 'Self-heal by error pattern',
        unit: 'attempts',
        kind: 'horizontalBar',
        stacked: true,
        labels: patterns.map((x) => x.errorPattern),
        series: [
          { label: 'Fixed', data: patterns.map((x) => x.successes), colour: 'success' },
          { label: 'Not fixed', data: patterns.map((x) => x.attempts - x.successes), colour: 'failure' },
        ],
        xTitle: 'Error pattern',
        yTitle: 'Attempts',
        summary: patterns.map((x) => `${x.errorPattern}: ${fmtCount(x.successes)} of ${fmtCount(x.attempts)} fixed`).join('; ') + '.',
        empty: `No self-heal attempts ${ctx.rangeText}.`,
        drill: (i, s) => ({ label: `Self-heal · ${patterns[i].errorPattern} · ${s === 0 ? 'fixed' : 'not fixed'}`, request: rowsOf(ctx, { kind: 'selfHeal', errorPattern: patterns[i].errorPattern, fixed: s === 0 }) }),
      }),
      chart(ctx, {
        id: 'recovery-by-category',
        title: 'Recovery by error category',
        unit: 'attempts',
        kind: 'horizontalBar',
        stacked: true,
        labels: categories.map((x) => x.errorType),
        series: [
          { label: 'Recovered', data: categories.map((x) => x.successes), colour: 'success' },
          { label: 'Not recovered', data: categories.map((x) => x.attempts - x.successes), colour: 'failure' },
        ],
        xTitle: 'Error category',
        yTitle: 'Attempts',
        summary: categories.map((x) => `${x.errorType}: ${fmtCount(x.successes)} of ${fmtCount(x.attempts)} recovered, p95 ${fmtMs(x.timeToRecoverP95Ms)}`).join('; ') + '.',
        empty: `No recovery attempts ${ctx.rangeText}.`,
        drill: (i, s) => ({ label: `Recovery · ${categories[i].errorType} · ${s === 0 ? 'recovered' : 'not recovered'}`, request: rowsOf(ctx, { kind: 'recovery', errorType: categories[i].errorType, recovered: s === 0 }) }),
      }),
      chart(ctx, {
        id: 'time-to-fix-per-day',
        title: `Time to fix ${axis.per}`,
        unit: 'ms',
        kind: 'line',
        labels: axis.labels,
        ticks: axis.ticks,
        tickHours: axis.tickHours,
        series: [
          { label: 'Self-heal execution, mean (ms)', data: axis.values(days, (x) => x.selfHealExecutionAvgMs, null), colour: 0 },
          { label: 'Time to recover, mean (ms)', data: axis.values(days, (x) => x.recoveryTimeToRecoverAvgMs, null), colour: 1 },
        ],
        xTitle: axis.title,
        yTitle: 'Milliseconds',
        summary: `Self-heal takes ${fmtMs(d.selfHeal.executionAvgMs)} and recovery ${fmtMs(d.recovery.timeToRecoverAvgMs)} on average; ` + days.slice(-5).map((x) => `${axis.labels[axis.slotOf(x)]}: ${fmtMs(x.selfHealExecutionAvgMs)} / ${fmtMs(x.recoveryTimeToRecoverAvgMs)}`).join(', ') + '.',
        empty: `No self-heal or recovery times ${ctx.rangeText}.`,
        drill: (i, s) => ({ label: `${s === 0 ? 'Self-heal' : 'Recovery'} times · ${axis.labels[i]}`, request: axis.rows({ kind: kinds[s] ?? kinds[0] }, i) }),
      }),
      chart(ctx, {
        id: 'recovery-auto-vs-manual',
        title: 'Recovery: automatic vs manual',
        unit: 'attempts',
        kind: 'bar',
        labels: modes.map((m) => m.mode),
        series: [
          { label: 'Attempts', data: modes.map((m) => m.attempts), colour: 0 },
          { label: 'Successes', data: modes.map((m) => m.successes), colour: 'success' },
        ],
        xTitle: 'Mode (auto flag)',
        yTitle: 'Attempts',
        summary: modes.map((m) => `${m.mode}: ${fmtCount(m.successes)} of ${fmtCount(m.attempts)} (${fmtPercent(m.successRatePercent)})`).join('; ') + '.',
        empty: `No recovery attempts ${ctx.rangeText}.`,
      }),
    ),
    recentFailures(d.recentFailures, ctx),
    grid(
      tableCard({
        id: 'self-heal-patterns',
        title: 'Error patterns',
        rows: d.byErrorPattern,
        empty: 'No self-heal attempts.',
        columns: [
          { label: 'Pattern', value: (x) => x.errorPattern },
          { label: 'Attempts', value: (x) => fmtCount(x.attempts), numeric: true },
          { label: 'Fixed', value: (x) => fmtPercent(x.successRatePercent), numeric: true },
          { label: 'Avg time', value: (x) => fmtMs(x.executionAvgMs), numeric: true },
        ],
        onRow: (x) => ctx.drill({ label: `Self-heal · ${x.errorPattern}`, request: rowsOf(ctx, { kind: 'selfHeal', errorPattern: x.errorPattern }) }),
      }),
      tableCard({
        id: 'recovery-strategies',
        title: 'Recovery strategies',
        rows: d.byRecoveryStrategy,
        empty: 'No recovery attempts.',
        columns: [
          { label: 'Strategy', value: (x) => label(x.strategy) },
          { label: 'Attempts', value: (x) => fmtCount(x.attempts), numeric: true },
          { label: 'Success', value: (x) => fmtPercent(x.successRatePercent), numeric: true },
        ],
        onRow: (x) => ctx.drill({ label: `Recovery · ${label(x.strategy)}`, request: rowsOf(ctx, { kind: 'recovery', strategy: x.strategy }) }),
      }),
    ),
  );
  return root;
}

function recentFailures(rows: RecentFailure[], ctx: TabContext): HTMLElement {
  return tableCard({
    id: 'recent-failures',
    title: 'Recent failures',
    rows,
    empty: `No failed self-heal or recovery attempts ${ctx.rangeText}.`,
    columns: [
      { label: 'When', value: (f) => fmtDateTime(f.at) },
      { label: 'Kind', value: (f) => (f.kind === 'selfHeal' ? 'self-heal' : 'recovery') },
      { label: 'Error', value: (f) => f.errorKind },
      { label: 'Action tried', value: (f) => label(f.action, '—') },
      { label: 'Message', value: (f) => label(f.message, '—') },
      { label: 'Source', value: (f) => (f.source.path ? `${f.source.path.split(/[\\/]/).pop()}:${f.source.line}` : '—') },
    ],
    // only where an editor can open the file (not in the static report)
    onRow:
      ctx.mode === 'live'
        ? (f) => {
            if (f.source.path && f.source.line) ctx.openSource(f.source.path, f.source.line);
          }
        : undefined,
    rowHint: ctx.mode === 'live' ? 'Click a failure to open its JSONL line.' : undefined,
  });
}
