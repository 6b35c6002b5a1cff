import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { openSnapshot } from '../../src/core/db/database';
import { getOverview, getRouting, getSkills, refreshRollups } from '../../src/core/metrics';
import { HISTOGRAM_RELATIVE_ERROR } from '../../src/core/rollups/percentile';
import { at, fixtureDatabase, insert } from './fixture';
import { assertClose, rebuiltCopy, rollupContents } from './helpers';



describe('rollups', () => {
  test('refreshRollups on appended, edited and deleted rows equals a full rebuild', async () => {
    const db = await fixtureDatabase();
    getOverview(db, {}); // rollups caught up with the fixture
    // append into existing and new hours, as an ingest write would
    insert(db, 'routing_metrics_events', { timestamp: at(1, 9, 30), predicted_model: 'haiku', actual_model: 'opus', accuracy: 0, latency_ms: 70 });
    insert(db, 'routing_metrics_events', { timestamp: at(5, 1), predicted_model: 'opus', actual_model: 'opus', accuracy: 1, latency_ms: 5 });
    insert(db, 'skill_invocation', { skill_name: 'deploy', invoked_at: at(1, 9, 45), completed: 1, duration_seconds: 12.5, follow_up_actions: '["git push"]' });
    db.run(`UPDATE tool_events SET success = 0 WHERE timestamp = ?`, [at(1, 10)]);
    db.run(`DELETE FROM git_events WHERE timestamp = ?`, [at(0, 9)]);
    refreshRollups(db, [
      { table: 'routing_metrics_events', minTs: at(1, 9, 30), maxTs: at(5, 1) },
      { table: 'skill_invocation', minTs: at(1, 9, 45), maxTs: at(1, 9, 45) },
      { table: 'tool_events', minTs: at(1, 10), maxTs: at(1, 10) },
      { table: 'git_events', minTs: at(0, 9), maxTs: at(0, 9) },
    ]);
    const expected = rollupContents(await rebuiltCopy(db));
    assert.deepEqual(rollupContents(db), expected);
    assertClose(getRouting(db, {}, { timeZone: 'UTC' }).totals, { decisions: 9, evaluated: 7, correct: 4 });
  });

  test('rows written by another program (python3 sqlite3) are folded in on the next read', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-metrics-'));
    const file = path.join(dir, 'telemetry.db');
    const db = await fixtureDatabase();
    getOverview(db, {});
    fs.writeFileSync(file, db.export());
    execFileSync('python3', [
      '-c',
      `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
c.executemany("INSERT INTO skill_invocation(skill_name,invoked_at,completed,duration_seconds,row_hash,row_seq) VALUES (?,?,?,?,?,1)",
  [("lint", ${at(3, 10)}, 1, 2.0, 900001), ("lint", ${at(3, 11)}, 0, None, 900002)])
c.commit()`,
      file,
    ]);
    const snap = await openSnapshot(file);
    try {
      const s = getSkills(snap, {}, { timeZone: 'UTC' });
      assertClose(s.totals, { invocations: 10, completed: 6 });
      assertClose(s.skills.find((x) => x.skillName === 'lint'), { invocations: 2, completed: 1, completionRatePercent: 50, durationP95Seconds: 2 });
      assert.deepEqual(rollupContents(snap), rollupContents(await rebuiltCopy(snap)));
    } finally {
      snap.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('rollup metrics equal full-scan SQL over random data and random (unaligned) ranges', async () => {
    const db = await fixtureDatabase();
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const models = ['haiku', 'sonnet', 'opus'];
    for (let i = 0; i < 1500; i++) {
      const p = models[Math.floor(rand() * 3)];
      const a = rand() < 0.2 ? null : models[Math.floor(rand() * 3)];
      insert(db, 'routing_metrics_events', {
        timestamp: at(0, 0) + Math.floor(rand() * 200 * 86400),
        predicted_model: p,
        actual_model: a,
        accuracy: a === null ? null : Number(a === p),
        latency_ms: rand() < 0.1 ? null : Math.round(rand() * 900) + 5,
        cost_saved: Math.round(rand() * 100) / 1000,
      });
    }
    // spans from under an hour to 150 days: partial hours/days, daily rows, 8- and 64-day histogram blocks
    for (let trial = 0; trial < 16; trial++) {
      const from = at(0, 0) + Math.floor(rand() * 60 * 86400);
      const to = from + Math.floor(rand() ** 2 * 150 * 86400);
      const r = getRouting(db, { from, to }, { timeZone: 'UTC' });
      const full = db.exec(
        `SELECT count(*), count(accuracy), sum(accuracy = 1), total(cost_saved), tl_percentile(latency_ms, 0.95), tl_percentile(latency_ms, 0.5)
         FROM routing_metrics_events WHERE timestamp >= ${from} AND timestamp < ${to}`,
      )[0].values[0];
      // counts exact; percentiles within the histogram bound (1%)
      assertClose([r.totals.decisions, r.totals.evaluated, r.totals.correct, r.totals.costSavedUsd], full.slice(0, 4).map((v) => v ?? 0));
      assertClose([r.totals.latencyP95Ms, r.totals.latencyP50Ms], full.slice(4), 'percentiles', HISTOGRAM_RELATIVE_ERROR);
      const perModel = db.exec(
        `SELECT predicted_model, count(*), count(accuracy), total(accuracy = 1), tl_percentile(latency_ms, 0.95)
         FROM routing_metrics_events WHERE timestamp >= ${from} AND timestamp < ${to} GROUP BY 1 ORDER BY 2 DESC, 1`,
      )[0]?.values ?? [];
      assertClose(r.perModel.map((m) => [m.model, m.decisions, m.evaluated, m.correct]), perModel.map((x) => x.slice(0, 4)));
      assertClose(r.perModel.map((m) => m.latencyP95Ms), perModel.map((x) => x[4]), 'p95 per model', HISTOGRAM_RELATIVE_ERROR);
    }
  });
});

describe('rollups after a table is dropped', () => {
  test('its counts leave the overview and the data sources', async () => {
    const db = await fixtureDatabase();
    assert.equal(getOverview(db, {}, { timeZone: 'UTC' }).totalEvents, 49);
    db.run('DROP TABLE permission_events');
    const o = getOverview(db, {}, { timeZone: 'UTC' });
    assert.equal(o.totalEvents, 47);
    assert.equal(o.sources.total, 10);
  });
});
