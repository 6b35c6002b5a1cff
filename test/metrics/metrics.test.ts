import { describe, test } from 'node:test';
import {
  getActivity,
  getDataSources,
  getOverview,
  getRouting,
  getSelfHeal,
  getSessions,
  getSkills,
} from '../../src/core/metrics';
import { at, D0, fixtureDatabase, NOW } from './fixture';
import { assertClose } from './helpers';

// Every expectation below is worked out by hand from the rows in fixture.ts.
const UTC = { timeZone: 'UTC', nowSeconds: NOW };
const ALL = {};
const day = (d: number) => new Date((D0 + d * 86400) * 1000).toISOString().slice(0, 10);

describe('metrics on the hand-checked fixture (all time, UTC days)', async () => {
  const db = await fixtureDatabase();

  test('skills: per skill counts, rates, avg and nearest-rank percentiles', () => {
    const s = getSkills(db, ALL, UTC);
    assertClose(s.totals, {
      invocations: 8,
      completed: 5,
      abandoned: 3,
      completionRatePercent: 62.5,
      durationAvgSeconds: 21, // (10+20+30+40+5)/5
      durationP50Seconds: 20, // sorted 5,10,20,30,40: rank ceil(2.5)=3
      durationP95Seconds: 40, // rank ceil(4.75)=5
      durationP99Seconds: 40,
    });
    assertClose(s.skills, [
      { skillName: 'deploy', invocations: 5, completed: 4, abandoned: 1, completionRatePercent: 80, durationAvgSeconds: 25,
        durationP50Seconds: 20, durationP95Seconds: 40, durationP99Seconds: 40, lastInvokedAt: at(1, 11) },
      { skillName: 'review', invocations: 3, completed: 1, abandoned: 2, completionRatePercent: 100 / 3, durationAvgSeconds: 5,
        durationP50Seconds: 5, durationP95Seconds: 5, durationP99Seconds: 5, lastInvokedAt: at(2, 3) },
    ]);
    assertClose(s.topErrorTypes, [{ errorType: 'timeout', count: 2 }, { errorType: 'crash', count: 1 }]);
    assertClose(s.workflowPaths, [
      { workflowPath: 'daily', invocations: 4, completed: 3 },
      { workflowPath: null, invocations: 3, completed: 1 },
      { workflowPath: 'hotfix', invocations: 1, completed: 1 },
    ]);
    assertClose(s.followUpActions, [{ action: 'git commit', count: 3 }, { action: 'git push', count: 1 }]);
    assertClose(s.timeline, [
      { day: day(0), invocations: 3, completed: 3, abandoned: 0 },
      { day: day(1), invocations: 4, completed: 2, abandoned: 2 },
      { day: day(2), invocations: 1, completed: 0, abandoned: 1 },
    ]);
    assertClose(s.sessions, [
      { sessionId: 's2', invocations: 3, completed: 1, distinctSkills: 2, lastInvokedAt: at(1, 13) },
      { sessionId: 's1', invocations: 3, completed: 3, distinctSkills: 2, lastInvokedAt: at(0, 12) },
    ]);
  });

  test('routing: accuracy, confusion matrix, dq distribution, cost, latency percentiles, expertise', () => {
    const r = getRouting(db, ALL, UTC);
    assertClose(r.totals, {
      decisions: 7,
      evaluated: 5,
      correct: 3,
      accuracyPercent: 60,
      dqAvg: 3.65 / 6,
      costSavedUsd: 0.08,
      latencyAvgMs: 215 / 6,
      latencyP50Ms: 20, // 10,15,20,30,40,100: rank 3
      latencyP95Ms: 100, // rank ceil(5.7)=6
      latencyP99Ms: 100,
    });
    assertClose(r.perModel, [
      { model: 'haiku', decisions: 3, evaluated: 2, correct: 1, accuracyPercent: 50, dqAvg: 0.575, latencyP95Ms: 20, costSavedUsd: 0.01 },
      { model: 'sonnet', decisions: 3, evaluated: 2, correct: 1, accuracyPercent: 50, dqAvg: 0.5, latencyP95Ms: 40, costSavedUsd: 0.02 },
      { model: 'opus', decisions: 1, evaluated: 1, correct: 1, accuracyPercent: 100, dqAvg: 1, latencyP95Ms: 100, costSavedUsd: 0.05 },
    ]);
    assertClose(r.perDay, [
      { day: day(0), decisions: 2, evaluated: 2, correct: 1, accuracyPercent: 50 },
      { day: day(1), decisions: 3, evaluated: 3, correct: 2, accuracyPercent: 200 / 3 },
      { day: day(2), decisions: 2, evaluated: 0, correct: 0, accuracyPercent: null },
    ]);
    assertClose(r.confusion, {
      models: ['haiku', 'opus', 'sonnet'],
      counts: [
        [1, 0, 1], // predicted haiku: actual haiku 1, sonnet 1
        [0, 1, 0], // predicted opus: actual opus
        [0, 1, 1], // predicted sonnet: actual opus 1, sonnet 1
      ],
    });
    assertClose(
      r.dqDistribution.map((b) => b.count),
      [1, 0, 0, 1, 0, 1, 0, 0, 1, 2], // 0.05 | 0.35 | 0.55 | 0.8 | 0.9, 1.0
    );
    assertClose(r.dqDistribution[9], { fromScore: 0.9, toScore: 1 });
    assertClose(r.costSavedPerDay, [
      { day: day(0), costSavedUsd: 0.01, cumulativeCostSavedUsd: 0.01 },
      { day: day(1), costSavedUsd: 0.07, cumulativeCostSavedUsd: 0.08 },
      { day: day(2), costSavedUsd: 0, cumulativeCostSavedUsd: 0.08 },
    ]);
    assertClose(r.expertiseDomains, [
      { domain: 'database', routings: 3, expertiseLevelAvg: 0.7, queryComplexityAvg: 0.3,
        chosenModels: [{ model: 'sonnet', count: 2 }, { model: 'opus', count: 1 }] },
      { domain: 'frontend', routings: 1, expertiseLevelAvg: 0.5, queryComplexityAvg: 0.5, chosenModels: [{ model: 'haiku', count: 1 }] },
    ]);
  });

  test('self-heal & recovery: rates per day and category, time to recover, auto vs manual, recent failures', () => {
    const h = getSelfHeal(db, ALL, UTC);
    assertClose(h.selfHeal, { attempts: 4, successes: 3, successRatePercent: 75, executionAvgMs: 150, executionP95Ms: 300 });
    assertClose(h.recovery, {
      attempts: 4,
      successes: 3,
      successRatePercent: 75,
      attemptsAvg: 1.75,
      timeToRecoverAvgMs: 2000,
      timeToRecoverP50Ms: 2000,
      timeToRecoverP95Ms: 3000,
    });
    assertClose(h.perDay, [
      { day: day(0), selfHealAttempts: 2, selfHealSuccesses: 1, selfHealSuccessRatePercent: 50, recoveryAttempts: 2, recoverySuccesses: 1, recoverySuccessRatePercent: 50, selfHealExecutionAvgMs: 200, recoveryTimeToRecoverAvgMs: 1000 },
      { day: day(1), selfHealAttempts: 2, selfHealSuccesses: 2, selfHealSuccessRatePercent: 100, recoveryAttempts: 1, recoverySuccesses: 1, recoverySuccessRatePercent: 100, selfHealExecutionAvgMs: 50, recoveryTimeToRecoverAvgMs: 3000 },
      { day: day(2), selfHealAttempts: 0, selfHealSuccesses: 0, selfHealSuccessRatePercent: null, recoveryAttempts: 1, recoverySuccesses: 1, recoverySuccessRatePercent: 100, selfHealExecutionAvgMs: null, recoveryTimeToRecoverAvgMs: 2000 },
    ]);
    assertClose(h.byErrorPattern, [
      { errorPattern: 'npm-lock', attempts: 3, successes: 2, successRatePercent: 200 / 3, executionAvgMs: 200 },
      { errorPattern: 'port-in-use', attempts: 1, successes: 1, successRatePercent: 100, executionAvgMs: 50 },
    ]);
    assertClose(h.byRecoveryCategory, [
      { errorType: 'git', attempts: 3, successes: 2, successRatePercent: 200 / 3, timeToRecoverAvgMs: 1500, timeToRecoverP95Ms: 2000 },
      { errorType: 'network', attempts: 1, successes: 1, successRatePercent: 100, timeToRecoverAvgMs: 3000, timeToRecoverP95Ms: 3000 },
    ]);
    assertClose(h.byRecoveryStrategy, [
      { strategy: 'stash_and_retry', attempts: 2, successes: 2, successRatePercent: 100 },
      { strategy: 'reset', attempts: 1, successes: 0, successRatePercent: 0 },
      { strategy: 'retry', attempts: 1, successes: 1, successRatePercent: 100 },
    ]);
    assertClose(h.autoVsManual, [
      { mode: 'auto', attempts: 2, successes: 2, successRatePercent: 100 },
      { mode: 'manual', attempts: 1, successes: 0, successRatePercent: 0 },
      { mode: 'unknown', attempts: 1, successes: 1, successRatePercent: 100 },
    ]);
    assertClose(h.recentFailures, [
      { kind: 'recovery', at: at(0, 10), errorKind: 'git', action: 'reset', message: 'conflict', source: { table: 'recovery_events', path: null, line: null } },
      { kind: 'selfHeal', at: at(0, 9), errorKind: 'npm-lock', action: null, message: 'still locked', source: { table: 'self_heal_events' } },
    ]);
  });

  test('activity: tools by tool and day, git by repo and day, coordinator runs, activity events', () => {
    const a = getActivity(db, ALL, UTC);
    assertClose(a.tools, [
      { tool: 'Bash', calls: 4, successes: 2, failures: 1, successRatePercent: 200 / 3 },
      { tool: 'Edit', calls: 1, successes: 1, failures: 0, successRatePercent: 100 },
      { tool: 'Read', calls: 1, successes: 1, failures: 0, successRatePercent: 100 },
    ]);
    assertClose(a.toolCallsPerDay, [
      { day: day(0), tool: 'Bash', calls: 2, successes: 1, failures: 1 },
      { day: day(0), tool: 'Read', calls: 1, successes: 1, failures: 0 },
      { day: day(1), tool: 'Bash', calls: 2, successes: 1, failures: 0 },
      { day: day(1), tool: 'Edit', calls: 1, successes: 1, failures: 0 },
    ]);
    assertClose(a.gitByRepo, [
      { repo: 'app', commits: 2, additions: 15, deletions: 7, filesChanged: 3 },
      { repo: 'lib', commits: 1, additions: 100, deletions: 0, filesChanged: 3 },
    ]);
    assertClose(a.gitPerDay, [
      { day: day(0), repo: 'app', commits: 2, additions: 15, deletions: 7 },
      { day: day(1), repo: 'app', commits: 0, additions: 0, deletions: 0 },
      { day: day(1), repo: 'lib', commits: 1, additions: 100, deletions: 0 },
    ]);
    assertClose(a.coordinator, {
      runs: 3,
      byStatus: [{ status: 'success', runs: 2, durationAvgMs: 12500 }, { status: 'failed', runs: 1, durationAvgMs: 500 }],
      byStrategy: [{ strategy: 'parallel', runs: 2, durationAvgMs: 6500 }, { strategy: 'sequential', runs: 1, durationAvgMs: null }],
      perDay: [{ day: day(0), count: 2 }, { day: day(1), count: 1 }],
    });
    assertClose(a.activityEvents, [{ eventType: 'tool_use', count: 2 }, { eventType: 'query', count: 1 }]);
  });

  test('sessions: outcomes and quality over time', () => {
    const s = getSessions(db, ALL, UTC);
    assertClose(s.totals, { analyses: 4, avgQuality: 4, successRatePercent: 200 / 3, costUsd: 0.75 });
    assertClose(s.outcomes, [{ outcome: 'success', count: 2 }, { outcome: null, count: 1 }, { outcome: 'partial', count: 1 }]);
    assertClose(s.perDay, [
      { day: day(0), analyses: 2, avgQuality: 3.5, successRatePercent: 50 },
      { day: day(1), analyses: 2, avgQuality: 5, successRatePercent: 100 },
    ]);
    assertClose(s.outcomesPerDay, [
      { day: day(0), outcome: 'partial', count: 1 },
      { day: day(0), outcome: 'success', count: 1 },
      { day: day(1), outcome: null, count: 1 },
      { day: day(1), outcome: 'success', count: 1 },
    ]);
  });

  test('data sources: rows, first/last event, live/stale/frozen with thresholds, summary text', () => {
    const d = getDataSources(db, UTC);
    const byTable = Object.fromEntries(d.sources.map((s) => [s.table, s]));
    assertClose(byTable.skill_invocation, { rows: 8, firstEventAt: at(0, 10), lastEventAt: at(2, 3), ageSeconds: 9 * 3600, status: 'live', knownFormat: true });
    assertClose(byTable.routing_metrics_events, { rows: 7, status: 'live' });
    assertClose(byTable.recovery_events, { rows: 4, status: 'live' });
    assertClose(byTable.self_heal_events, { rows: 4, lastEventAt: at(1, 11), ageSeconds: 25 * 3600, status: 'stale' });
    for (const t of ['expertise_routing_events', 'tool_events', 'git_events', 'coordinator_events', 'session_outcome_events']) {
      assertClose(byTable[t].status, 'stale', t);
    }
    assertClose(byTable.activity_events, { rows: 3, status: 'frozen' });
    assertClose(byTable.permission_events, { rows: 2, firstEventAt: at(-10, 9), lastEventAt: at(-10, 10), status: 'frozen', knownFormat: false });
    assertClose(d.summary, { total: 11, live: 3, stale: 6, frozen: 2, empty: 0, text: '3 of 11 sources live, 6 stale, 2 frozen' });
    // thresholds are settings: live within 2 days (since D0 12:00) makes the D1 tables live; expertise (D0 08:00)
    // stays stale; stale within 20 days keeps permission_events (D-10) stale; activity (D-30) stays frozen
    const wide = getDataSources(db, { nowSeconds: NOW, freshness: { liveWithinSeconds: 2 * 86400, staleWithinSeconds: 20 * 86400 } });
    assertClose(wide.summary.text, '8 of 11 sources live, 2 stale, 1 frozen');
  });

  test('overview: headline numbers and events per day', () => {
    const o = getOverview(db, ALL, UTC);
    assertClose(o.totalEvents, 49);
    assertClose(o.skills, { invocations: 8, completed: 5, completionRatePercent: 62.5, durationP95Seconds: 40 });
    assertClose(o.routing, { decisions: 7, evaluated: 5, correct: 3, accuracyPercent: 60, costSavedUsd: 0.08, latencyP95Ms: 100 });
    assertClose(o.selfHeal, { attempts: 4, successes: 3, successRatePercent: 75 });
    assertClose(o.recovery, { attempts: 4, successes: 3, successRatePercent: 75 });
    assertClose(o.tools, { calls: 6, successes: 4, successRatePercent: 80 });
    assertClose(o.sessions, { analyses: 4, avgQuality: 4, successRatePercent: 200 / 3 });
    assertClose(o.sources.text, '3 of 11 sources live, 6 stale, 2 frozen');
    // day -30: 3 activity; day -10: 2 permission; day 0: skills 3 + routing 2 + expertise 4 + self-heal 2 + recovery 2
    // + tools 3 + git 2 + coordinator 2 + sessions 2 = 22; day 1: 4+3+2+1+3+2+1+2 = 18; day 2: 1+2+1 = 4
    assertClose(o.eventsPerDay, [
      { day: day(-30), count: 3 },
      { day: day(-10), count: 2 },
      { day: day(0), count: 22 },
      { day: day(1), count: 18 },
      { day: day(2), count: 4 },
    ]);
  });
});

describe('metrics over partial ranges and other time zones', async () => {
  const db = await fixtureDatabase();

  test('a whole-day range', () => {
    const range = { from: at(1, 0), to: at(2, 0) };
    assertClose(getSkills(db, range, UTC).totals, { invocations: 4, completed: 2, durationP95Seconds: 40, durationP50Seconds: 30 });
    assertClose(getRouting(db, range, UTC).totals, { decisions: 3, evaluated: 3, correct: 2, latencyP50Ms: 40 });
    assertClose(getOverview(db, range, UTC).totalEvents, 18);
  });

  test('range edges inside hours count only the rows inside (not whole buckets)', () => {
    // [D0 10:15, D1 09:10): skill rows at D0 10:30, D0 12:00, D1 09:00 — not D0 10:00, not D1 09:15
    const range = { from: at(0, 10, 15), to: at(1, 9, 10) };
    const s = getSkills(db, range, UTC);
    assertClose(s.totals, { invocations: 3, completed: 3, durationAvgSeconds: 55 / 3, durationP50Seconds: 20, durationP95Seconds: 30 });
    assertClose(s.skills.map((x) => [x.skillName, x.invocations]), [['deploy', 2], ['review', 1]]);
    // a range inside one hour
    assertClose(getSkills(db, { from: at(0, 10, 1), to: at(0, 10, 59) }, UTC).totals.invocations, 1);
  });

  test('days follow the requested zone (New York, UTC−5 in January)', () => {
    // review at D2 03:00 UTC is D1 22:00 in New York
    const s = getSkills(db, ALL, { timeZone: 'America/New_York' });
    assertClose(s.timeline, [
      { day: day(0), invocations: 3 },
      { day: day(1), invocations: 5 },
    ]);
    assertClose(s.range.timeZone, 'America/New_York');
  });
});

describe('day boundaries across a daylight-saving change', async () => {
  const { emptyDatabase, insert } = await import('./fixture');
  const db = await emptyDatabase();
  const utc = (iso: string) => Date.parse(iso) / 1000;
  // Berlin switches to CEST (UTC+2) at 2025-03-30 01:00 UTC
  insert(db, 'tool_events', { timestamp: utc('2025-03-29T22:30:00Z'), tool: 'Bash' }); // 23:30 CET, Mar 29
  insert(db, 'tool_events', { timestamp: utc('2025-03-29T23:30:00Z'), tool: 'Bash' }); // 00:30 CET, Mar 30
  insert(db, 'tool_events', { timestamp: utc('2025-03-30T21:30:00Z'), tool: 'Bash' }); // 23:30 CEST, Mar 30
  insert(db, 'tool_events', { timestamp: utc('2025-03-30T22:30:00Z'), tool: 'Bash' }); // 00:30 CEST, Mar 31

  test('Europe/Berlin days follow CET before and CEST after the change', () => {
    const a = getActivity(db, {}, { timeZone: 'Europe/Berlin' });
    assertClose(a.toolCallsPerDay.map((d) => [d.day, d.calls]), [['2025-03-29', 1], ['2025-03-30', 2], ['2025-03-31', 1]]);
    const u = getActivity(db, {}, { timeZone: 'UTC' });
    assertClose(u.toolCallsPerDay.map((d) => [d.day, d.calls]), [['2025-03-29', 2], ['2025-03-30', 2]]);
  });
});
