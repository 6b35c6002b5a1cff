import type { DataSourceRow, TabPayload } from '../../src/protocol';
import { h } from '../dom';
import { fmtAgo, fmtCount, fmtDate, fmtDateTime, fmtPercent, fmtSeconds, fmtMs, fmtSpan, fmtUsd } from '../format';
import { emptyState, grid, kpi, kpiRow, tableCard } from '../widgets';
import { chart, type TabContext } from './tabContext';
import { timeAxis } from './timeAxis';

type OverviewPayload = Extract<TabPayload, { tab: 'overview' }>;

const STATUS_TEXT: Record<DataSourceRow['status'], string> = { live: '● live', stale: '◐ stale', frozen: '○ frozen', empty: '– empty' };

export function renderOverview(p: OverviewPayload, ctx: TabContext): HTMLElement {
  const o = p.overview;
  const s = p.sources;
  const root = h('div', { class: 'tab-body' });
  const anyRows = s.sources.some((src) => src.rows > 0);
  if (!anyRows) {
    root.append(
      emptyState(
        'overview',
        'No telemetry in this database yet.',
        ctx.mode === 'live'
          ? 'Run “Telemetry: Migrate JSONL” to import your agent’s JSONL logs (routing-metrics.jsonl, self-heal-outcomes.jsonl, skill_metrics.json, …). New lines are picked up automatically after that.'
          : 'Import your JSONL logs with “telemetry-lens migrate --db <db> <folder>”, then export the report again.',
      ),
      sourcesCard(p, ctx),
    );
    return root;
  }
  if (o.totalEvents === 0) {
    const newest = Math.max(...s.sources.map((src) => src.lastEventAt ?? 0));
    root.append(emptyState('overview-range', `No events ${ctx.rangeText}.`, `The newest event is from ${fmtDateTime(newest)} (${fmtAgo(newest, s.nowSeconds * 1000)}). Choose a longer time range.`));
  }

  root.append(
    kpiRow(
      kpi('events', 'Events', fmtCount(o.totalEvents), ctx.rangeText),
      kpi('skill-completion', 'Skill completion', fmtPercent(o.skills.completionRatePercent), `${fmtCount(o.skills.completed)} of ${fmtCount(o.skills.invocations)} invocations · p95 ${fmtSeconds(o.skills.durationP95Seconds)}`),
      kpi('routing-accuracy', 'Routing accuracy', fmtPercent(o.routing.accuracyPercent), `${fmtCount(o.routing.correct)} of ${fmtCount(o.routing.evaluated)} evaluated · p95 ${fmtMs(o.routing.latencyP95Ms)}`),
      kpi('cost-saved', 'Cost saved by routing', fmtUsd(o.routing.costSavedUsd), `${fmtCount(o.routing.decisions)} decisions`),
      kpi('self-heal', 'Self-heal success', fmtPercent(o.selfHeal.successRatePercent), `${fmtCount(o.selfHeal.successes)} of ${fmtCount(o.selfHeal.attempts)} attempts`),
      kpi('recovery', 'Recovery success', fmtPercent(o.recovery.successRatePercent), `${fmtCount(o.recovery.successes)} of ${fmtCount(o.recovery.attempts)} attempts`),
      kpi('tools', 'Tool call success', fmtPercent(o.tools.successRatePercent), `${fmtCount(o.tools.calls)} calls`),
      kpi('sessions', 'Session quality', o.sessions.avgQuality === null ? '—' : o.sessions.avgQuality.toFixed(2), `${fmtCount(o.sessions.analyses)} analyses · ${fmtPercent(o.sessions.successRatePercent)} successful`),
    ),
  );

  const days = o.eventsPerDay;
  const axis = timeAxis(ctx, o.bucket, [days]);
  const busiest = days.reduce((m, d) => (d.count > m.count ? d : m), days[0] ?? { day: '', count: 0 });
  const busiestLabel = days.length ? axis.labels[axis.slotOf(busiest)] : '';
  root.append(
    grid(
      chart(ctx, {
        id: 'overview-events-per-day',
        title: `Events ${axis.per}`,
        unit: 'events',
        kind: 'bar',
        labels: axis.labels,
        ticks: axis.ticks,
        tickHours: axis.tickHours,
        series: [{ label: 'Events (all tables)', data: axis.values(days, (d) => d.count) }],
        xTitle: axis.title,
        yTitle: 'Events',
        summary: days.length
          ? `${fmtCount(o.totalEvents)} events ${axis.spanText(days.length)}; busiest ${axis.bucket} ${busiestLabel} with ${fmtCount(busiest.count)}.`
          : 'No events.',
        empty: `No events ${ctx.rangeText}.`,
      }),
      sourcesCard(p, ctx),
    ),
  );
  return root;
}

function sourcesCard(p: OverviewPayload, ctx: TabContext): HTMLElement {
  const s = p.sources;
  return tableCard({
    id: 'overview-sources',
    title: `Data sources — ${s.summary.text}`,
    rows: s.sources,
    empty: 'No event tables yet. Run “Telemetry: Migrate JSONL” first.',
    columns: [
      { label: 'Table', value: (r) => r.table + (r.knownFormat ? '' : ' (inferred)') },
      { label: 'Status', value: (r) => STATUS_TEXT[r.status], cellClass: (r) => `status-${r.status}` },
      { label: 'Writer', value: (r) => r.writerModeText ?? '—' },
      { label: 'Rows', value: (r) => fmtCount(r.rows), numeric: true },
      { label: 'First event', value: (r) => (r.firstEventAt === null ? '—' : fmtDate(r.firstEventAt)) },
      { label: 'Last event', value: (r) => (r.lastEventAt === null ? '—' : fmtAgo(r.lastEventAt, s.nowSeconds * 1000)) },
    ],
    onRow: (r) => ctx.drill({ label: `${r.table} · newest rows`, request: { target: { kind: 'keyed', key: r.drillKey }, range: {} } }),
    rowHint: `Click a source to list its newest rows. Live = last event within ${fmtSpan(s.thresholds.liveWithinSeconds)}, stale = within ${fmtSpan(s.thresholds.staleWithinSeconds)}, frozen = older.`,
  });
}
