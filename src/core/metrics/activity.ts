import type { SqlDatabase as Database } from '../db/database';
import { MetricsQuery } from './context';
import { SeriesBuckets } from './seriesBuckets';
import { rollup } from './specs';
import { num, percent, queryRows, ratio } from '../db/queryHelpers';
import type { ActivityData, MetricsOptions, TimeRange } from './types';

/**
 * Tool calls, git activity, coordinator runs and activity events. Git: commits are events of
 * type 'commit'; additions/deletions/files sum over all git events (other types carry none).
 */
export function getActivity(db: Database, range: TimeRange, options?: MetricsOptions): ActivityData {
  const q = new MetricsQuery(db, range, options);
  const series = new SeriesBuckets(q, options);
  const tools = q.rangeSource(rollup('rollup_tool_hour'));
  const git = q.rangeSource(rollup('rollup_git_hour'));
  const coord = q.rangeSource(rollup('rollup_coordinator_hour'));

  const toolRows = queryRows<{ tool: string; calls: number; s: number; f: number }>(
    db,
    `SELECT tool, sum(calls) AS calls, sum(successes) AS s, sum(failures) AS f FROM ${tools} GROUP BY tool ORDER BY calls DESC, tool`,
  ).map((r) => ({
    tool: String(r.tool),
    calls: num(r.calls),
    successes: num(r.s),
    failures: num(r.f),
    successRatePercent: percent(num(r.s), num(r.s) + num(r.f)),
  }));

  const toolCallsPerDay = queryRows<{ d: number; tool: string; calls: number; s: number; f: number }>(
    db,
    `SELECT ${series.keySql} AS d, tool, sum(calls) AS calls, sum(successes) AS s, sum(failures) AS f FROM ${series.source(rollup('rollup_tool_hour'))}
     GROUP BY d, tool ORDER BY d, calls DESC, tool`,
  ).map((r) => ({ ...series.point(r.d), tool: String(r.tool), calls: num(r.calls), successes: num(r.s), failures: num(r.f) }));

  const gitSums = `sum(CASE WHEN event_type = 'commit' THEN events ELSE 0 END) AS commits, sum(additions) AS additions,
    sum(deletions) AS deletions, sum(files_changed) AS files`;
  const gitByRepo = queryRows<{ repo: string | null; commits: number; additions: number; deletions: number; files: number }>(
    db,
    `SELECT repo, ${gitSums} FROM ${git} GROUP BY repo ORDER BY commits DESC, repo`,
  ).map((r) => ({ repo: r.repo, commits: num(r.commits), additions: num(r.additions), deletions: num(r.deletions), filesChanged: num(r.files) }));
  const gitPerDay = queryRows<{ d: number; repo: string | null; commits: number; additions: number; deletions: number }>(
    db,
    `SELECT ${series.keySql} AS d, repo, ${gitSums} FROM ${series.source(rollup('rollup_git_hour'))} GROUP BY d, repo ORDER BY d, repo`,
  ).map((r) => ({ ...series.point(r.d), repo: r.repo, commits: num(r.commits), additions: num(r.additions), deletions: num(r.deletions) }));

  const byDim = (dim: string) =>
    queryRows<{ k: string | null; runs: number; ds: number; dc: number }>(
      db,
      `SELECT ${dim} AS k, sum(runs) AS runs, total(duration_sum_ms) AS ds, sum(duration_count) AS dc FROM ${coord}
       GROUP BY ${dim} ORDER BY runs DESC, k`,
    );
  const byStatus = byDim('action').map((r) => ({ status: String(r.k), runs: num(r.runs), durationAvgMs: ratio(r.ds, r.dc) }));
  const byStrategy = byDim('strategy').map((r) => ({ strategy: r.k, runs: num(r.runs), durationAvgMs: ratio(r.ds, r.dc) }));
  const coordPerDay = queryRows<{ d: number; n: number }>(db, `SELECT ${series.keySql} AS d, sum(runs) AS n FROM ${series.source(rollup('rollup_coordinator_hour'))} GROUP BY d ORDER BY d`).map(
    (r) => ({ ...series.point(r.d), count: num(r.n) }),
  );

  const activityEvents = queryRows<{ k: string; n: number }>(
    db,
    `SELECT event_type AS k, sum(events) AS n FROM ${q.rangeSource(rollup('rollup_activity_hour'))} GROUP BY event_type ORDER BY n DESC, k`,
  ).map((r) => ({ eventType: String(r.k), count: num(r.n) }));

  return {
    range: q.resolvedRange,
    bucket: series.bucket,
    tools: toolRows,
    toolCallsPerDay,
    gitByRepo,
    gitPerDay,
    coordinator: {
      runs: byStatus.reduce((s, r) => s + r.runs, 0),
      byStatus,
      byStrategy,
      perDay: coordPerDay,
    },
    activityEvents,
  };
}
