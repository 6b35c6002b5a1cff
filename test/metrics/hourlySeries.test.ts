import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { getActivity, getOverview, getRouting, getSelfHeal, getSessions, getSkills } from '../../src/core/metrics';
import { at, emptyDatabase, fixtureDatabase, insert, NOW } from './fixture';
import { assertClose } from './helpers';

// Hand-computed from the rows in fixture.ts (D1 = 2026-01-11).
const AUTO_UTC = { timeZone: 'UTC', nowSeconds: NOW, seriesBucket: 'auto' as const };
const d1 = '2026-01-11';
const d2 = '2026-01-12';

describe('hourly time series for short ranges (seriesBucket auto)', async () => {
  const db = await fixtureDatabase();

  test('a 24 h range gives one point per hour with data, every domain', () => {
    const range = { from: at(1, 0), to: at(2, 0) };
    const o = getOverview(db, range, AUTO_UTC);
    assert.equal(o.bucket, 'hour');
    // 09: skill ×2, routing, recovery, tool, git, coordinator, session · 10: routing, self-heal, tool, git, session
    // 11: skill, routing, self-heal, tool · 13: skill
    assertClose(o.eventsPerDay, [
      { day: d1, startAt: at(1, 9), count: 8 },
      { day: d1, startAt: at(1, 10), count: 5 },
      { day: d1, startAt: at(1, 11), count: 4 },
      { day: d1, startAt: at(1, 13), count: 1 },
    ]);
    assert.equal(o.totalEvents, 18);

    const s = getSkills(db, range, AUTO_UTC);
    assert.equal(s.bucket, 'hour');
    assertClose(s.timeline, [
      { day: d1, startAt: at(1, 9), invocations: 2, completed: 1, abandoned: 1 },
      { day: d1, startAt: at(1, 11), invocations: 1, completed: 1, abandoned: 0 },
      { day: d1, startAt: at(1, 13), invocations: 1, completed: 0, abandoned: 1 },
    ]);

    const r = getRouting(db, range, AUTO_UTC);
    assertClose(r.perDay, [
      { day: d1, startAt: at(1, 9), decisions: 1, evaluated: 1, correct: 1, accuracyPercent: 100 },
      { day: d1, startAt: at(1, 10), decisions: 1, evaluated: 1, correct: 0, accuracyPercent: 0 },
      { day: d1, startAt: at(1, 11), decisions: 1, evaluated: 1, correct: 1, accuracyPercent: 100 },
    ]);
    assertClose(r.costSavedPerDay, [
      { startAt: at(1, 9), costSavedUsd: 0.02, cumulativeCostSavedUsd: 0.02 },
      { startAt: at(1, 10), costSavedUsd: 0, cumulativeCostSavedUsd: 0.02 },
      { startAt: at(1, 11), costSavedUsd: 0.05, cumulativeCostSavedUsd: 0.07 },
    ]);

    const h = getSelfHeal(db, range, AUTO_UTC);
    assertClose(h.perDay, [
      { startAt: at(1, 9), selfHealAttempts: 0, recoveryAttempts: 1, recoverySuccesses: 1, recoverySuccessRatePercent: 100 },
      { startAt: at(1, 10), selfHealAttempts: 1, selfHealSuccesses: 1, recoveryAttempts: 0, recoverySuccessRatePercent: null },
      { startAt: at(1, 11), selfHealAttempts: 1, selfHealSuccesses: 1, recoveryAttempts: 0 },
    ]);

    const a = getActivity(db, range, AUTO_UTC);
    assertClose(a.toolCallsPerDay, [
      { startAt: at(1, 9), tool: 'Bash', calls: 1, successes: 0, failures: 0 },
      { startAt: at(1, 10), tool: 'Edit', calls: 1, successes: 1 },
      { startAt: at(1, 11), tool: 'Bash', calls: 1, successes: 1 },
    ]);
    assertClose(a.gitPerDay, [
      { startAt: at(1, 9), repo: 'lib', commits: 1, additions: 100 },
      { startAt: at(1, 10), repo: 'app', commits: 0 },
    ]);
    assertClose(a.coordinator.perDay, [{ day: d1, startAt: at(1, 9), count: 1 }]);

    const se = getSessions(db, range, AUTO_UTC);
    assertClose(se.perDay, [
      { startAt: at(1, 9), analyses: 1, successRatePercent: 100 },
      { startAt: at(1, 10), analyses: 1, avgQuality: 5, successRatePercent: null },
    ]);
    assertClose(se.outcomesPerDay, [
      { startAt: at(1, 9), outcome: 'success', count: 1 },
      { startAt: at(1, 10), outcome: null, count: 1 },
    ]);
  });

  test('edges inside hours count only the rows inside; an open range ends now (the 24h preset)', () => {
    // [D1 09:10, D1 11:30): 09 keeps only the skill at 09:15; 10 and 11 whole
    assertClose(getOverview(db, { from: at(1, 9, 10), to: at(1, 11, 30) }, AUTO_UTC).eventsPerDay, [
      { startAt: at(1, 9), count: 1 },
      { startAt: at(1, 10), count: 5 },
      { startAt: at(1, 11), count: 4 },
    ]);
    // last 24 h before NOW = D2 12:00: skill D1 13:00, skill D2 03:00, routing D2 08:00 and 09:00, recovery D2 09:00
    assertClose(getOverview(db, { from: NOW - 86400 }, AUTO_UTC).eventsPerDay, [
      { day: d1, startAt: at(1, 13), count: 1 },
      { day: d2, startAt: at(2, 3), count: 1 },
      { day: d2, startAt: at(2, 8), count: 1 },
      { day: d2, startAt: at(2, 9), count: 2 },
    ]);
  });

  test('longer ranges, open starts and the default option stay daily', () => {
    for (const [range, options] of [
      [{ from: at(0, 0), to: at(2, 1) }, AUTO_UTC], // 49 h
      [{}, AUTO_UTC],
      [{ from: at(1, 0), to: at(2, 0) }, { timeZone: 'UTC', nowSeconds: NOW }],
    ] as const) {
      const o = getOverview(db, range, options);
      assert.equal(o.bucket, 'day');
      assert.ok(o.eventsPerDay.every((p) => p.startAt === undefined && /^\d{4}-\d{2}-\d{2}$/.test(p.day)));
    }
    assert.equal(getOverview(db, { from: at(0, 12), to: at(2, 12) }, AUTO_UTC).bucket, 'hour'); // exactly 48 h
  });

  test('hours follow the zone: New York days for a UTC hour; India’s hours are local :30 hours', async () => {
    // review at D2 03:00 UTC = D1 22:00 in New York
    const ny = getSkills(db, { from: at(1, 12), to: at(2, 12) }, { timeZone: 'America/New_York', seriesBucket: 'auto' });
    assertClose(ny.timeline, [
      { day: d1, startAt: at(1, 13), invocations: 1 },
      { day: d1, startAt: at(2, 3), invocations: 1 },
    ]);

    const india = await emptyDatabase();
    const utc = (iso: string) => Date.parse(iso) / 1000;
    for (const iso of ['2026-01-10T18:20:00Z', '2026-01-10T18:40:00Z', '2026-01-10T18:59:00Z', '2026-01-10T19:10:00Z', '2026-01-11T12:00:00Z']) {
      insert(india, 'tool_events', { timestamp: utc(iso), tool: 'Bash' });
    }
    // IST: 23:50 Jan 10 → hour 23:00 (17:30Z) | 00:10, 00:29, 00:40 → hour 00:00 (18:30Z) | 17:30 → hour 17:00 (11:30Z)
    const range = { from: utc('2026-01-10T12:00:00Z'), to: utc('2026-01-11T12:30:00Z') };
    const expected = [
      { day: '2026-01-10', startAt: utc('2026-01-10T17:30:00Z'), calls: 1 },
      { day: '2026-01-11', startAt: utc('2026-01-10T18:30:00Z'), calls: 3 },
      { day: '2026-01-11', startAt: utc('2026-01-11T11:30:00Z'), calls: 1 },
    ];
    assertClose(getActivity(india, range, { timeZone: 'Asia/Kolkata', seriesBucket: 'auto' }).toolCallsPerDay, expected);
    assertClose(
      getOverview(india, range, { timeZone: 'Asia/Kolkata', seriesBucket: 'auto' }).eventsPerDay.map((p) => [p.day, p.startAt, p.count]),
      expected.map((p) => [p.day, p.startAt, p.calls]),
    );
    india.close();
  });

  test('a daylight-saving change: Berlin’s repeated 02:00 hour (autumn) is two points, one per UTC hour', async () => {
    const db = await emptyDatabase();
    const utc = (iso: string) => Date.parse(iso) / 1000;
    // 2025-10-26: CEST→CET at 01:00 UTC (03:00 CEST → 02:00 CET); 00:30Z = 02:30 CEST, 01:30Z = 02:30 CET
    for (const iso of ['2025-10-26T00:30:00Z', '2025-10-26T01:30:00Z', '2025-10-26T01:45:00Z']) insert(db, 'tool_events', { timestamp: utc(iso), tool: 'Bash' });
    const berlin = { timeZone: 'Europe/Berlin', seriesBucket: 'auto' as const };
    assertClose(getActivity(db, { from: utc('2025-10-25T22:00:00Z'), to: utc('2025-10-26T23:00:00Z') }, berlin).toolCallsPerDay, [
      { day: '2025-10-26', startAt: utc('2025-10-26T00:00:00Z'), calls: 1 },
      { day: '2025-10-26', startAt: utc('2025-10-26T01:00:00Z'), calls: 2 },
    ]);
    db.close();
  });
});
