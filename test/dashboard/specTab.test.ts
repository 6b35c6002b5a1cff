/**
 * The spec-tab infrastructure (docs/recipes.md "Add a dashboard tab"): EventQuery's counts,
 * groups and time series over a real table (the suite's engine: sql.js, or node:sqlite with
 * --engine-native), the keys it mints resolving to exactly the rows counted (and forged keys
 * refused), and the registry every tab list reads.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { openMemoryDatabase, type SqlDatabase, type SqlValue } from '../../src/core/db/database';
import { resolveEngine } from '../../src/core/db/engine';
import { EventQuery } from '../../src/core/dashboard/specTab';
import { computeTabPayload, dashboardTabIds, isDashboardTab, specTab } from '../../src/core/dashboard/tabPayload';
import { SPEC_TABS } from '../../src/core/dashboard/tabs';
import { getDrillDownRows, mintDrillKey, mintRowsKey } from '../../src/core/metrics';
import { TAB_IDS } from '../../src/protocol';

const D0 = Date.UTC(2026, 2, 10) / 1000; // 2026-03-10 00:00 UTC
const at = (d: number, h: number, m = 0) => D0 + d * 86400 + h * 3600 + m * 60;
const NOW = at(3, 12);

/** kind per row: a×4, b×2, c×1, NULL×1, over three days (one row at 20:30 UTC: the next day in Kolkata). */
const ROWS: Array<[number, string | null, string]> = [
  [at(0, 9), 'a', 'x'],
  [at(0, 20, 30), 'a', 'y'],
  [at(1, 8), 'b', 'x'],
  [at(1, 9), 'a', 'x'],
  [at(2, 10), 'c', 'y'],
  [at(3, 2), 'a', 'x'],
  [at(3, 3), 'b', 'y'],
  [at(3, 11, 15), null, 'x'],
];

async function demoDatabase(): Promise<SqlDatabase> {
  const db = await openMemoryDatabase();
  db.run(`CREATE TABLE demo_events (id INTEGER PRIMARY KEY AUTOINCREMENT, "timestamp" INTEGER NOT NULL, kind TEXT, level TEXT,
    source_id INTEGER, source_line INTEGER, extra TEXT, stream_id INTEGER NOT NULL DEFAULT 0, row_hash INTEGER, row_seq INTEGER)`);
  ROWS.forEach(([t, kind, level], i) => db.run('INSERT INTO demo_events ("timestamp", kind, level, row_hash, row_seq) VALUES (?, ?, ?, ?, 1)', [t, kind, level, i + 1] as SqlValue[]));
  return db;
}

const keyed = (key: string) => ({ kind: 'keyed' as const, key });

describe(`spec tabs: EventQuery and minted row keys (${resolveEngine().name})`, () => {
  test('counts, distinct values and groups over the range; a group key lists exactly its rows', async () => {
    const db = await demoDatabase();
    try {
      const all = new EventQuery(db, 'demo_events', {}, { timeZone: 'UTC', nowSeconds: NOW });
      assert.equal(all.usable('kind', 'level'), true);
      assert.equal(all.count(), 8);
      assert.equal(all.count({ kind: 'a' }), 4);
      assert.equal(all.count({ kind: null }), 1);
      assert.equal(all.countContaining('kind', 'A'), 4);
      assert.equal(all.distinct('kind'), 3);
      const groups = all.groups('kind');
      assert.deepEqual(groups.map((g) => [g.label, g.value]), [['a', 4], ['b', 2], ['(not recorded)', 1], ['c', 1]]);
      for (const g of groups) {
        const rows = getDrillDownRows(db, { target: keyed(g.drillKey!), range: {} });
        assert.equal(rows.total, g.value, g.label);
        assert.ok(rows.rows.every((r) => r.values.kind === (g.label === '(not recorded)' ? null : g.label)));
      }

      const lastTwoDays = new EventQuery(db, 'demo_events', { from: at(2, 0), to: at(4, 0) }, { timeZone: 'UTC', nowSeconds: NOW });
      assert.equal(lastTwoDays.count(), 4);
      assert.deepEqual(lastTwoDays.groups('level').map((g) => [g.label, g.value]), [['x', 2], ['y', 2]]);
    } finally {
      db.close();
    }
  });

  test('time series: local days of the zone, hours for short ranges, top values plus "other"; a series key narrowed to a day lists that day', async () => {
    const db = await demoDatabase();
    try {
      const utc = new EventQuery(db, 'demo_events', {}, { timeZone: 'UTC', nowSeconds: NOW, seriesBucket: 'auto' });
      assert.equal(utc.bucket, 'day');
      const [one] = utc.series('Events');
      assert.deepEqual(one.points.map((p) => [p.day, p.value]), [['2026-03-10', 2], ['2026-03-11', 2], ['2026-03-12', 1], ['2026-03-13', 3]]);
      // Kolkata is UTC+5:30: 20:30 UTC on the 10th is 02:00 on the 11th
      const kolkata = new EventQuery(db, 'demo_events', {}, { timeZone: 'Asia/Kolkata', nowSeconds: NOW });
      assert.deepEqual(kolkata.series('Events')[0].points.map((p) => [p.day, p.value]), [['2026-03-10', 1], ['2026-03-11', 3], ['2026-03-12', 1], ['2026-03-13', 3]]);

      const byKind = utc.series('Events', 'kind', 2);
      assert.deepEqual(byKind.map((s) => s.label), ['a', 'b', 'other']);
      assert.deepEqual(byKind.map((s) => s.points.reduce((n, p) => n + p.value, 0)), [4, 2, 2]);
      assert.deepEqual(byKind[2].points.map((p) => [p.day, p.value]), [['2026-03-12', 1], ['2026-03-13', 1]]);
      const day = getDrillDownRows(db, { target: keyed(byKind[0].drillKey!), range: {}, day: '2026-03-13', timeZone: 'UTC' });
      assert.deepEqual(day.rows.map((r) => r.values.timestamp), [at(3, 2)]);

      const hourly = new EventQuery(db, 'demo_events', { from: NOW - 86400 }, { timeZone: 'UTC', nowSeconds: NOW, seriesBucket: 'auto' });
      assert.equal(hourly.bucket, 'hour');
      assert.deepEqual(hourly.series('Events')[0].points.map((p) => [p.startAt, p.day, p.value]), [[at(3, 2), '2026-03-13', 1], [at(3, 3), '2026-03-13', 1], [at(3, 11), '2026-03-13', 1]]);
    } finally {
      db.close();
    }
  });

  test('a missing table, or one without the columns a tab names, reads as empty (the tab shows its empty state)', async () => {
    const db = await demoDatabase();
    try {
      const missing = new EventQuery(db, 'no_such_events', {}, { timeZone: 'UTC' });
      assert.equal(missing.usable(), false);
      assert.deepEqual([missing.count(), missing.distinct('kind'), missing.groups('kind'), missing.series('Events', 'kind')], [0, 0, [], []]);
      const otherShape = new EventQuery(db, 'demo_events', {}, { timeZone: 'UTC' });
      assert.equal(otherShape.usable('agent_id'), false);
      assert.deepEqual(otherShape.groups('agent_id'), []);
      assert.equal(otherShape.view({ empty: { title: 'No demo events', files: 'demo.jsonl' } }).empty?.files, 'demo.jsonl');
    } finally {
      db.close();
    }
  });

  test('a forged key reaches no other SQL: an unknown column or table, or a non-scalar value, is refused', async () => {
    const db = await demoDatabase();
    try {
      assert.throws(() => getDrillDownRows(db, { target: keyed(mintRowsKey('demo_events', { 'kind" OR 1=1 --': 'a' })), range: {} }), /unknown column/);
      assert.throws(() => getDrillDownRows(db, { target: keyed(mintRowsKey('sqlite_master', {})), range: {} }), /unknown event table/);
      assert.throws(() => getDrillDownRows(db, { target: keyed(mintDrillKey('rows', JSON.stringify(['demo_events', { kind: { a: 1 } }]))), range: {} }), /unknown drill-down key/);
      assert.throws(() => getDrillDownRows(db, { target: keyed(mintDrillKey('rows', 'not json')), range: {} }), /unknown drill-down key/);
      assert.equal(getDrillDownRows(db, { target: keyed(mintRowsKey('demo_events', { kind: 'b', level: 'y' })), range: {} }).total, 1);
    } finally {
      db.close();
    }
  });

  test('the registry: hand-written tabs first, spec tab ids unique and distinct from them; unknown ids are refused', async () => {
    const ids = dashboardTabIds();
    assert.deepEqual(ids, [...TAB_IDS, ...SPEC_TABS.map((t) => t.id)]);
    assert.equal(new Set(ids).size, ids.length);
    for (const t of SPEC_TABS) {
      assert.equal(specTab(t.id), t);
      assert.ok(t.title.length > 0 && t.tables.length > 0, t.id);
    }
    assert.equal(specTab('overview'), undefined);
    assert.equal(isDashboardTab('overview'), true);
    assert.equal(isDashboardTab('sql'), false);
    const db = await demoDatabase();
    try {
      assert.throws(() => computeTabPayload(db, 'sql', {}, {}), /unknown tab sql/);
    } finally {
      db.close();
    }
  });
});
