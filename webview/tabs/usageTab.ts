import type { DayKey, DrillDownRequest, TabPayload, UsageTokens } from '../../src/protocol';
import { h } from '../dom';
import { fmtCount, fmtDateTime, fmtMs, fmtPercent, fmtSpan, fmtUsd } from '../format';
import { emptyState, grid, kpi, kpiRow, tableCard } from '../widgets';
import { chart, label, pivot, type TabContext } from './tabContext';
import { timeAxis } from './timeAxis';

type UsagePayload = Extract<TabPayload, { tab: 'usage' }>;

/** "$1.23", or "no price" when none of the models has one (never a silent $0). */
function cost(t: Pick<UsageTokens, 'costUsd'>): string {
  return t.costUsd === null ? 'no price' : fmtUsd(t.costUsd);
}

/** The rows behind a number: the opaque key the host minted, in the tab's range (and day). */
function keyRows(ctx: TabContext, drillKey: string, day?: DayKey): DrillDownRequest {
  const range: DrillDownRequest['range'] = {};
  if (ctx.resolved.fromSeconds !== null) range.from = ctx.resolved.fromSeconds;
  if (ctx.resolved.toSeconds !== null) range.to = ctx.resolved.toSeconds;
  return { target: { kind: 'keyed', key: drillKey }, range, day, timeZone: ctx.resolved.timeZone };
}

export function renderUsage(p: UsagePayload, ctx: TabContext): HTMLElement {
  const d = p.usage;
  const t = d.totals;
  const root = h('div', { class: 'tab-body' });
  if (t.responses === 0 && t.toolCalls === 0) {
    root.append(
      emptyState(
        'usage',
        `No Claude Code usage ${ctx.rangeText}.`,
        ctx.mode === 'live'
          ? 'Claude Code transcripts (~/.claude/projects) are imported when “telemetryLens.claudeCode.enabled” is on; run “Telemetry: Migrate JSONL”, or choose a longer time range.'
          : 'Import them with “telemetry-lens migrate --db <db> --claude-code”, then export the report again.',
      ),
    );
    return root;
  }
  for (const w of d.warnings) root.append(h('p', { class: 'usage-warning', role: 'alert', 'data-usage-warning': '' }, `⚠ ${w}`));
  const block = d.activeBlock;
  root.append(
    kpiRow(
      kpi('usage-cost', 'Cost', t.costUsd === null ? 'no price' : fmtUsd(t.costUsd), d.unpricedModels.length ? `without ${d.unpricedModels.join(', ')} (no price)` : `prices as of ${d.prices.asOf}`),
      kpi('usage-tokens', 'Tokens', fmtCount(t.totalTokens), `${fmtCount(t.responses)} responses in ${fmtCount(t.sessions)} sessions`),
      kpi('usage-cache', 'Cache hit', fmtPercent(t.cacheHitPercent), `read ${fmtCount(t.cacheReadTokens)} · write 5m ${fmtCount(t.cacheWrite5mTokens)} · 1h ${fmtCount(t.cacheWrite1hTokens)}`),
      kpi('usage-tools', 'Tool calls', fmtCount(t.toolCalls), `${fmtCount(t.toolErrors)} errors`),
      kpi(
        'usage-block',
        'Current 5-hour block',
        block ? fmtCount(block.totalTokens) : '—',
        block ? `${cost(block)} so far, until ${fmtDateTime(block.endAt)}; at this rate ${fmtCount(block.projectedTokens)} tokens (estimate)` : 'no block in progress',
      ),
    ),
  );

  const axis = timeAxis(ctx, d.bucket, [d.perDay]);
  const byModel = pivot(axis, d.perDay, (r) => r.model, (r) => r.costUsd ?? 0);
  const tokensByModel = pivot(axis, d.perDay, (r) => r.model, (r) => r.totalTokens);
  const modelKey = new Map(d.models.map((m) => [m.model, m.drillKey]));
  const dayDrill = (keys: string[], other: boolean) => (i: number, s: number) => {
    const k = keys[s];
    const drillKey = modelKey.get(k);
    if (!drillKey || (k === 'other' && other)) return undefined;
    return { label: `Usage · ${axis.labels[i]} · ${k}`, request: keyRows(ctx, drillKey, axis.labels[i]) };
  };
  const cacheSeries = (pick: (r: (typeof d.perDay)[number]) => number) => {
    const sums = new Map<string, number>();
    for (const r of d.perDay) sums.set(r.day, (sums.get(r.day) ?? 0) + pick(r));
    return axis.values([...sums.entries()].map(([day, v]) => ({ day, v })), (x) => x.v, 0);
  };
  root.append(
    grid(
      chart(ctx, {
        id: 'usage-cost-per-day',
        title: `Cost ${axis.per} by model`,
        unit: 'USD',
        kind: 'bar',
        stacked: true,
        labels: axis.labels,
        ticks: axis.ticks,
        tickHours: axis.tickHours,
        series: byModel.keys.map((k, i) => ({ label: k, data: byModel.series[i], colour: i % 5 })),
        xTitle: axis.title,
        yTitle: 'USD',
        format: (v) => fmtUsd(v),
        summary: `${cost(t)} ${axis.spanText(new Set(d.perDay.map((r) => r.day)).size)}` + (d.unpricedModels.length ? `; no price for ${d.unpricedModels.join(', ')}.` : '.'),
        drill: dayDrill(byModel.keys, byModel.other),
      }),
      chart(ctx, {
        id: 'usage-tokens-per-day',
        title: `Tokens ${axis.per} by model`,
        unit: 'tokens',
        kind: 'bar',
        stacked: true,
        labels: axis.labels,
        ticks: axis.ticks,
        tickHours: axis.tickHours,
        series: tokensByModel.keys.map((k, i) => ({ label: k, data: tokensByModel.series[i], colour: i % 5 })),
        xTitle: axis.title,
        yTitle: 'Tokens',
        summary: `${fmtCount(t.totalTokens)} tokens; ` + d.models.map((m) => `${m.model}: ${fmtCount(m.totalTokens)}`).join(', ') + '.',
        drill: dayDrill(tokensByModel.keys, tokensByModel.other),
      }),
      chart(ctx, {
        id: 'usage-cache-per-day',
        title: `Cache reads and writes ${axis.per}`,
        unit: 'tokens',
        kind: 'bar',
        stacked: true,
        labels: axis.labels,
        ticks: axis.ticks,
        tickHours: axis.tickHours,
        series: [
          { label: 'Cache read', data: cacheSeries((r) => r.cacheReadTokens), colour: 'success' },
          { label: 'Cache write 5m', data: cacheSeries((r) => r.cacheWrite5mTokens), colour: 1 },
          { label: 'Cache write 1h', data: cacheSeries((r) => r.cacheWrite1hTokens), colour: 3 },
          { label: 'Uncached input', data: cacheSeries((r) => r.inputTokens), colour: 'neutral' },
        ],
        xTitle: axis.title,
        yTitle: 'Tokens',
        summary: `Cache hit ${fmtPercent(t.cacheHitPercent)}: read ${fmtCount(t.cacheReadTokens)}, written ${fmtCount(t.cacheWrite5mTokens)} (5 min) and ${fmtCount(t.cacheWrite1hTokens)} (1 h), uncached input ${fmtCount(t.inputTokens)}.`,
      }),
    ),
    grid(
      tableCard({
        id: 'usage-models',
        title: 'Models',
        rows: d.models,
        empty: 'No responses.',
        columns: [
          { label: 'Model', value: (r) => r.model },
          { label: 'Responses', value: (r) => fmtCount(r.responses), numeric: true },
          { label: 'Input', value: (r) => fmtCount(r.inputTokens), numeric: true },
          { label: 'Output', value: (r) => fmtCount(r.outputTokens), numeric: true },
          { label: 'Cache read', value: (r) => fmtCount(r.cacheReadTokens), numeric: true },
          { label: 'Cache write 5m', value: (r) => fmtCount(r.cacheWrite5mTokens), numeric: true },
          { label: 'Cache write 1h', value: (r) => fmtCount(r.cacheWrite1hTokens), numeric: true },
          { label: 'Cost', value: (r) => cost(r), numeric: true, cellClass: (r) => (r.priced ? '' : 'usage-no-price') },
        ],
        onRow: (r) => ctx.drill({ label: `Usage · ${r.model}`, request: keyRows(ctx, r.drillKey) }),
        rowHint: 'Click a model for its responses.',
        note: `Prices ${d.prices.source}, as of ${d.prices.asOf}.`,
      }),
      tableCard({
        id: 'usage-projects',
        title: 'Projects',
        rows: d.projects,
        empty: 'No sessions.',
        columns: [
          { label: 'Project', value: (r) => label(r.project) },
          { label: 'Sessions', value: (r) => fmtCount(r.sessions), numeric: true },
          { label: 'Tokens', value: (r) => fmtCount(r.totalTokens), numeric: true },
          { label: 'Cost', value: (r) => cost(r), numeric: true },
        ],
      }),
    ),
    grid(
      tableCard({
        id: 'usage-sessions',
        title: 'Sessions',
        rows: d.sessions,
        empty: 'No sessions.',
        columns: [
          { label: 'Last activity', value: (r) => fmtDateTime(r.lastAt) },
          { label: 'Project', value: (r) => label(r.project) },
          { label: 'Duration', value: (r) => (r.durationSeconds === null ? '—' : fmtSpan(r.durationSeconds)), numeric: true },
          { label: 'Tokens', value: (r) => fmtCount(r.totalTokens), numeric: true },
          { label: 'Cost', value: (r) => cost(r), numeric: true },
          { label: 'Tool calls', value: (r) => fmtCount(r.toolCalls), numeric: true },
          { label: 'Errors', value: (r) => fmtCount(r.toolErrors), numeric: true },
        ],
        onRow: (r) => ctx.drill({ label: `Session ${r.sessionId.slice(0, 8)} · tool calls`, request: keyRows(ctx, r.drillKey) }),
        rowHint: 'Click a session for its tool calls.',
      }),
      tableCard({
        id: 'usage-tools',
        title: 'Tool calls and error rate per tool',
        rows: d.tools,
        empty: 'No tool calls.',
        columns: [
          { label: 'Tool', value: (r) => r.tool },
          { label: 'Calls', value: (r) => fmtCount(r.calls), numeric: true },
          { label: 'Errors', value: (r) => fmtCount(r.errors), numeric: true },
          { label: 'Error rate', value: (r) => fmtPercent(r.errorRatePercent), numeric: true },
          { label: 'Avg duration', value: (r) => fmtMs(r.avgDurationMs), numeric: true },
        ],
        onRow: (r) => ctx.drill({ label: `Tool ${r.tool}`, request: keyRows(ctx, r.drillKey) }),
        rowHint: 'Click a tool for its calls.',
      }),
    ),
  );
  return root;
}
