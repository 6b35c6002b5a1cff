import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { getActivity, getDataSources, getOverview, getRouting, getSelfHeal, getSessions, getSkills, type TimeRange } from '../../src/core/metrics';
import { buildMetricsTree } from '../../src/extension/tree/metricsTreeModel';
import { emptyDatabase, NOW } from './fixture';

const OPTIONS = { timeZone: 'Europe/Berlin', nowSeconds: NOW };
/** all time, a closed range, an open-ended range (the 24h preset), a range inside one hour */
const RANGES: TimeRange[] = [{}, { from: NOW - 30 * 86400, to: NOW }, { from: NOW - 86400 }, { from: NOW - 600, to: NOW - 60 }];

async function blankDatabase(): Promise<Database> {
  const SQL = await loadSqlJs();
  return new SQL.Database();
}

/** Every metrics dataset is there and empty: zero counts, null rates, no rows in any list. */
function assertEmptyDatasets(db: Database, what: string): void {
  for (const range of RANGES) {
    const at = `${what} ${JSON.stringify(range)}`;
    const o = getOverview(db, range, OPTIONS);
    assert.equal(o.totalEvents, 0, at);
    assert.deepEqual(o.eventsPerDay, [], at);
    assert.deepEqual(o.skills, { invocations: 0, completed: 0, completionRatePercent: null, durationP95Seconds: null }, at);
    assert.deepEqual(o.routing, { decisions: 0, evaluated: 0, correct: 0, accuracyPercent: null, costSavedUsd: 0, latencyP95Ms: null }, at);
    assert.deepEqual(o.selfHeal, { attempts: 0, successes: 0, successRatePercent: null }, at);
    assert.deepEqual(o.recovery, { attempts: 0, successes: 0, successRatePercent: null }, at);
    assert.deepEqual(o.tools, { calls: 0, successes: 0, successRatePercent: null }, at);
    assert.deepEqual(o.sessions, { analyses: 0, avgQuality: null, successRatePercent: null }, at);

    const s = getSkills(db, range, OPTIONS);
    assert.equal(s.totals.invocations, 0, at);
    assert.equal(s.totals.durationP95Seconds, null, at);
    for (const list of [s.skills, s.topErrorTypes, s.workflowPaths, s.followUpActions, s.timeline, s.sessions]) assert.deepEqual(list, [], at);

    const r = getRouting(db, range, OPTIONS);
    assert.deepEqual([r.totals.decisions, r.totals.accuracyPercent, r.totals.latencyP95Ms, r.totals.costSavedUsd], [0, null, null, 0], at);
    for (const list of [r.perModel, r.perDay, r.costSavedPerDay, r.expertiseDomains]) assert.deepEqual(list, [], at);
    assert.deepEqual(r.confusion, { models: [], counts: [] }, at);
    assert.deepEqual(r.dqDistribution.map((b) => b.count), Array(10).fill(0), at);

    const h = getSelfHeal(db, range, OPTIONS);
    assert.deepEqual([h.selfHeal.attempts, h.selfHeal.successRatePercent, h.recovery.attempts, h.recovery.timeToRecoverP95Ms], [0, null, 0, null], at);
    for (const list of [h.perDay, h.byErrorPattern, h.byRecoveryCategory, h.byRecoveryStrategy, h.autoVsManual, h.recentFailures]) assert.deepEqual(list, [], at);

    const a = getActivity(db, range, OPTIONS);
    for (const list of [a.tools, a.toolCallsPerDay, a.gitByRepo, a.gitPerDay, a.coordinator.byStatus, a.coordinator.byStrategy, a.coordinator.perDay, a.activityEvents]) {
      assert.deepEqual(list, [], at);
    }
    assert.equal(a.coordinator.runs, 0, at);

    const se = getSessions(db, range, OPTIONS);
    assert.deepEqual(se.totals, { analyses: 0, avgQuality: null, successRatePercent: null, costUsd: 0 }, at);
    for (const list of [se.outcomes, se.perDay, se.outcomesPerDay]) assert.deepEqual(list, [], at);
  }
}

describe('metrics on a database with no telemetry', () => {
  test('a new file with no tables at all: every dataset empty, the tree says there is nothing yet', async () => {
    const db = await blankDatabase();
    try {
      assertEmptyDatasets(db, 'no tables');
      const sources = getDataSources(db, OPTIONS);
      assert.deepEqual(sources.sources, []);
      assert.deepEqual(sources.summary, { total: 0, live: 0, stale: 0, frozen: 0, empty: 0, text: 'no telemetry tables yet' });

      const tree = buildMetricsTree(db, OPTIONS);
      assert.deepEqual(
        tree.map((n) => `${n.label}: ${n.description}`),
        ['Data sources: no telemetry tables yet', 'Skills: no invocations', 'Routing: no decisions', 'Self-heal & Recovery: self-heal — · recovery —', 'Migrations: 0 applied, 6 pending'],
      );
      assert.deepEqual(tree[0].children, []);
    } finally {
      db.close();
    }
  });

  test('a database created by the migrations but empty: every dataset empty, every source listed as empty', async () => {
    const db = await emptyDatabase();
    try {
      assertEmptyDatasets(db, 'migrated');
      const sources = getDataSources(db, OPTIONS);
      assert.equal(sources.sources.length, 10);
      assert.ok(sources.sources.every((s) => s.rows === 0 && s.status === 'empty' && s.lastEventAt === null));
      assert.equal(sources.summary.text, '0 of 10 sources live, 0 stale, 0 frozen, 10 empty');

      const tree = buildMetricsTree(db, OPTIONS);
      assert.deepEqual(
        tree.map((n) => `${n.label}: ${n.description}`),
        ['Data sources: 0 of 10 live, 0 stale, 0 frozen, 10 empty', 'Skills: no invocations', 'Routing: no decisions', 'Self-heal & Recovery: self-heal — · recovery —', 'Migrations: 6 applied, 0 pending'],
      );
      assert.ok(tree[0].children!.every((c) => /^0 rows · empty/.test(c.description ?? '')));
    } finally {
      db.close();
    }
  });
});
