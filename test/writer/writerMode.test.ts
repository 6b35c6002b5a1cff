import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { recordClaim, tagDirectRows } from '../../src/core/ingest/directRows';
import { recordCutover } from '../../src/core/ingest/writerMode';
import { getDataSources } from '../../src/core/metrics';
import { ensureSchema } from '../../src/core/schema';
import { memoryDb } from '../schema/helpers';

describe('writer mode per data source (tree and dashboard)', () => {
  test('JSONL only / dual-write (agreement %) / database-native, and live follows the newest row whoever wrote it', async () => {
    const db = await memoryDb();
    ensureSchema(db);
    const now = 1769800000;
    for (const [key, table] of [['/l/routing-metrics.jsonl', 'routing_metrics_events'], ['/l/tool-usage.jsonl', 'tool_events'], ['/l/git-activity.jsonl', 'git_events']]) {
      db.run(`INSERT INTO ingest_streams (stream_key, kind, table_name, created_at) VALUES (?, 'x', ?, 0)`, [key, table]);
    }
    // imported rows (TL identity) and rows hooks wrote (no identity)
    db.run(`INSERT INTO tool_events (timestamp, tool, stream_id, row_hash, row_seq) VALUES (?, 'Read', 2, 7, 1)`, [now - 100]);
    db.run(`INSERT INTO routing_metrics_events (timestamp, predicted_model) VALUES (?, 'haiku'), (?, 'sonnet')`, [now - 50, now - 40]);
    db.run(`INSERT INTO self_heal_events (timestamp, error_pattern, success) VALUES (?, 'git_lock', 1)`, [now - 10]);
    db.run(`INSERT INTO git_events (timestamp, event_type) VALUES (?, 'commit')`, [now - 10]);
    tagDirectRows(db, now);
    recordClaim(db, 'routing_metrics_events', 1, 1, 1, 'content', now);
    recordCutover(db, '/l/git-activity.jsonl', 'git_events', 100, now);
    const ds = getDataSources(db, { nowSeconds: now });
    const by = Object.fromEntries(ds.sources.map((s) => [s.table, [s.writerModeText ?? null, s.rows, s.status]]));
    assert.deepEqual(by.tool_events, ['JSONL only', 1, 'live']);
    assert.deepEqual(by.routing_metrics_events, ['dual-write 100%', 2, 'live']);
    assert.deepEqual(by.self_heal_events, ['database-native', 1, 'live']); // written only by a hook
    assert.deepEqual(by.git_events, ['database-native', 1, 'live']); // cut over
    assert.deepEqual(by.recovery_events, [null, 0, 'empty']);
  });
});
