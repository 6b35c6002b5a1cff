import type { TabPayload } from '../../src/protocol';
import { h } from '../dom';
import { fmtCount, fmtDateTime, fmtNumber, fmtPercent, fmtSeconds } from '../format';
import { emptyState, grid, kpi, kpiRow, tableCard } from '../widgets';
import { chart, importHint, label, rowsOf, type TabContext } from './tabContext';
import { reconciledCallsCard } from './claudeCodeCards';
import { timeAxis } from './timeAxis';

type SkillsPayload = Extract<TabPayload, { tab: 'skills' }>;

export function renderSkills(p: SkillsPayload, ctx: TabContext): HTMLElement {
  const d = p.skills;
  const t = d.totals;
  const root = h('div', { class: 'tab-body' });
  if (t.invocations === 0) {
    root.append(emptyState('skills', `No skill invocations ${ctx.rangeText}.`, importHint(ctx, 'skill_metrics.json or skill-invocations.jsonl')));
    if (d.claudeCode?.totals.calls) root.append(grid(skillCallsCard(d.claudeCode, ctx.rangeText)));
    return root;
  }
  root.append(
    kpiRow(
      kpi('skill-invocations', 'Invocations', fmtCount(t.invocations), `${fmtCount(d.skills.length)} skills`),
      kpi('skill-completion', 'Completion rate', fmtPercent(t.completionRatePercent), `${fmtCount(t.completed)} completed, ${fmtCount(t.abandoned)} abandoned`),
      kpi('skill-p50', 'Duration p50', fmtSeconds(t.durationP50Seconds), `avg ${fmtSeconds(t.durationAvgSeconds)}`),
      kpi('skill-p95', 'Duration p95', fmtSeconds(t.durationP95Seconds), `p99 ${fmtSeconds(t.durationP99Seconds)}`),
    ),
  );

  const tl = d.timeline;
  const axis = timeAxis(ctx, d.bucket, [tl]);
  const top = d.skills.slice(0, 12);
  const byDuration = d.skills.filter((s) => s.durationP50Seconds !== null).slice(0, 10);
  root.append(
    grid(
      chart(ctx, {
        id: 'skills-timeline',
        title: `Skill invocations ${axis.per}`,
        unit: 'invocations',
        kind: 'bar',
        stacked: true,
        labels: axis.labels,
        ticks: axis.ticks,
        tickHours: axis.tickHours,
        series: [
          { label: 'Completed', data: axis.values(tl, (x) => x.completed), colour: 'success' },
          { label: 'Abandoned', data: axis.values(tl, (x) => x.abandoned), colour: 'failure' },
        ],
        xTitle: axis.title,
        yTitle: 'Invocations',
        summary: `${fmtCount(t.invocations)} invocations ${axis.spanText(tl.length)}, ${fmtPercent(t.completionRatePercent)} completed.`,
        drill: (i, s) => ({ label: `Skill invocations · ${axis.labels[i]} · ${s === 0 ? 'completed' : 'abandoned'}`, request: axis.rows({ kind: 'skills', completed: s === 0 }, i) }),
      }),
      chart(ctx, {
        id: 'skills-by-skill',
        title: 'Invocations by skill',
        unit: 'invocations',
        kind: 'horizontalBar',
        stacked: true,
        labels: top.map((s) => s.skillName),
        series: [
          { label: 'Completed', data: top.map((s) => s.completed), colour: 'success' },
          { label: 'Abandoned', data: top.map((s) => s.abandoned), colour: 'failure' },
        ],
        yTitle: 'Invocations',
        xTitle: 'Skill',
        summary: top.map((s) => `${s.skillName}: ${fmtCount(s.invocations)} (${fmtPercent(s.completionRatePercent)} completed)`).join('; ') + '.',
        drill: (i, s) => ({ label: `Skill ${top[i].skillName} · ${s === 0 ? 'completed' : 'abandoned'}`, request: rowsOf(ctx, { kind: 'skills', skill: top[i].skillName, completed: s === 0 }) }),
      }),
      chart(ctx, {
        id: 'skills-duration',
        title: 'Duration percentiles by skill (completed runs)',
        unit: 's',
        kind: 'bar',
        labels: byDuration.map((s) => s.skillName),
        series: [
          { label: 'p50', data: byDuration.map((s) => s.durationP50Seconds) },
          { label: 'p95', data: byDuration.map((s) => s.durationP95Seconds) },
          { label: 'p99', data: byDuration.map((s) => s.durationP99Seconds) },
        ],
        xTitle: 'Skill',
        yTitle: 'Duration (seconds)',
        format: (v) => fmtNumber(v),
        summary: byDuration.map((s) => `${s.skillName}: p50 ${fmtSeconds(s.durationP50Seconds)}, p95 ${fmtSeconds(s.durationP95Seconds)}`).join('; ') + '.',
        empty: 'No completed invocations with a duration in this range.',
        drill: (i) => ({ label: `Skill ${byDuration[i].skillName} · completed`, request: rowsOf(ctx, { kind: 'skills', skill: byDuration[i].skillName, completed: true }) }),
      }),
      chart(ctx, {
        id: 'skills-errors',
        title: 'Top error types of unfinished invocations',
        unit: 'invocations',
        kind: 'horizontalBar',
        labels: d.topErrorTypes.map((e) => e.errorType),
        series: [{ label: 'Invocations', data: d.topErrorTypes.map((e) => e.count), colour: 'failure' }],
        xTitle: 'Error type',
        yTitle: 'Invocations',
        summary: d.topErrorTypes.map((e) => `${e.errorType}: ${fmtCount(e.count)}`).join('; ') + '.',
        empty: 'No error types recorded in this range.',
        drill: (i) => ({ label: `Error type ${d.topErrorTypes[i].errorType}`, request: rowsOf(ctx, { kind: 'skills', errorType: d.topErrorTypes[i].errorType }) }),
      }),
    ),
    tableCard({
      id: 'skills-table',
      title: 'Skills',
      rows: d.skills,
      empty: 'No skills.',
      columns: [
        { label: 'Skill', value: (s) => s.skillName },
        { label: 'Invocations', value: (s) => fmtCount(s.invocations), numeric: true },
        { label: 'Completed', value: (s) => fmtCount(s.completed), numeric: true },
        { label: 'Abandoned', value: (s) => fmtCount(s.abandoned), numeric: true },
        { label: 'Completion', value: (s) => fmtPercent(s.completionRatePercent), numeric: true },
        { label: 'Avg', value: (s) => fmtSeconds(s.durationAvgSeconds), numeric: true },
        { label: 'p50', value: (s) => fmtSeconds(s.durationP50Seconds), numeric: true },
        { label: 'p95', value: (s) => fmtSeconds(s.durationP95Seconds), numeric: true },
        { label: 'p99', value: (s) => fmtSeconds(s.durationP99Seconds), numeric: true },
        { label: 'Last invoked', value: (s) => fmtDateTime(s.lastInvokedAt) },
      ],
      onRow: (s) => ctx.drill({ label: `Skill ${s.skillName}`, request: rowsOf(ctx, { kind: 'skills', skill: s.skillName }) }),
      rowHint: 'Click a skill to list its invocations.',
    }),
    grid(
      tableCard({
        id: 'skills-workflows',
        title: 'Workflow paths',
        rows: d.workflowPaths,
        empty: 'No workflow paths recorded.',
        columns: [
          { label: 'Workflow path', value: (w) => label(w.workflowPath) },
          { label: 'Invocations', value: (w) => fmtCount(w.invocations), numeric: true },
          { label: 'Completed', value: (w) => fmtCount(w.completed), numeric: true },
        ],
        onRow: (w) => ctx.drill({ label: `Workflow ${label(w.workflowPath)}`, request: rowsOf(ctx, { kind: 'skills', workflow: w.workflowPath }) }),
      }),
      tableCard({
        id: 'skills-follow-ups',
        title: 'Follow-up actions',
        rows: d.followUpActions,
        empty: 'No follow-up actions recorded.',
        columns: [
          { label: 'Action', value: (a) => a.action },
          { label: 'Invocations', value: (a) => fmtCount(a.count), numeric: true },
        ],
      }),
      tableCard({
        id: 'skills-sessions',
        title: 'Sessions using skills',
        rows: d.sessions,
        empty: 'No invocations with a session id (newer skill writers record session_id).',
        columns: [
          { label: 'Session', value: (s) => s.sessionId },
          { label: 'Invocations', value: (s) => fmtCount(s.invocations), numeric: true },
          { label: 'Completed', value: (s) => fmtCount(s.completed), numeric: true },
          { label: 'Skills', value: (s) => fmtCount(s.distinctSkills), numeric: true },
          { label: 'Last', value: (s) => fmtDateTime(s.lastInvokedAt) },
        ],
        onRow: (s) => ctx.drill({ label: `Session ${s.sessionId}`, request: rowsOf(ctx, { kind: 'skills', session: s.sessionId }) }),
      }),
    ),
  );
  if (d.claudeCode) root.append(grid(skillCallsCard(d.claudeCode, ctx.rangeText)));
  return root;
}

function skillCallsCard(data: NonNullable<SkillsPayload['skills']['claudeCode']>, rangeText: string): HTMLElement {
  return reconciledCallsCard({ id: 'skills-claude-code', title: 'Skill calls (Claude Code transcripts and the skill tracker)', nameLabel: 'Skill', hookLabel: 'skill tracker', data, rangeText });
}
