import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DRILL_TABLES, DrillDownError, getDrillDownRows, getDataSources, listTableRows, mintDrillKey, resolveDrillTarget } from '../../src/core/metrics';
import type { RowsTarget } from '../../src/protocol';
import { tableColumns } from '../../src/core/db/queryHelpers';
import { at, D0, fixtureDatabase } from './fixture';
import { assertClose } from './helpers';

describe('drill-down rows', async () => {
  const db = await fixtureDatabase();
  // give two rows provenance as ingest would: a ledger row and source_line
  db.run(`INSERT INTO ingest_streams (id, stream_key, kind, table_name, created_at) VALUES (1, 'k', 'routing-metrics', 'routing_metrics_events', 0)`);
  db.run(`INSERT INTO ingest_sources (id, path, stream_id, kind, table_name, format, first_seen_at, last_run_at) VALUES (5, '/logs/routing-metrics.jsonl', 1, 'routing-metrics', 'routing_metrics_events', 'jsonl', 0, 0)`);
  db.run(`UPDATE routing_metrics_events SET source_id = 5, source_line = 2 WHERE timestamp = ?`, [at(0, 10)]);

  test('a bar (model on a day) gives its rows, newest first, with source path and line', () => {
    const r = getDrillDownRows(db, { target: { kind: 'routing', predictedModel: 'haiku' }, range: {}, day: new Date(D0 * 1000).toISOString().slice(0, 10), timeZone: 'UTC' });
    assert.equal(r.total, 2);
    assert.ok(!r.columns.includes('row_hash') && r.columns.includes('predicted_model') && r.columns.includes('extra'));
    assertClose(r.rows.map((x) => [x.values.timestamp, x.values.actual_model, x.source.path, x.source.line]), [
      [at(0, 10), 'sonnet', '/logs/routing-metrics.jsonl', 2],
      [at(0, 9), 'haiku', null, null],
    ]);
  });

  test('null filters, paging, range', () => {
    const r = getDrillDownRows(db, { target: { kind: 'routing', actualModel: null }, range: { from: at(1, 0) }, limit: 1 });
    assert.equal(r.total, 2);
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0].values.timestamp, at(2, 9));
    const page2 = getDrillDownRows(db, { target: { kind: 'routing', actualModel: null }, range: { from: at(1, 0) }, limit: 1, offset: 1 });
    assert.equal(page2.rows[0].values.timestamp, at(2, 8));
  });

  test('host listing: inferred tables work; unknown tables and columns are refused (names from data are never spliced)', () => {
    assert.equal(listTableRows(db, { table: 'permission_events', range: {} }).total, 2);
    assert.throws(() => listTableRows(db, { table: 'sqlite_master', range: {} }), DrillDownError);
    assert.throws(() => listTableRows(db, { table: 'tool_events', range: {}, filters: { 'tool" OR 1=1 --': 'x' } }), DrillDownError);
  });

  test('a data source’s newest rows come through the key the Overview payload carries, inferred tables included', () => {
    const source = getDataSources(db).sources.find((s) => s.table === 'permission_events')!;
    assert.equal(getDrillDownRows(db, { target: { kind: 'keyed', key: source.drillKey }, range: {} }).total, 2);
  });

  test('the page’s targets name no table or column: each kind maps to its table, fields to columns, booleans to 1/0', () => {
    assert.deepEqual(resolveDrillTarget({ kind: 'selfHeal', errorPattern: 'E1', fixed: false }), { source: 'events', table: 'self_heal_events', filters: { error_pattern: 'E1', success: 0 } });
    assert.deepEqual(resolveDrillTarget({ kind: 'toolCalls', tool: 'Bash', success: null }), { source: 'events', table: 'tool_events', filters: { tool: 'Bash', success: null } });
    assert.deepEqual(resolveDrillTarget({ kind: 'skills', skill: undefined, completed: true }), { source: 'events', table: 'skill_invocation', filters: { completed: 1 } });
    // same rows as the host's own listing with the columns spelled out
    const viaTarget = getDrillDownRows(db, { target: { kind: 'routing', predictedModel: 'haiku', actualModel: null }, range: {} });
    const viaTable = listTableRows(db, { table: 'routing_metrics_events', range: {}, filters: { predicted_model: 'haiku', actual_model: null } });
    assert.deepEqual(viaTarget, viaTable);
  });

  test('forged targets from a page are refused: unknown kinds, fields, values, keys', () => {
    const forged: unknown[] = [
      { kind: 'sqlite_master' },
      { kind: '__proto__' },
      { kind: 'routing', predicted_model: 'haiku' },
      { kind: 'routing', predictedModel: { toString: 'x' } },
      { kind: 'routing', predictedModel: Number.NaN },
      { kind: 'keyed', key: 'routing_metrics_events' },
      { kind: 'keyed', key: 'dk.' + Buffer.from(JSON.stringify(['sql', 'SELECT 1'])).toString('base64url') },
      { kind: 'keyed', key: mintDrillKey('table', 'sqlite_master') },
      null,
    ];
    for (const target of forged) assert.throws(() => getDrillDownRows(db, { target: target as RowsTarget, range: {} }), DrillDownError, JSON.stringify(target));
  });

  test('every drill kind names a real table and real columns of the released schema', () => {
    for (const [kind, spec] of Object.entries(DRILL_TABLES)) {
      const columns = tableColumns(db, spec.table);
      assert.ok(columns.length > 0, `${kind}: table ${spec.table}`);
      for (const column of Object.values(spec.fields) as string[]) assert.ok(columns.includes(column), `${kind}: ${spec.table}.${column}`);
    }
  });
});
