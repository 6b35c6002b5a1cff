import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { getDrillDownRows, getRouting } from '../../src/core/metrics';
import { answerDataRequest, NO_TELEMETRY_TABLES, type DashboardDataSource } from '../../src/core/dashboard/dashboardRequests';
import { resolveRange } from '../../src/core/dashboard/tabPayload';
import type { TabId } from '../../src/protocol';
import { buildFixtureDatabase, NOW } from './fixtureDb';

const sourceOf = (db: Database): DashboardDataSource => ({ snapshot: async () => db, metricsOptions: () => ({ timeZone: 'UTC', nowSeconds: NOW }), nowSeconds: () => NOW });

describe('host side of the dashboard protocol (answerDataRequest, real metrics)', () => {
  let db: Database;
  before(async () => {
    db = await buildFixtureDatabase();
  });
  after(() => db.close());

  test('presets are rolling windows ending now; custom passes from/to; all is open', () => {
    assert.deepEqual(resolveRange({ preset: '24h' }, NOW), { from: NOW - 86400 });
    assert.deepEqual(resolveRange({ preset: '7d' }, NOW), { from: NOW - 7 * 86400 });
    assert.deepEqual(resolveRange({ preset: '30d' }, NOW), { from: NOW - 30 * 86400 });
    assert.deepEqual(resolveRange({ preset: 'all' }, NOW), {});
    assert.deepEqual(resolveRange({ preset: 'custom', from: 100.7, to: 200 }, NOW), { from: 100, to: 200 });
    assert.deepEqual(resolveRange({ preset: 'custom', from: Number.NaN }, NOW), {});
  });

  test('requestData answers with the metrics layer’s dataset for that tab and range, echoing the id', async () => {
    const reply = await answerDataRequest({ type: 'requestData', requestId: 7, tab: 'routing', range: { preset: '7d' } }, sourceOf(db));
    assert.ok(reply && reply.type === 'data');
    assert.equal(reply.requestId, 7);
    assert.ok(reply.payload.tab === 'routing');
    assert.deepEqual(reply.payload.routing, getRouting(db, { from: NOW - 7 * 86400 }, { timeZone: 'UTC', nowSeconds: NOW }));
  });

  test('an unknown tab is an error reply, not an exception', async () => {
    const reply = await answerDataRequest({ type: 'requestData', requestId: 8, tab: 'sql' as TabId, range: { preset: 'all' } }, sourceOf(db));
    assert.deepEqual(reply, { type: 'error', requestId: 8, message: 'unknown tab sql' });
  });

  test('drillDown: rows from getDrillDownRows, page size clamped; unknown kinds/fields are refused', async () => {
    const toolEvents = db.exec('SELECT count(*) FROM tool_events')[0].values[0][0];
    const request = { target: { kind: 'selfHeal', fixed: false } as const, range: {} };
    const reply = await answerDataRequest({ type: 'drillDown', requestId: 9, label: 'Self-heal failures', request: { ...request, limit: 1_000_000 } }, sourceOf(db));
    assert.ok(reply && reply.type === 'rows');
    assert.equal(reply.label, 'Self-heal failures');
    assert.deepEqual(reply.result, getDrillDownRows(db, { ...request, limit: 1000, timeZone: 'UTC' }));

    const badTable = await answerDataRequest({ type: 'drillDown', requestId: 10, label: 'x', request: { target: { kind: 'sqlite_master; DROP TABLE tool_events' } as never, range: {} } }, sourceOf(db));
    assert.equal(badTable?.type, 'error');
    const badColumn = await answerDataRequest({ type: 'drillDown', requestId: 11, label: 'x', request: { target: { kind: 'toolCalls', '1=1 OR tool': 'x' } as never, range: {} } }, sourceOf(db));
    assert.equal(badColumn?.type, 'error');
    assert.equal(db.exec('SELECT count(*) FROM tool_events')[0].values[0][0], toolEvents, 'the refused requests changed nothing');
  });

  test('a database file without telemetry tables says what to do next', async () => {
    const SQL = await loadSqlJs();
    const empty = new SQL.Database();
    try {
      const reply = await answerDataRequest({ type: 'requestData', requestId: 12, tab: 'overview', range: { preset: '7d' } }, sourceOf(empty));
      assert.deepEqual(reply, { type: 'error', requestId: 12, message: NO_TELEMETRY_TABLES });
    } finally {
      empty.close();
    }
  });

  test('messages that are not data requests are left to the panel', async () => {
    assert.equal(await answerDataRequest({ type: 'ready', protocolVersion: 1 }, sourceOf(db)), undefined);
    assert.equal(await answerDataRequest({ type: 'openSource', path: '/etc/passwd', line: 1 }, sourceOf(db)), undefined);
  });
});
