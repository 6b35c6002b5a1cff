/**
 * What the Metrics tree shows, computed from one database snapshot. No vscode import: the
 * provider maps these nodes to TreeItems, and tests check labels on a real database.
 *
 * contextValue tokens (package.json menus match them with `viewItem =~ /\bTOKEN\b/`):
 *   dashboard  node opens a dashboard tab (node.dashboardSection)
 *   export     node's data can be exported as CSV/JSON (node.exportData)
 *   rows       node stands for rows of one event table (node.rows)
 *   section / source / skill / model / selfHealPattern / recoveryCategory / migration  node kind
 */
import type { SqlDatabase as Database } from '../../core/db/database';
import type { DashboardSection, DataSourceRow, FreshnessStatus, MetricsOptions, TableRowsRequest, TimeRange } from '../../core/metrics';
import { readMetricsTreeData, type MetricsTreeData } from '../../core/dashboard/metricsTreeData';
import type { CleanupRisk, PriceTable, UsagePeriod } from '../../core/claudeCode';
import { ageText, count, isoText, millisecondsText, percentText, plural, secondsText } from './format';

/** The rows a node stands for (Show Rows lists them with listTableRows). */
export type NodeRows = Pick<TableRowsRequest, 'table' | 'filters'>;

export interface ExportData {
  /** File name stem, e.g. 'skills'. */
  name: string;
  /** Flat rows for CSV. */
  rows: Record<string, unknown>[];
  /** The full dataset for JSON. */
  json: unknown;
}

export interface MetricsNode {
  /** Stable across refreshes (keeps expansion state). */
  id: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  /** Spoken by screen readers instead of label + description. */
  accessibleLabel?: string;
  icon?: { codicon: string; color?: string };
  freshness?: FreshnessStatus;
  contextValue: string;
  dashboardSection?: DashboardSection;
  rows?: NodeRows;
  exportData?: ExportData;
  children?: MetricsNode[];
  /** Expanded on first show. */
  expanded?: boolean;
}

export interface TreeBuildOptions extends MetricsOptions {
  /** Range for skills/routing/self-heal (data sources are always about now). Default all time. */
  range?: TimeRange;
  /** Folder of user migrations (telemetryLens.migrationsFolder). */
  migrationsDir?: string;
  /** Claude Code usage line: prices, and transcripts its cleanup would delete before they are imported. */
  claudeCode?: { prices?: PriceTable; cleanup?: CleanupRisk | null };
}

/** Codicon + theme colour per freshness status. */
export const FRESHNESS_ICON: Record<FreshnessStatus, { codicon: string; color?: string }> = {
  live: { codicon: 'circle-filled', color: 'testing.iconPassed' },
  stale: { codicon: 'circle-filled', color: 'list.warningForeground' },
  frozen: { codicon: 'circle-outline', color: 'disabledForeground' },
  empty: { codicon: 'circle-slash', color: 'disabledForeground' },
};

export const SECTION_LABELS = {
  sources: 'Data sources',
  skills: 'Skills',
  routing: 'Routing',
  selfHeal: 'Self-heal & Recovery',
  migrations: 'Migrations',
} as const;

const tokens = (...t: (string | false | undefined)[]) => t.filter(Boolean).join(' ');

function sourceNode(s: DataSourceRow): MetricsNode {
  const last = s.lastEventAt === null ? 'no events' : `last ${ageText(s.ageSeconds)}`;
  return {
    id: `source:${s.table}`,
    label: s.table,
    description: `${plural(s.rows, 'row')} · ${s.status} · ${last}${s.writerModeText ? ` · ${s.writerModeText}` : ''}`,
    accessibleLabel: `${s.table}, ${plural(s.rows, 'row')}, ${s.status}, ${last}${s.writerModeText ? `, ${s.writerModeText}` : ''}`,
    tooltip: [
      `**${s.table}**${s.knownFormat ? '' : ' (inferred from an unknown JSONL file)'}`,
      '',
      `Rows: ${count(s.rows)}  `,
      `First event: ${isoText(s.firstEventAt)}  `,
      `Last event: ${isoText(s.lastEventAt)}  `,
      `Status: **${s.status}**${s.writerModeText ? `  \nWriter: **${s.writerModeText}**` : ''}`,
    ].join('\n'),
    icon: FRESHNESS_ICON[s.status],
    freshness: s.status,
    contextValue: tokens('source', 'rows', 'export'),
    rows: { table: s.table },
    exportData: { name: s.table, rows: [{ ...s }], json: s },
  };
}

/** Builds the whole tree (all sections) from a snapshot, here (tests; the extension reads the data in the data worker). */
export function buildMetricsTree(db: Database, options: TreeBuildOptions = {}): MetricsNode[] {
  const data = readMetricsTreeData(db, { ...options, prices: options.claudeCode?.prices });
  return metricsTreeFromData({ ...data, cleanup: options.claudeCode?.cleanup ?? null });
}

/** The tree's nodes from its data (readMetricsTreeData, in the data worker or here). */
export function metricsTreeFromData(data: MetricsTreeData): MetricsNode[] {
  const { sources, skills, routing, migrations } = data;
  const heal = data.selfHeal;
  const t = sources.thresholds;

  const sourcesNode: MetricsNode = {
    id: 'section:sources',
    label: SECTION_LABELS.sources,
    // compact for a narrow sidebar; the full sentence is in the tooltip and on the dashboard
    description:
      sources.summary.total === 0
        ? 'no telemetry tables yet'
        : `${sources.summary.live} of ${sources.summary.total} live, ${sources.summary.stale} stale, ${sources.summary.frozen} frozen${sources.summary.empty ? `, ${sources.summary.empty} empty` : ''}`,
    tooltip: `${sources.summary.text}.\n\nLive: last event within ${secondsText(t.liveWithinSeconds)}; stale: within ${secondsText(t.staleWithinSeconds)}; frozen: older (settings \`telemetryLens.freshness.*\`).`,
    icon: { codicon: 'database' },
    contextValue: tokens('section', 'dashboard', 'export'),
    dashboardSection: 'sources',
    exportData: { name: 'data-sources', rows: sources.sources.map((s) => ({ ...s })), json: sources },
    children: sources.sources.map(sourceNode),
    expanded: true,
  };

  const tot = skills.totals;
  const skillsNode: MetricsNode = {
    id: 'section:skills',
    label: SECTION_LABELS.skills,
    description:
      tot.invocations === 0
        ? 'no invocations'
        : `${percentText(tot.completionRatePercent)} completed · p95 ${secondsText(tot.durationP95Seconds)} · ${plural(tot.invocations, 'run')}`,
    tooltip: `Skill invocations: ${count(tot.invocations)}, completed ${count(tot.completed)}, abandoned ${count(tot.abandoned)}.\n\nDuration p50 ${secondsText(tot.durationP50Seconds)}, p95 ${secondsText(tot.durationP95Seconds)}, p99 ${secondsText(tot.durationP99Seconds)} (completed runs).`,
    icon: { codicon: 'tools' },
    contextValue: tokens('section', 'dashboard', 'export', 'rows'),
    dashboardSection: 'skills',
    rows: { table: 'skill_invocation' },
    exportData: { name: 'skills', rows: skills.skills.map((s) => ({ ...s })), json: skills },
    children: skills.skills.map((s) => ({
      id: `skill:${s.skillName}`,
      label: s.skillName,
      description: `${percentText(s.completionRatePercent)} completed · p95 ${secondsText(s.durationP95Seconds)} · ${plural(s.invocations, 'run')}`,
      tooltip: `**${s.skillName}**\n\nInvocations ${count(s.invocations)}: completed ${count(s.completed)}, abandoned ${count(s.abandoned)}  \nDuration avg ${secondsText(s.durationAvgSeconds)}, p50 ${secondsText(s.durationP50Seconds)}, p95 ${secondsText(s.durationP95Seconds)}, p99 ${secondsText(s.durationP99Seconds)}  \nLast run ${isoText(s.lastInvokedAt)}`,
      icon: { codicon: 'symbol-event' },
      contextValue: tokens('skill', 'dashboard', 'export', 'rows'),
      dashboardSection: 'skills' as const,
      rows: { table: 'skill_invocation', filters: { skill_name: s.skillName } },
      exportData: { name: `skill-${s.skillName}`, rows: [{ ...s }], json: s },
    })),
  };

  const rt = routing.totals;
  const routingNode: MetricsNode = {
    id: 'section:routing',
    label: SECTION_LABELS.routing,
    description: rt.decisions === 0 ? 'no decisions' : `${percentText(rt.accuracyPercent)} accurate · ${plural(rt.decisions, 'decision')}`,
    tooltip: `Routing decisions ${count(rt.decisions)}, evaluated ${count(rt.evaluated)}, correct ${count(rt.correct)}.\n\nLatency p50 ${millisecondsText(rt.latencyP50Ms)}, p95 ${millisecondsText(rt.latencyP95Ms)}; cost saved $${rt.costSavedUsd.toFixed(2)}.`,
    icon: { codicon: 'git-compare' },
    contextValue: tokens('section', 'dashboard', 'export', 'rows'),
    dashboardSection: 'routing',
    rows: { table: 'routing_metrics_events' },
    exportData: { name: 'routing', rows: routing.perModel.map((m) => ({ ...m })), json: routing },
    children: routing.perModel.map((m) => ({
      id: `model:${m.model}`,
      label: m.model,
      description: `${percentText(m.accuracyPercent)} accurate · ${plural(m.decisions, 'decision')}`,
      tooltip: `**${m.model}** (predicted)\n\nDecisions ${count(m.decisions)}, evaluated ${count(m.evaluated)}, correct ${count(m.correct)}  \nLatency p95 ${millisecondsText(m.latencyP95Ms)}`,
      icon: { codicon: 'hubot' },
      contextValue: tokens('model', 'dashboard', 'export', 'rows'),
      dashboardSection: 'routing' as const,
      rows: { table: 'routing_metrics_events', filters: { predicted_model: m.model } },
      exportData: { name: `routing-${m.model}`, rows: [{ ...m }], json: m },
    })),
  };

  const sh = heal.selfHeal;
  const rc = heal.recovery;
  const healNode: MetricsNode = {
    id: 'section:selfHeal',
    label: SECTION_LABELS.selfHeal,
    description: `self-heal ${percentText(sh.successRatePercent)} · recovery ${percentText(rc.successRatePercent)}`,
    tooltip: `Self-heal: ${count(sh.successes)} of ${count(sh.attempts)} succeeded.  \nRecovery: ${count(rc.successes)} of ${count(rc.attempts)} succeeded; time to recover p50 ${millisecondsText(rc.timeToRecoverP50Ms)}, p95 ${millisecondsText(rc.timeToRecoverP95Ms)}.`,
    icon: { codicon: 'heart' },
    contextValue: tokens('section', 'dashboard', 'export'),
    dashboardSection: 'selfHeal',
    exportData: { name: 'self-heal', rows: [...heal.byErrorPattern.map((p) => ({ kind: 'self-heal', ...p })), ...heal.byRecoveryCategory.map((c) => ({ kind: 'recovery', ...c }))], json: heal },
    children: [
      {
        id: 'selfHeal',
        label: 'Self-heal',
        description: `${percentText(sh.successRatePercent)} success · ${plural(sh.attempts, 'attempt')}`,
        icon: { codicon: 'wand' },
        contextValue: tokens('selfHealTotal', 'dashboard', 'rows', 'export'),
        dashboardSection: 'selfHeal' as const,
        rows: { table: 'self_heal_events' },
        exportData: { name: 'self-heal-patterns', rows: heal.byErrorPattern.map((p) => ({ ...p })), json: heal.byErrorPattern },
        children: heal.byErrorPattern.map((p) => ({
          id: `selfHeal:${p.errorPattern}`,
          label: p.errorPattern,
          description: `${percentText(p.successRatePercent)} success · ${plural(p.attempts, 'attempt')}`,
          contextValue: tokens('selfHealPattern', 'dashboard', 'rows', 'export'),
          dashboardSection: 'selfHeal' as const,
          rows: { table: 'self_heal_events', filters: { error_pattern: p.errorPattern } },
          exportData: { name: `self-heal-${p.errorPattern}`, rows: [{ ...p }], json: p },
        })),
      },
      {
        id: 'recovery',
        label: 'Recovery',
        description: `${percentText(rc.successRatePercent)} success · ${plural(rc.attempts, 'attempt')}`,
        icon: { codicon: 'debug-restart' },
        contextValue: tokens('recoveryTotal', 'dashboard', 'rows', 'export'),
        dashboardSection: 'selfHeal' as const,
        rows: { table: 'recovery_events' },
        exportData: { name: 'recovery-categories', rows: heal.byRecoveryCategory.map((c) => ({ ...c })), json: heal.byRecoveryCategory },
        children: heal.byRecoveryCategory.map((c) => ({
          id: `recovery:${c.errorType}`,
          label: c.errorType,
          description: `${percentText(c.successRatePercent)} success · ${plural(c.attempts, 'attempt')}`,
          contextValue: tokens('recoveryCategory', 'dashboard', 'rows', 'export'),
          dashboardSection: 'selfHeal' as const,
          rows: { table: 'recovery_events', filters: { error_type: c.errorType } },
          exportData: { name: `recovery-${c.errorType}`, rows: [{ ...c }], json: c },
        })),
      },
    ],
  };

  const applied = migrations.filter((m) => m.state === 'applied').length;
  const pending = migrations.filter((m) => m.state === 'pending').length;
  const troubled = migrations.filter((m) => m.state === 'failed' || m.state === 'changed' || m.state === 'missing').length;
  const migrationsNode: MetricsNode = {
    id: 'section:migrations',
    label: SECTION_LABELS.migrations,
    description: `${applied} applied, ${pending} pending${troubled ? `, ${troubled} need attention` : ''}`,
    icon: { codicon: troubled ? 'warning' : pending ? 'arrow-circle-up' : 'versions', color: troubled ? 'list.warningForeground' : undefined },
    contextValue: tokens('section', 'migrations', 'export', pending > 0 && 'pending'),
    exportData: { name: 'migrations', rows: migrations.map((m) => ({ ...m })), json: migrations },
    children: migrations.map((m) => ({
      id: `migration:${m.version}`,
      label: m.name,
      description: m.state + (m.appliedAt ? ` · ${m.appliedAt}` : ''),
      icon: { codicon: m.state === 'applied' ? 'pass' : m.state === 'pending' ? 'circle-large-outline' : 'warning' },
      contextValue: tokens('migration', m.state),
    })),
  };

  const usage = claudeUsageNode(data);
  return usage ? [sourcesNode, usage, skillsNode, routingNode, healNode, migrationsNode] : [sourcesNode, skillsNode, routingNode, healNode, migrationsNode];
}

function usdText(p: UsagePeriod): string {
  if (p.cost === null) return 'no price';
  return `$${p.cost.toFixed(2)}${p.unpricedModels.length ? ' + no price' : ''}`;
}

/** "Usage: today $…, this month $…" (Claude Code), shown once transcripts were imported or are at risk. */
export function claudeUsageNode(data: Pick<MetricsTreeData, 'usage' | 'usageTimeZone' | 'cleanup'>): MetricsNode | null {
  const tz = data.usageTimeZone;
  const summary = data.usage;
  const cleanup = data.cleanup;
  const risk = cleanup && cleanup.atRisk.length ? cleanup : null;
  if (!summary && !risk) return null;
  const children: MetricsNode[] = [];
  if (risk) {
    children.push({
      id: 'usage:cleanup',
      label: `${plural(risk.atRisk.length, 'transcript')} not imported yet`,
      description: `Claude Code deletes transcripts after ${risk.cleanupPeriodDays} days`,
      tooltip: `Claude Code's cleanupPeriodDays (${risk.settingsFile ?? 'default'}: ${risk.cleanupPeriodDays}) deletes these within ${risk.withinDays} days; run Migrate JSONL to keep their history.\n\n${risk.atRisk.slice(0, 10).join('\n')}`,
      icon: { codicon: 'warning', color: 'list.warningForeground' },
      contextValue: 'usageCleanup',
    });
  }
  if (summary?.activeBlock) {
    const b = summary.activeBlock;
    children.push({
      id: 'usage:block',
      label: '5-hour block',
      description: `${count(b.totalTokens)} tokens, ${b.costUSD === null ? 'no price' : `$${b.costUSD.toFixed(2)}`}${b.projection ? ` → ~${count(b.projection.totalTokens)} (estimate)` : ''}`,
      icon: { codicon: 'clock' },
      contextValue: 'usageBlock',
    });
  }
  return {
    id: 'section:usage',
    label: 'Usage',
    description: summary ? `today ${usdText(summary.today)}, this month ${usdText(summary.month)}` : 'nothing imported yet',
    tooltip: summary
      ? `Claude Code usage (${tz}): today ${count(summary.today.tokens)} tokens, ${usdText(summary.today)}; this month ${count(summary.month.tokens)} tokens, ${usdText(summary.month)}.${summary.month.unpricedModels.length ? `\n\nNo price for: ${summary.month.unpricedModels.join(', ')}` : ''}`
      : undefined,
    icon: risk ? { codicon: 'warning', color: 'list.warningForeground' } : { codicon: 'credit-card' },
    contextValue: tokens('section'),
    // "Open in Dashboard" opens the Usage tab
    dashboardSection: 'usage',
    children,
    expanded: children.length > 0,
  };
}
