import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DrillDownError, getDrillDownRows } from '../../src/core/metrics';
import { at, D0, fixtureDatabase } from './fixture';
import { assertClose } from './helpers';

describe('drill-down rows', async () => {
  const db = await fixtureDatabase();
  // give two rows provenance as ingest would: a ledger row and source_line
  db.run(`INSERT INTO ingest_streams (id, stream_key, kind, table_name, created_at) VALUES (1, 'k', 'routing-metrics', 'routing_metrics_events', 0)`);
  db.run(`INSERT INTO ingest_sources (id, path, stream_id, kind, table_name, format, first_seen_at, last_run_at) VALUES (5, '/logs/routing-metrics.jsonl', 1, 'routing-metrics', 'routing_metrics_events', 'jsonl', 0, 0)`);
  db.run(`UPDATE routing_metrics_events SET source_id = 5, source_line = 2 WHERE timestamp = ?`, [at(0, 10)]);

  test('a bar (model on a day) gives its rows, newest first, with source path and line', () => {
    const r = getDrillDownRows(db, { table: 'routing_metrics_events', range: {}, day: new Date(D0 * 1000).toISOString().slice(0, 10), timeZone: 'UTC', filters: { predicted_model: 'haiku' } });
    assert.equal(r.total, 2);
    assert.ok(!r.columns.includes('row_hash') && r.columns.includes('predicted_model') && r.columns.includes('extra'));
    assertClose(r.rows.map((x) => [x.values.timestamp, x.values.actual_model, x.source.path, x.source.line]), [
      [at(0, 10), 'sonnet', '/logs/routing-metrics.jsonl', 2],
      [at(0, 9), 'haiku', null, null],
    ]);
  });

  test('null filters, paging, range', () => {
    const r = getDrillDownRows(db, { table: 'routing_metrics_events', range: { from: at(1, 0) }, filters: { actual_model: null }, limit: 1 });
    assert.equal(r.total, 2);
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0].values.timestamp, at(2, 9));
    const page2 = getDrillDownRows(db, { table: 'routing_metrics_events', range: { from: at(1, 0) }, filters: { actual_model: null }, limit: 1, offset: 1 });
    assert.equal(page2.rows[0].values.timestamp, at(2, 8));
  });

  test('inferred tables work; unknown tables and columns are refused (names from data are never spliced)', () => {
    assert.equal(getDrillDownRows(db, { table: 'permission_events', range: {} }).total, 2);
    assert.throws(() => getDrillDownRows(db, { table: 'sqlite_master', range: {} }), DrillDownError);
    assert.throws(() => getDrillDownRows(db, { table: 'tool_events', range: {}, filters: { 'tool" OR 1=1 --': 'x' } }), DrillDownError);
  });
});
