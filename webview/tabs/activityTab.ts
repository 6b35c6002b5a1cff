import type { RowsTarget, TabPayload } from '../../src/protocol';
import { h } from '../dom';
import { fmtCount, fmtMs, fmtPercent } from '../format';
import { emptyState, grid, kpi, kpiRow, tableCard } from '../widgets';
import { chart, importHint, label, outcomeColour, pivot, rowsOf, type TabContext } from './tabContext';
import { reconciledCallsCard } from './claudeCodeCards';
import { timeAxis } from './timeAxis';

type ActivityPayload = Extract<TabPayload, { tab: 'activity' }>;

export function renderActivity(p: ActivityPayload, ctx: TabContext): HTMLElement {
  const d = p.activity;
  const root = h('div', { class: 'tab-body' });
  const calls = d.tools.reduce((a, t) => a + t.calls, 0);
  const successes = d.tools.reduce((a, t) => a + t.successes, 0);
  const failures = d.tools.reduce((a, t) => a + t.failures, 0);
  const commits = d.gitByRepo.reduce((a, r) => a + r.commits, 0);
  const additions = d.gitByRepo.reduce((a, r) => a + r.additions, 0);
  const deletions = d.gitByRepo.reduce((a, r) => a + r.deletions, 0);
  const activity = d.activityEvents.reduce((a, e) => a + e.count, 0);
  if (calls === 0 && commits === 0 && d.coordinator.runs === 0 && activity === 0) {
    root.append(emptyState('activity', `No tool, git, coordinator or activity events ${ctx.rangeText}.`, importHint(ctx, 'tool-usage.jsonl, git-activity.jsonl, coordination-log.jsonl and activity-events.jsonl')));
    if (d.claudeCode?.totals.calls) root.append(grid(toolCallsCard(d.claudeCode, ctx.rangeText)));
    return root;
  }
  root.append(
    kpiRow(
      kpi('tool-calls', 'Tool calls', fmtCount(calls), `${fmtCount(d.tools.length)} tools`),
      kpi('tool-success', 'Tool success', successes + failures > 0 ? fmtPercent((100 * successes) / (successes + failures)) : '—', `${fmtCount(failures)} failed`),
      kpi('git-commits', 'Commits', fmtCount(commits), `+${fmtCount(additions)} / −${fmtCount(deletions)} lines`),
      kpi('coordinator-runs', 'Coordinator runs', fmtCount(d.coordinator.runs)),
      kpi('activity-events', 'Activity events', fmtCount(activity)),
    ),
  );
  const tools = d.tools.slice(0, 12);
  const toolAxis = timeAxis(ctx, d.bucket, [d.toolCallsPerDay]);
  const toolDays = pivot(toolAxis, d.toolCallsPerDay, (r) => r.tool, (r) => r.calls);
  const gitAxis = timeAxis(ctx, d.bucket, [d.gitPerDay]);
  const gitDays = pivot(gitAxis, d.gitPerDay, (r) => label(r.repo), (r) => r.commits);
  const coordDays = d.coordinator.perDay;
  const coordAxis = timeAxis(ctx, d.bucket, [coordDays]);
  const status = d.coordinator.byStatus;
  root.append(
    grid(
      chart(ctx, {
        id: 'activity-tools',
        title: 'Tool calls by tool',
        unit: 'calls',
        kind: 'horizontalBar',
        stacked: true,
        labels: tools.map((t) => t.tool),
        series: [
          { label: 'Succeeded', data: tools.map((t) => t.successes), colour: 'success' },
          { label: 'Failed', data: tools.map((t) => t.failures), colour: 'failure' },
          { label: 'No success flag', data: tools.map((t) => t.calls - t.successes - t.failures), colour: 3 },
        ],
        xTitle: 'Tool',
        yTitle: 'Calls',
        summary: tools.map((t) => `${t.tool}: ${fmtCount(t.calls)} calls, ${fmtPercent(t.successRatePercent)} succeeded`).join('; ') + '.',
        empty: `No tool calls ${ctx.rangeText}.`,
        drill: (i, s) => ({
          label: `Tool ${tools[i].tool}${s === 0 ? ' · succeeded' : s === 1 ? ' · failed' : ''}`,
          request: rowsOf(ctx, { kind: 'toolCalls', tool: tools[i].tool, success: s === 2 ? null : s === 0 }),
        }),
      }),
      chart(ctx, {
        id: 'activity-tools-per-day',
        title: `Tool calls ${toolAxis.per}`,
        unit: 'calls',
        kind: 'bar',
        stacked: true,
        labels: toolAxis.labels,
        ticks: toolAxis.ticks,
        tickHours: toolAxis.tickHours,
        series: toolDays.keys.map((k, i) => ({ label: k, data: toolDays.series[i], colour: k === 'other' && toolDays.other ? 'neutral' : i })),
        xTitle: toolAxis.title,
        yTitle: 'Calls',
        summary: `${fmtCount(calls)} calls ${toolAxis.spanText(new Set(d.toolCallsPerDay.map((r) => toolAxis.slotOf(r))).size)} by ${toolDays.keys.join(', ')}.`,
        empty: `No tool calls ${ctx.rangeText}.`,
        drill: (i, s) => {
          const tool = toolDays.keys[s];
          return { label: `Tool calls · ${toolAxis.labels[i]}${tool === 'other' && toolDays.other ? '' : ` · ${tool}`}`, request: toolAxis.rows(tool === 'other' && toolDays.other ? { kind: 'toolCalls' } : { kind: 'toolCalls', tool }, i) };
        },
      }),
      chart(ctx, {
        id: 'activity-git-per-day',
        title: `Commits ${gitAxis.per} by repository`,
        unit: 'commits',
        kind: 'bar',
        stacked: true,
        labels: gitAxis.labels,
        ticks: gitAxis.ticks,
        tickHours: gitAxis.tickHours,
        series: gitDays.keys.map((k, i) => ({ label: k, data: gitDays.series[i], colour: outcomeColour(k, i) === 'neutral' ? 'neutral' : i })),
        xTitle: gitAxis.title,
        yTitle: 'Commits',
        summary: `${fmtCount(commits)} commits, +${fmtCount(additions)} / −${fmtCount(deletions)} lines, in ${gitDays.keys.length} repositories.`,
        empty: `No git events ${ctx.rangeText}.`,
        drill: (i, s) => {
          const repo = gitDays.keys[s];
          const all = repo === 'other' && gitDays.other;
          const target: RowsTarget = all ? { kind: 'git' } : { kind: 'git', repo: repo === '(not recorded)' ? null : repo };
          return { label: `Git · ${gitAxis.labels[i]}${all ? '' : ` · ${repo}`}`, request: gitAxis.rows(target, i) };
        },
      }),
      chart(ctx, {
        id: 'activity-coordinator-per-day',
        title: `Coordinator runs ${coordAxis.per}`,
        unit: 'runs',
        kind: 'bar',
        labels: coordAxis.labels,
        ticks: coordAxis.ticks,
        tickHours: coordAxis.tickHours,
        series: [{ label: 'Runs', data: coordAxis.values(coordDays, (x) => x.count), colour: 4 }],
        xTitle: coordAxis.title,
        yTitle: 'Runs',
        summary: `${fmtCount(d.coordinator.runs)} runs; by status ` + status.map((s) => `${s.status} ${fmtCount(s.runs)}`).join(', ') + '.',
        empty: `No coordinator runs ${ctx.rangeText}.`,
        drill: (i) => ({ label: `Coordinator runs · ${coordAxis.labels[i]}`, request: coordAxis.rows({ kind: 'coordinator' }, i) }),
      }),
      chart(ctx, {
        id: 'activity-event-types',
        title: 'Activity events by type',
        unit: 'events',
        kind: 'doughnut',
        labels: d.activityEvents.map((e) => e.eventType),
        series: [{ label: 'Events', data: d.activityEvents.map((e) => e.count) }],
        summary: d.activityEvents.map((e) => `${e.eventType}: ${fmtCount(e.count)}`).join('; ') + '.',
        empty: `No activity events ${ctx.rangeText}.`,
        drill: (i) => ({ label: `Activity · ${d.activityEvents[i].eventType}`, request: rowsOf(ctx, { kind: 'activity', eventType: d.activityEvents[i].eventType }) }),
      }),
    ),
    grid(
      tableCard({
        id: 'activity-repos',
        title: 'Repositories',
        rows: d.gitByRepo,
        empty: 'No git events.',
        columns: [
          { label: 'Repository', value: (r) => label(r.repo) },
          { label: 'Commits', value: (r) => fmtCount(r.commits), numeric: true },
          { label: 'Additions', value: (r) => `+${fmtCount(r.additions)}`, numeric: true },
          { label: 'Deletions', value: (r) => `−${fmtCount(r.deletions)}`, numeric: true },
          { label: 'Files changed', value: (r) => fmtCount(r.filesChanged), numeric: true },
        ],
        onRow: (r) => ctx.drill({ label: `Git · ${label(r.repo)}`, request: rowsOf(ctx, { kind: 'git', repo: r.repo }) }),
      }),
      tableCard({
        id: 'activity-coordinator',
        title: 'Coordinator runs by status and strategy',
        rows: [...status.map((s) => ({ kind: 'status', name: s.status, runs: s.runs, avg: s.durationAvgMs })), ...d.coordinator.byStrategy.map((s) => ({ kind: 'strategy', name: label(s.strategy), runs: s.runs, avg: s.durationAvgMs }))],
        empty: 'No coordinator runs.',
        columns: [
          { label: 'By', value: (r) => r.kind },
          { label: 'Value', value: (r) => r.name },
          { label: 'Runs', value: (r) => fmtCount(r.runs), numeric: true },
          { label: 'Avg duration', value: (r) => fmtMs(r.avg), numeric: true },
        ],
      }),
    ),
  );
  if (d.claudeCode) root.append(grid(toolCallsCard(d.claudeCode, ctx.rangeText)));
  return root;
}

function toolCallsCard(data: NonNullable<ActivityPayload['activity']['claudeCode']>, rangeText: string): HTMLElement {
  return reconciledCallsCard({ id: 'activity-claude-code-tools', title: 'Tool calls (Claude Code transcripts and the post-tool hook)', nameLabel: 'Tool', hookLabel: 'post-tool hook', data, rangeText });
}
