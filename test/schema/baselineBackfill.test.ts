import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { migrateSources } from '../../src/core/ingest';
import { migrateFileUp } from '../../src/core/schema/fileOperations';
import { tempDir } from './helpers';
import { buildSeedFixture, pythonQuery } from './seedFixture';

const TABLES = ['routing_metrics_events', 'self_heal_events', 'skill_invocation'];

function counts(dbPath: string): Record<string, number> {
  return Object.fromEntries(TABLES.map((t) => [t, Number(pythonQuery(dbPath, `SELECT count(*) FROM ${t}`)[0][0])]));
}

describe('baseline, then backfilling the JSONL the adopted rows came from', () => {
  test('migrations up, then migrate: 0 rows inserted, every line already present, adopted rows claimed', async () => {
    const fx = buildSeedFixture(tempDir('backfill'));
    await migrateFileUp(fx.dbPath, { tz: 'UTC' });
    assert.deepEqual(counts(fx.dbPath), fx.counts);

    const result = await migrateSources(fx.dbPath, [fx.logs], { tz: 'UTC' });
    for (const s of result.sources) {
      assert.equal(s.inserted, 0, `${s.table}: nothing inserted twice`);
      assert.equal(s.present, s.lines, `${s.table}: every line recognised as already there`);
    }
    assert.deepEqual(counts(fx.dbPath), fx.counts, '1,000 rows, no duplicates');
    assert.deepEqual(pythonQuery(fx.dbPath, 'PRAGMA integrity_check'), [['ok']]);
    for (const t of TABLES) assert.deepEqual(pythonQuery(fx.dbPath, `SELECT count(*) FROM ${t} WHERE stream_id = 0`), [[0]], `${t}: adopted rows claimed by their stream`);
    // a second run is a no-op too
    const again = await migrateSources(fx.dbPath, [fx.logs], { tz: 'UTC' });
    assert.equal(again.sources.reduce((n, s) => n + s.inserted, 0), 0);
    assert.deepEqual(counts(fx.dbPath), fx.counts);
  });

  test('migrate straight onto the script-made database (baseline inside the same write): 0 duplicates', async () => {
    const fx = buildSeedFixture(tempDir('backfill-direct'));
    const result = await migrateSources(fx.dbPath, [fx.logs], { tz: 'UTC' });
    assert.equal(result.migrations.applied[0], 'V1__telemetry_core');
    assert.equal(result.sources.reduce((n, s) => n + s.inserted, 0), 0);
    assert.deepEqual(counts(fx.dbPath), fx.counts);
  });
});
