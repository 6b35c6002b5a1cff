import type { SqlDatabase as Database } from '../db/database';
import { MetricsQuery } from './context';
import { overallPercentiles, percentilesByDim } from './percentiles';
import { SeriesBuckets } from './seriesBuckets';
import { HistogramMetric, rollup } from './specs';
import { num, numOrNull, percent, queryRows, ratio } from '../db/queryHelpers';
import type { MetricsOptions, SkillRow, SkillsData, TimeRange } from './types';

interface SkillAgg {
  skill_name: string | null;
  invocations: number;
  completed: number;
  duration_sum: number;
  duration_count: number;
  last_at: number | null;
}

function toSkillRow(r: SkillAgg, p: { p50: number | null; p95: number | null; p99: number | null } | undefined): Omit<SkillRow, 'skillName'> {
  return {
    invocations: num(r.invocations),
    completed: num(r.completed),
    abandoned: num(r.invocations) - num(r.completed),
    completionRatePercent: percent(num(r.completed), num(r.invocations)),
    durationAvgSeconds: ratio(r.duration_sum, r.duration_count),
    durationP50Seconds: p?.p50 ?? null,
    durationP95Seconds: p?.p95 ?? null,
    durationP99Seconds: p?.p99 ?? null,
    lastInvokedAt: numOrNull(r.last_at),
  };
}

const aggregates = `sum(invocations) AS invocations, sum(completed) AS completed, total(duration_sum_seconds) AS duration_sum,
  sum(duration_count) AS duration_count, max(last_invoked_at) AS last_at`;

/** Skill invocation metrics (skill_invocation via rollup_skill_* and the duration histogram). */
export function getSkills(db: Database, range: TimeRange, options?: MetricsOptions): SkillsData {
  const q = new MetricsQuery(db, range, options);
  const src = q.rangeSource(rollup('rollup_skill_hour'));
  const series = new SeriesBuckets(q, options);
  const hourly = series.source(rollup('rollup_skill_hour'));

  const totalsRow = queryRows<SkillAgg>(db, `SELECT NULL AS skill_name, ${aggregates} FROM ${src}`)[0];
  const perSkill = queryRows<SkillAgg>(db, `SELECT skill_name, ${aggregates} FROM ${src} GROUP BY skill_name ORDER BY invocations DESC, skill_name`);
  const skillPercentiles = percentilesByDim(q, HistogramMetric.skillDurationSeconds, true);

  const topErrorTypes = queryRows<{ error_type: string; n: number }>(
    db,
    `SELECT error_type, sum(invocations) AS n FROM ${src} WHERE error_type IS NOT NULL GROUP BY error_type ORDER BY n DESC, error_type LIMIT 20`,
  ).map((r) => ({ errorType: r.error_type, count: num(r.n) }));

  const workflowPaths = queryRows<{ workflow_path: string | null; invocations: number; completed: number }>(
    db,
    `SELECT workflow_path, sum(invocations) AS invocations, sum(completed) AS completed FROM ${src}
     GROUP BY workflow_path ORDER BY invocations DESC, workflow_path`,
  ).map((r) => ({ workflowPath: r.workflow_path, invocations: num(r.invocations), completed: num(r.completed) }));

  const followUpActions = queryRows<{ action: string; n: number }>(
    db,
    `SELECT action, sum(invocations) AS n FROM ${q.rangeSource(rollup('rollup_skill_followup_day'))}
     GROUP BY action ORDER BY n DESC, action LIMIT 50`,
  ).map((r) => ({ action: r.action, count: num(r.n) }));

  const timeline = queryRows<{ d: number; invocations: number; completed: number }>(
    db,
    `SELECT ${series.keySql} AS d, sum(invocations) AS invocations, sum(completed) AS completed FROM ${hourly} GROUP BY d ORDER BY d`,
  ).map((r) => ({
    ...series.point(r.d),
    invocations: num(r.invocations),
    completed: num(r.completed),
    abandoned: num(r.invocations) - num(r.completed),
  }));

  const sessions = queryRows<{ session_id: string; invocations: number; completed: number; skills: number; last_at: number }>(
    db,
    `SELECT session_id, sum(invocations) AS invocations, sum(completed) AS completed, count(DISTINCT skill_name) AS skills,
            max(last_invoked_at) AS last_at
     FROM ${q.rangeSource(rollup('rollup_skill_session_day'))}
     GROUP BY session_id ORDER BY invocations DESC, last_at DESC, session_id LIMIT 50`,
  ).map((r) => ({
    sessionId: r.session_id,
    invocations: num(r.invocations),
    completed: num(r.completed),
    distinctSkills: num(r.skills),
    lastInvokedAt: num(r.last_at),
  }));

  return {
    range: q.resolvedRange,
    bucket: series.bucket,
    totals: toSkillRow(totalsRow, overallPercentiles(q, HistogramMetric.skillDurationSeconds)),
    skills: perSkill.map((r) => ({ skillName: String(r.skill_name), ...toSkillRow(r, skillPercentiles.get(r.skill_name)) })),
    topErrorTypes,
    workflowPaths,
    followUpActions,
    timeline,
    sessions,
  };
}
