/**
 * The team's metrics from rollups computed in PostgreSQL (TeamRollupImage) against the full copy
 * of every row (materialiseTeam), on a real server with three machines: every report payload, the
 * live dashboard's answers for unaligned ranges and their drill-downs, all machines and each one,
 * in whole-hour zones and in a :30 zone. Doubles summed in another order may differ in the last
 * bits, so numbers compare to 1e-9 relative; everything else exactly.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { answerDataRequest, type DashboardDataSource } from '../../src/core/dashboard/dashboardRequests';
import type { SqlDatabase } from '../../src/core/db/database';
import type { DrillDownRequest } from '../../src/core/metrics/types';
import { mintDrillKey } from '../../src/core/metrics';
import { DOMAIN_ROLLUPS, DQ_BUCKET_SQL, RECOVERY_MODE_SQL } from '../../src/core/rollups/specs';
import { followUpGroupsSql, postgresExpression, postgresHistogramKey, postgresRollupSelect } from '../../src/core/team/dialect';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { histogramKeySql } from '../../src/core/rollups/percentile';
import { buildTeamReportData, materialiseTeam, runTeamQuery } from '../../src/core/team/read';
import { TeamRollupImage } from '../../src/core/team/rollupImage';
import { generateTelemetry } from '../../src/sample';
import { TAB_IDS, type HostToWebview, type TabId } from '../../src/protocol';
import { startPgCluster, type PgCluster } from './pgCluster';
import { cli, tempDir } from './helpers';

const NOW_MS = Date.UTC(2026, 10, 20, 15, 17, 23);
const NOW = Math.floor(NOW_MS / 1000);

/** deepEqual, numbers to 1e-9 relative (sums of doubles in another order); reports the first difference's path. */
function assertSame(actual: unknown, expected: unknown, where = '$'): void {
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (actual === expected || Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(expected))) return;
    assert.fail(`${where}: ${actual} !== ${expected}`);
  }
  if (actual === null || expected === null || typeof actual !== 'object' || typeof expected !== 'object') {
    assert.deepEqual(actual, expected, where);
    return;
  }
  assert.equal(Array.isArray(actual), Array.isArray(expected), where);
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${where}: keys`);
  for (const k of Object.keys(e)) assertSame(a[k], e[k], `${where}.${k}`);
}

describe('team metrics from PostgreSQL rollups equal the full copy', () => {
  let pg: PgCluster;
  let dir: string;
  let totalRows = 0;
  before(async () => {
    pg = await startPgCluster();
    dir = tempDir('rollups');
    for (const [i, machine] of ['alpha', 'beta', 'gamma'].entries()) {
      const src = path.join(dir, machine);
      generateTelemetry({ outDir: src, eventsPerSource: 60 + 25 * i, seed: 31 + i, now: NOW_MS });
      const db = path.join(dir, `${machine}.db`);
      assert.equal((await cli('migrate', '--db', db, src)).code, 0);
      assert.equal((await cli('sync', '--db', db, '--to', pg.url, '--machine', machine)).code, 0);
    }
    const tables = (await runTeamQuery(pg.url, `SELECT table_name FROM team_tables WHERE kind = 'event'`)).rows.map((r) => String(r[0]));
    for (const t of tables) totalRows += Number((await runTeamQuery(pg.url, `SELECT count(*) FROM "${t}"`)).rows[0][0]);
    assert.ok(totalRows > 1000, `${totalRows} rows`);
  });
  after(() => {
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('every rollup spec has a PostgreSQL rendering; no known table is copied whole', async () => {
    for (const spec of DOMAIN_ROLLUPS) {
      assert.ok(spec.from ? followUpGroupsSql(spec, 'bigint') : postgresRollupSelect(spec, 'bigint'), `${spec.table} (${spec.source})`);
    }
    const image = await TeamRollupImage.open(pg.url);
    try {
      assert.deepEqual(image.stats.wholeTables, []);
      assert.ok(image.stats.rollupRows > 0);
      // the ledger rows plus a handful per table: nothing near the team's rows
      assert.ok(image.eventRows() < totalRows / 10, `${image.eventRows()} of ${totalRows} event rows copied`);
    } finally {
      image.close();
    }
  });

  test('the rendered expressions give what SQLite gives: recovery mode, dq bucket, histogram keys', async () => {
    const SQL = await loadSqlJs();
    const lite = new SQL.Database();
    try {
      const extras = ['{"auto":true}', '{"auto":false}', '{"auto":1}', '{"auto":0}', '{"auto":1.0}', '{"auto":"true"}', '{"auto":"false"}', '{"auto":"1"}', '{"auto":"0"}', '{"auto":"yes"}', '{"auto":2}', '{"auto":null}', '{"auto":[1]}', '{"x":1}', '[1,2]', '"auto"', '7', null];
      for (const extra of extras) {
        const want = lite.exec(`SELECT ${RECOVERY_MODE_SQL} FROM (SELECT ? AS extra) AS t`, [extra])[0].values[0][0];
        const got = (await runTeamQuery(pg.url, `SELECT ${postgresExpression(RECOVERY_MODE_SQL)} FROM (SELECT ${extra === null ? 'NULL' : `'${extra}'`}::jsonb AS extra) AS t`)).rows[0][0];
        assert.equal(got, want, `extra ${extra}`);
      }
      const values = [0, -0.0000004, 0.00000123456, 0.5, 1, 1.5, 2.5, -2.5, 0.95, 0.05, 0.15, 9.99, 10, 123.45, 1234.5, 99999.5, 0.1 + 0.2, 1e11 + 0.5, -7.25, 3.141592653589793, 0.9999999, 1e-7];
      for (const v of values) {
        for (const [expr, name] of [[histogramKeySql('t.v'), 'histogram'], [DQ_BUCKET_SQL.replace(/t\.dq_score/g, 't.v'), 'dq']] as const) {
          const want = lite.exec(`SELECT ${expr} FROM (SELECT ? AS v) AS t`, [v])[0].values[0][0];
          const pgExpr = name === 'histogram' ? postgresHistogramKey('t.v') : postgresExpression(DQ_BUCKET_SQL)!.replace(/t\.dq_score/g, 't.v');
          const got = (await runTeamQuery(pg.url, `SELECT (${pgExpr})::float8 FROM (SELECT ${v}::float8 AS v) AS t`)).rows[0][0];
          assert.equal(Number(got), Number(want), `${name}(${v})`);
        }
      }
    } finally {
      lite.close();
    }
  });

  for (const [machine, timeZone] of [
    [undefined, 'UTC'],
    [undefined, 'Europe/Berlin'],
    ['beta', 'America/New_York'],
    [undefined, 'Asia/Kolkata'],
  ] as const) {
    test(`report data: ${machine ?? 'all machines'}, ${timeZone}`, async () => {
      const options = { machine, timeZone, nowSeconds: NOW };
      const copy = await buildTeamReportData(pg.url, { ...options, via: 'copy' });
      const rollups = await buildTeamReportData(pg.url, options);
      assertSame(rollups, copy);
      const overview = copy.payloads.all.overview as unknown as { overview: { totalEvents: number } };
      assert.ok(overview.overview.totalEvents > 0);
    });
  }

  for (const machine of [null, 'gamma'] as const) {
    test(`dashboard answers for unaligned ranges and their drill-downs: ${machine ?? 'all machines'}`, async () => {
      const old = await materialiseTeam(pg.url, { machine: machine ?? undefined });
      const image = await TeamRollupImage.open(pg.url, { machine: machine ?? undefined });
      try {
        const options = { timeZone: 'Europe/Berlin', nowSeconds: NOW };
        const oldSource: DashboardDataSource = { snapshot: async () => old, metricsOptions: () => options, nowSeconds: () => NOW };
        const newSource: DashboardDataSource = {
          snapshot: async (need) => {
            if (need) await image.prepareFor(need.range, need.options);
            return image.db as SqlDatabase;
          },
          drillDown: (request) => image.drillDown(request),
          metricsOptions: () => options,
          nowSeconds: () => NOW,
        };
        const ranges = [
          { preset: 'custom' as const, from: NOW - 3 * 86400 - 1234, to: NOW - 17 * 3600 + 77 },
          { preset: 'custom' as const, from: NOW - 20 * 3600 + 5, to: NOW - 2 * 3600 - 9 },
          { preset: '24h' as const },
          { preset: '7d' as const },
        ];
        let id = 0;
        for (const range of ranges) {
          for (const tab of TAB_IDS as readonly TabId[]) {
            const message = { type: 'requestData' as const, requestId: ++id, tab, range };
            const a = await answerDataRequest(message, newSource);
            const b = await answerDataRequest(message, oldSource);
            assert.equal(a?.type, 'data', JSON.stringify(a).slice(0, 300));
            assertSame(a, b, `${tab} ${JSON.stringify(range)}`);
          }
        }
        const model = String((await runTeamQuery(pg.url, `SELECT predicted_model FROM routing_metrics_events WHERE predicted_model IS NOT NULL ORDER BY id LIMIT 1`)).rows[0][0]);
        const tool = String((await runTeamQuery(pg.url, `SELECT tool FROM tool_events WHERE tool IS NOT NULL ORDER BY id DESC LIMIT 1`)).rows[0][0]);
        const day = new Date((NOW - 2 * 86400) * 1000).toISOString().slice(0, 10);
        const drills: DrillDownRequest[] = [
          { target: { kind: 'routing' }, range: { from: NOW - 5 * 86400 + 11, to: NOW - 3600 }, limit: 40 },
          { target: { kind: 'routing', predictedModel: model }, range: {}, limit: 25, offset: 10 },
          { target: { kind: 'toolCalls', tool, success: true }, range: {}, day, timeZone: 'Europe/Berlin', limit: 100 },
          { target: { kind: 'selfHeal', fixed: false }, range: {}, limit: 15 },
          { target: { kind: 'skills', errorType: null }, range: { from: NOW - 9 * 86400 }, limit: 30, offset: 5 },
          { target: { kind: 'keyed', key: mintDrillKey('table', 'recovery_events') }, range: {}, limit: 20 },
        ];
        for (const request of drills) {
          const message = { type: 'drillDown' as const, requestId: ++id, label: 'x', request };
          const a = (await answerDataRequest(message, newSource)) as Extract<HostToWebview, { type: 'rows' }>;
          const b = (await answerDataRequest(message, oldSource)) as Extract<HostToWebview, { type: 'rows' }>;
          assert.equal(a.type, 'rows', JSON.stringify(a).slice(0, 300));
          assert.ok(b.result.total > 0, JSON.stringify(request));
          assertSame(a, b, JSON.stringify(request));
        }
        // the panel answers messages as they come: requests for new ranges and drill-downs at once
        const burst = [
          ...(TAB_IDS as readonly TabId[]).map((tab) => ({ type: 'requestData' as const, requestId: ++id, tab, range: { preset: 'custom' as const, from: NOW - 6 * 86400 + 333, to: NOW - 4 * 86400 - 4444 } })),
          ...drills.map((request) => ({ type: 'drillDown' as const, requestId: ++id, label: 'y', request: { ...request, range: { from: NOW - 8 * 86400 + 99 } } })),
        ];
        const fresh = await Promise.all(burst.map((m) => answerDataRequest(m, newSource)));
        for (const [i, m] of burst.entries()) {
          assert.ok(fresh[i]?.type === 'data' || fresh[i]?.type === 'rows', JSON.stringify(fresh[i]).slice(0, 300));
          assertSame(fresh[i], await answerDataRequest(m, oldSource), `burst ${i}`);
        }
        assert.ok(image.eventRows() < totalRows / 2, `${image.eventRows()} of ${totalRows} event rows copied`);
      } finally {
        old.close();
        image.close();
      }
    });
  }
});
