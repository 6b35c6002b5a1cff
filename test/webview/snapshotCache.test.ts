import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { answerDataRequest, NO_TELEMETRY_TABLES } from '../../src/core/dashboard/dashboardRequests';
import { SnapshotCache } from '../../src/core/dashboard/snapshotCache';
import { buildFixtureDatabase, NOW } from './fixtureDb';

const source = (cache: SnapshotCache) => ({ snapshot: () => cache.get(), metricsOptions: () => ({ timeZone: 'UTC', nowSeconds: NOW }), nowSeconds: () => NOW });

describe('dashboard snapshot cache', () => {
  test('warm() opens and prepares the snapshot the next request then uses as it is', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-snapshot-'));
    const file = path.join(dir, 'telemetry.db');
    const source0 = await buildFixtureDatabase();
    fs.writeFileSync(file, source0.export());
    source0.close();
    const cache = new SnapshotCache(() => file);
    try {
      await cache.warm();
      const warmed = await cache.get();
      // prepared: the percentile aggregates answer (a fresh snapshot has none registered)
      assert.deepEqual(warmed.exec(`SELECT tl_weighted_percentiles(5, 1, '[0.5]')`)[0].values, [['[5]']]);
      const reply = await answerDataRequest({ type: 'requestData', requestId: 1, tab: 'routing', range: { preset: 'all' } }, source(cache));
      assert.equal(reply?.type, 'data');
      assert.equal(await cache.get(), warmed, 'the request used the warmed snapshot');
    } finally {
      cache.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('warming a file without telemetry tables keeps the “run Migrate JSONL” answer', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-snapshot-'));
    const file = path.join(dir, 'telemetry.db');
    const SQL = await loadSqlJs();
    const blank = new SQL.Database();
    fs.writeFileSync(file, blank.export());
    blank.close();
    const cache = new SnapshotCache(() => file);
    try {
      await cache.warm();
      for (let i = 0; i < 2; i++) {
        const reply = await answerDataRequest({ type: 'requestData', requestId: i, tab: 'overview', range: { preset: '7d' } }, source(cache));
        assert.deepEqual(reply, { type: 'error', requestId: i, message: NO_TELEMETRY_TABLES });
      }
    } finally {
      cache.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
