import type { SqlDatabase as Database } from '../db/database';
import { MetricsQuery } from './context';
import { overallPercentiles, percentilesByDim } from './percentiles';
import { sourcePathSql } from './provenance';
import { SeriesBuckets } from './seriesBuckets';
import { HistogramMetric, rollup } from './specs';
import { num, numOrNull, percent, queryRows, ratio, strOrNull, tableExists } from '../db/queryHelpers';
import type { MetricsOptions, RecentFailure, SelfHealData, TimeRange } from './types';

function recentFailures(q: MetricsQuery): RecentFailure[] {
  const range = [q.from !== undefined ? `t.timestamp >= ${q.from}` : '', q.to !== undefined ? `t.timestamp < ${q.to}` : ''].filter(Boolean);
  const where = ['t.success = 0', ...range].join(' AND ');
  const pick = (table: string, kind: RecentFailure['kind'], errorKind: string, action: string, message: string) => {
    if (!tableExists(q.db, table)) return [];
    const src = sourcePathSql(q.db, 't');
    return queryRows(
      q.db,
      `SELECT t.id, t.timestamp AS at, t.${errorKind} AS error_kind, t.${action} AS action, t.${message} AS message,
              ${src.path} AS path, t.source_line AS line
       FROM ${table} AS t ${src.join} WHERE ${where} ORDER BY t.timestamp DESC, t.id DESC LIMIT 20`,
    ).map(
      (r): RecentFailure => ({
        kind,
        at: num(r.at),
        errorKind: String(r.error_kind),
        action: strOrNull(r.action),
        message: strOrNull(r.message),
        source: { table, id: num(r.id), path: strOrNull(r.path), line: numOrNull(r.line) },
      }),
    );
  };
  return [
    ...pick('self_heal_events', 'selfHeal', 'error_pattern', 'fix_applied', 'error_message'),
    ...pick('recovery_events', 'recovery', 'error_type', 'recovery_strategy', 'error_details'),
  ]
    .sort((a, b) => b.at - a.at || b.source.id - a.source.id)
    .slice(0, 20);
}

/** Self-heal and recovery outcomes. */
export function getSelfHeal(db: Database, range: TimeRange, options?: MetricsOptions): SelfHealData {
  const q = new MetricsQuery(db, range, options);
  const heal = q.rangeSource(rollup('rollup_self_heal_hour'));
  const rec = q.rangeSource(rollup('rollup_recovery_hour'));
  const series = new SeriesBuckets(q, options);
  const healHourly = series.source(rollup('rollup_self_heal_hour'));
  const recHourly = series.source(rollup('rollup_recovery_hour'));

  const h = queryRows<{ a: number; s: number; es: number; ec: number }>(
    db,
    `SELECT sum(attempts) AS a, sum(successes) AS s, total(execution_sum_ms) AS es, sum(execution_count) AS ec FROM ${heal}`,
  )[0];
  const r = queryRows<{ a: number; s: number; ts: number; tc: number; rs: number; rc: number }>(
    db,
    `SELECT sum(attempts) AS a, sum(successes) AS s, total(tries_sum) AS ts, sum(tries_count) AS tc,
            total(ttr_sum_ms) AS rs, sum(ttr_count) AS rc FROM ${rec}`,
  )[0];
  const execP = overallPercentiles(q, HistogramMetric.selfHealExecutionMs);
  const ttrP = overallPercentiles(q, HistogramMetric.recoveryTimeToRecoverMs);
  const ttrByType = percentilesByDim(q, HistogramMetric.recoveryTimeToRecoverMs, true);

  const healDays = new Map(
    queryRows<{ d: number; a: number; s: number }>(db, `SELECT ${series.keySql} AS d, sum(attempts) AS a, sum(successes) AS s FROM ${healHourly} GROUP BY d`).map(
      (x) => [num(x.d), x],
    ),
  );
  const recDays = new Map(
    queryRows<{ d: number; a: number; s: number }>(db, `SELECT ${series.keySql} AS d, sum(attempts) AS a, sum(successes) AS s FROM ${recHourly} GROUP BY d`).map(
      (x) => [num(x.d), x],
    ),
  );
  const dayNumbers = [...new Set([...healDays.keys(), ...recDays.keys()])].sort((a, b) => a - b);
  const perDay = dayNumbers.map((d) => {
    const hd = healDays.get(d);
    const rd = recDays.get(d);
    return {
      ...series.point(d),
      selfHealAttempts: num(hd?.a),
      selfHealSuccesses: num(hd?.s),
      selfHealSuccessRatePercent: percent(num(hd?.s), num(hd?.a)),
      recoveryAttempts: num(rd?.a),
      recoverySuccesses: num(rd?.s),
      recoverySuccessRatePercent: percent(num(rd?.s), num(rd?.a)),
    };
  });

  const byErrorPattern = queryRows<{ k: string; a: number; s: number; es: number; ec: number }>(
    db,
    `SELECT error_pattern AS k, sum(attempts) AS a, sum(successes) AS s, total(execution_sum_ms) AS es, sum(execution_count) AS ec
     FROM ${heal} GROUP BY error_pattern ORDER BY a DESC, k`,
  ).map((x) => ({
    errorPattern: String(x.k),
    attempts: num(x.a),
    successes: num(x.s),
    successRatePercent: percent(num(x.s), num(x.a)),
    executionAvgMs: ratio(x.es, x.ec),
  }));

  const byRecoveryCategory = queryRows<{ k: string; a: number; s: number; rs: number; rc: number }>(
    db,
    `SELECT error_type AS k, sum(attempts) AS a, sum(successes) AS s, total(ttr_sum_ms) AS rs, sum(ttr_count) AS rc
     FROM ${rec} GROUP BY error_type ORDER BY a DESC, k`,
  ).map((x) => ({
    errorType: String(x.k),
    attempts: num(x.a),
    successes: num(x.s),
    successRatePercent: percent(num(x.s), num(x.a)),
    timeToRecoverAvgMs: ratio(x.rs, x.rc),
    timeToRecoverP95Ms: ttrByType.get(x.k)?.p95 ?? null,
  }));

  const byRecoveryStrategy = queryRows<{ k: string | null; a: number; s: number }>(
    db,
    `SELECT recovery_strategy AS k, sum(attempts) AS a, sum(successes) AS s FROM ${rec} GROUP BY recovery_strategy ORDER BY a DESC, k`,
  ).map((x) => ({ strategy: x.k, attempts: num(x.a), successes: num(x.s), successRatePercent: percent(num(x.s), num(x.a)) }));

  const modes = new Map(
    queryRows<{ k: string; a: number; s: number }>(db, `SELECT mode AS k, sum(attempts) AS a, sum(successes) AS s FROM ${rec} GROUP BY mode`).map((x) => [
      x.k,
      x,
    ]),
  );
  const autoVsManual = (['auto', 'manual', 'unknown'] as const)
    .filter((m) => modes.has(m))
    .map((mode) => {
      const x = modes.get(mode)!;
      return { mode, attempts: num(x.a), successes: num(x.s), successRatePercent: percent(num(x.s), num(x.a)) };
    });

  return {
    range: q.resolvedRange,
    bucket: series.bucket,
    selfHeal: {
      attempts: num(h.a),
      successes: num(h.s),
      successRatePercent: percent(num(h.s), num(h.a)),
      executionAvgMs: ratio(h.es, h.ec),
      executionP95Ms: execP.p95,
    },
    recovery: {
      attempts: num(r.a),
      successes: num(r.s),
      successRatePercent: percent(num(r.s), num(r.a)),
      attemptsAvg: ratio(r.ts, r.tc),
      timeToRecoverAvgMs: ratio(r.rs, r.rc),
      timeToRecoverP50Ms: ttrP.p50,
      timeToRecoverP95Ms: ttrP.p95,
    },
    perDay,
    byErrorPattern,
    byRecoveryCategory,
    byRecoveryStrategy,
    autoVsManual,
    recentFailures: recentFailures(q),
  };
}
