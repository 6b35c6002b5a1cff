import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { HISTOGRAM_RELATIVE_ERROR, histogramKey, histogramKeySql, registerPercentileAggregates, weightedNearestRank } from '../../src/core/rollups/percentile';

describe('percentile aggregates', () => {
  test('tl_percentile is nearest-rank on raw values, NULLs ignored, per group', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    registerPercentileAggregates(db);
    db.run(`CREATE TABLE v (g TEXT, x REAL)`);
    // g=a: 1..20 → p50 rank 10 → 10, p95 rank 19 → 19, p99 rank ceil(19.8)=20 → 20
    for (let i = 20; i >= 1; i--) db.run(`INSERT INTO v VALUES ('a', ?)`, [i]);
    db.run(`INSERT INTO v VALUES ('a', NULL), ('b', 7)`);
    const rows = db.exec(`SELECT g, tl_percentile(x, 0.5), tl_percentile(x, 0.95), tl_percentile(x, 0.99), tl_percentile(x, 0) FROM v GROUP BY g ORDER BY g`)[0].values;
    assert.deepEqual(rows, [
      ['a', 10, 19, 20, 1],
      ['b', 7, 7, 7, 7],
    ]);
    assert.deepEqual(db.exec(`SELECT tl_percentile(x, 0.5) FROM v WHERE 0`)[0].values, [[null]]);
  });

  test('tl_weighted_percentile over a histogram equals the raw percentile', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    registerPercentileAggregates(db);
    // values 5×3, 10×1, 50×6 → sorted ranks 1-3:5, 4:10, 5-10:50; p30 rank 3 → 5, p40 rank 4 → 10, p41 rank 5 → 50
    const r = db.exec(`SELECT tl_weighted_percentile(v, n, 0.3), tl_weighted_percentile(v, n, 0.4), tl_weighted_percentile(v, n, 0.41)
      FROM (SELECT 50 AS v, 6 AS n UNION ALL SELECT 5, 3 UNION ALL SELECT 10, 1)`)[0].values[0];
    assert.deepEqual(r, [5, 10, 50]);
    assert.equal(weightedNearestRank([[1, 1], [2, 1], [3, 1], [4, 1]], 0.5), 2);
  });

  test('histogram keys: exact for two significant digits, within 1% otherwise, SQL = JS', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    for (const v of [12, 42, 15, 0.7, 1000, 2500, 0.012, 9.9, 1500]) assert.equal(histogramKey(v), v);
    const samples = [165.3, 12345.6, 0.004567, 99.96, 999.6, 1234567, 3.14159, 7.77777e9, 101, 1.005, 2.51, 5.03];
    for (const v of samples) {
      const sqlKey = db.exec(`SELECT ${histogramKeySql(String(v))}`)[0].values[0][0] as number;
      assert.equal(sqlKey, histogramKey(v), `${v}: sql ${sqlKey} js ${histogramKey(v)}`);
      assert.ok(Math.abs(sqlKey - v) / v <= HISTOGRAM_RELATIVE_ERROR, `${v} → ${sqlKey}`);
    }
  });

});

describe('range decomposition into blocks', () => {
  test('hours, days, 8-day and 64-day blocks cover a range exactly once, largest first where aligned', async () => {
    const { decompose } = await import('../../src/core/metrics/context');
    const H = 3600;
    const DAY = 86400;
    const levels = [H, DAY, 8 * DAY, 64 * DAY];
    const start = 20480 * DAY - 3 * DAY - 5 * H; // 3 days 5 hours before a 64-day boundary (20480 = 320 × 64)
    const runs = decompose(start, start + 5 * H + 3 * DAY + 64 * DAY + 9 * DAY + 2 * H, levels);
    assert.deepEqual(
      runs.map((r) => [r.level / H, (r.from - start) / H, (r.to - start) / H]),
      [
        [1, 0, 5],
        [24, 5, 5 + 72],
        [64 * 24, 77, 77 + 64 * 24],
        [8 * 24, 1613, 1613 + 192],
        [24, 1805, 1829],
        [1, 1829, 1831],
      ],
    );
  });
});

describe('several percentiles in one pass', () => {
  test('tl_weighted_percentiles returns the same values as one aggregate per percentile', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    registerPercentileAggregates(db);
    const r = db.exec(`SELECT tl_weighted_percentiles(v, n, '[0.3,0.4,0.41]')
      FROM (SELECT 50 AS v, 6 AS n UNION ALL SELECT 5, 3 UNION ALL SELECT 10, 1)`)[0].values[0][0];
    assert.deepEqual(JSON.parse(String(r)), [5, 10, 50]);
  });
});

describe('aggregates survive db.export()', () => {
  test('metrics still work on a database that was exported (which drops custom functions)', async () => {
    const { fixtureDatabase } = await import('./fixture');
    const { getSkills } = await import('../../src/core/metrics');
    const db = await fixtureDatabase();
    assert.equal(getSkills(db, {}, { timeZone: 'UTC' }).totals.durationP95Seconds, 40);
    db.export();
    assert.equal(getSkills(db, {}, { timeZone: 'UTC' }).totals.durationP95Seconds, 40);
  });
});
