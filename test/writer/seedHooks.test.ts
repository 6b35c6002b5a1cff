import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { migrateSources } from '../../src/core/ingest/migrate';
import { verifySources } from '../../src/core/ingest/verify';
import { getDataSources } from '../../src/core/metrics';
import { pyCount, pyQuery, tempDir, write, lines } from '../ingest/helpers';
import { runHooks, seedHookCalls } from './hooks';

const T0 = 1769600000;

describe('writer contract: the seeds\' hook statements on a database Telemetry Lens created', () => {
  for (const wal of [false, true]) {
    test(`succeed before and after every migrate (${wal ? 'WAL' : 'default journal'}); the rows are counted once by metrics and rollups`, async () => {
      const dir = tempDir('seedhooks');
      const logs = path.join(dir, 'logs');
      write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0, tool: 'Read' }));
      const db = path.join(dir, 'claude.db');
      await migrateSources(db, [logs], { tz: 'UTC' });
      for (let round = 0; round < 3; round++) {
        assert.equal(runHooks(db, seedHookCalls(T0 + round * 100, round), { wal }), null, `round ${round}`);
        await migrateSources(db, [logs], { tz: 'UTC' });
      }
      assert.equal(runHooks(db, seedHookCalls(T0 + 900, 9), { wal }), null, 'after the last migrate');
      for (const t of ['git_events', 'self_heal_events', 'routing_metrics_events', 'session_outcome_events']) assert.equal(pyCount(db, t), 4, t);
      assert.deepEqual(pyQuery(db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
      // rows the hooks wrote after the last run are seen at once, each once
      const snap = await openSnapshot(db);
      try {
        const ds = getDataSources(snap, { nowSeconds: T0 + 1000 });
        const rowsOf = (t: string) => ds.sources.find((s) => s.table === t)?.rows;
        for (const t of ['git_events', 'self_heal_events', 'routing_metrics_events', 'session_outcome_events']) assert.equal(rowsOf(t), 4, t);
        assert.equal(rowsOf('tool_events'), 1);
      } finally {
        snap.close();
      }
      const v = await verifySources(db, [logs], { tz: 'UTC' });
      assert.equal(v.ok, true);
    });
  }
});
