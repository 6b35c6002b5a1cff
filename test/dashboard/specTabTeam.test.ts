/**
 * Spec tabs in the Team scope: a spec tab reads event rows (not rollups), so the team's rollup
 * image copies the rows of the tab's `tables` in the request's range (`rowTables`). Its answers —
 * the Permissions tab over two machines' permission_events synced to a real PostgreSQL, for
 * aligned and unaligned ranges, its drill-downs, the team report — equal the full copy's.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { answerDataRequest, type DashboardDataSource } from '../../src/core/dashboard/dashboardRequests';
import type { SqlDatabase } from '../../src/core/db/database';
import { buildTeamReportData, materialiseTeam } from '../../src/core/team/read';
import { TeamRollupImage } from '../../src/core/team/rollupImage';
import type { HostToWebview, RangeSelection } from '../../src/protocol';
import { lines } from '../ingest/helpers';
import { startPgCluster, type PgCluster } from '../team/pgCluster';
import { cli, tempDir } from '../team/helpers';

const NOW = Date.UTC(2026, 2, 15, 12) / 1000;

function permissionLines(machine: number): string {
  const records = [];
  for (let i = 0; i < 80; i++) {
    const t = NOW - 20 * 86400 + Math.floor((i * 20 * 86400) / 80) + 977 * (machine + 1);
    records.push({
      timestamp: new Date(t * 1000).toISOString(),
      event_type: (i + machine) % 4 === 0 ? 'PERMISSION_REVOKED' : 'PERMISSION_GRANTED',
      agent_id: `agent_${(i * (machine + 2)) % 5}`,
      permission_level: ['metrics_write', 'read_only', 'edit_access'][i % 3],
      confidence: 0.8,
    });
  }
  return lines(...records) + '\n';
}

describe('spec tabs in the Team scope equal the full copy', () => {
  let pg: PgCluster;
  let dir: string;
  before(async () => {
    pg = await startPgCluster();
    dir = tempDir('spec');
    for (const [i, machine] of ['alpha', 'beta'].entries()) {
      const src = path.join(dir, machine, 'memory');
      fs.mkdirSync(src, { recursive: true });
      fs.writeFileSync(path.join(src, 'permission_events.jsonl'), permissionLines(i));
      const db = path.join(dir, `${machine}.db`);
      assert.equal((await cli('migrate', '--db', db, src)).code, 0);
      assert.equal((await cli('sync', '--db', db, '--to', pg.url, '--machine', machine)).code, 0);
    }
  });
  after(() => {
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const machine of [null, 'beta'] as const) {
    test(`the Permissions tab and its drill-downs: ${machine ?? 'all machines'}`, async () => {
      const full = await materialiseTeam(pg.url, { machine: machine ?? undefined });
      const image = await TeamRollupImage.open(pg.url, { machine: machine ?? undefined });
      // the same image without the rows of the tab's tables: what the scope showed before rowTables
      const bare = await TeamRollupImage.open(pg.url, { machine: machine ?? undefined });
      try {
        const options = { timeZone: 'Europe/Berlin', nowSeconds: NOW };
        const fullSource: DashboardDataSource = { snapshot: async () => full, metricsOptions: () => options, nowSeconds: () => NOW };
        const imageSource: DashboardDataSource = {
          snapshot: async (need) => {
            if (need) await image.prepareFor(need.range, need.options, need.rowTables);
            return image.db as SqlDatabase;
          },
          drillDown: (request) => image.drillDown(request),
          metricsOptions: () => options,
          nowSeconds: () => NOW,
        };
        const bareSource: DashboardDataSource = {
          snapshot: async (need) => {
            if (need) await bare.prepareFor(need.range, need.options);
            return bare.db as SqlDatabase;
          },
          metricsOptions: () => options,
          nowSeconds: () => NOW,
        };
        const ranges: RangeSelection[] = [{ preset: 'custom', from: NOW - 9 * 86400 - 1234, to: NOW - 2 * 86400 + 77 }, { preset: '24h' }, { preset: '7d' }, { preset: 'all' }];
        let id = 0;
        let differsWithoutRows = false;
        for (const range of ranges) {
          const message = { type: 'requestData' as const, requestId: ++id, tab: 'permissions', range };
          const a = (await answerDataRequest(message, imageSource)) as Extract<HostToWebview, { type: 'data' }>;
          const b = (await answerDataRequest(message, fullSource)) as Extract<HostToWebview, { type: 'data' }>;
          assert.equal(a.type, 'data', JSON.stringify(a).slice(0, 300));
          assert.deepEqual(a, b, JSON.stringify(range));
          assert.ok(a.payload.tab === 'spec' && !a.payload.view.empty && a.payload.view.kpis[0].value! > 0, JSON.stringify(range));
          const c = await answerDataRequest(message, bareSource);
          if (JSON.stringify(c) !== JSON.stringify(b)) differsWithoutRows = true;

          if (a.payload.tab !== 'spec') continue;
          const keys = [a.payload.view.tables[0].rows[0].drillKey!, ...a.payload.view.charts.flatMap((ch) => (ch.kind === 'categories' ? ch.categories.map((x) => x.drillKey!) : []))];
          const from = range.preset === 'custom' ? range.from : range.preset === 'all' ? undefined : NOW - (range.preset === '24h' ? 86400 : 7 * 86400);
          for (const key of keys) {
            const drill = { type: 'drillDown' as const, requestId: ++id, label: 'x', request: { target: { kind: 'keyed' as const, key }, range: { from, to: range.preset === 'custom' ? range.to : undefined }, limit: 30 } };
            const x = (await answerDataRequest(drill, imageSource)) as Extract<HostToWebview, { type: 'rows' }>;
            const y = (await answerDataRequest(drill, fullSource)) as Extract<HostToWebview, { type: 'rows' }>;
            assert.equal(x.type, 'rows', JSON.stringify(x).slice(0, 300));
            assert.ok(y.result.total > 0);
            assert.deepEqual(x, y, key);
          }
        }
        assert.ok(differsWithoutRows, 'without the rows of its tables the image gives other numbers (the test would not see a missing copy)');
      } finally {
        full.close();
        image.close();
        bare.close();
      }
    });
  }

  test('the team report: the Permissions tab of every preset equals the full copy’s', async () => {
    const options = { timeZone: 'UTC', nowSeconds: NOW };
    const copy = await buildTeamReportData(pg.url, { ...options, via: 'copy' });
    const rollups = await buildTeamReportData(pg.url, options);
    for (const preset of ['24h', '7d', '30d', 'all'] as const) assert.deepEqual(rollups.payloads[preset].permissions, copy.payloads[preset].permissions, preset);
    assert.deepEqual(rollups.keyedRows, copy.keyedRows);
    const all = copy.payloads.all.permissions;
    assert.ok(all.tab === 'spec' && all.view.kpis[0].value === 160);
  });
});
