import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { migrateSources } from '../../src/core/ingest/migrate';
import { verifySources } from '../../src/core/ingest/verify';
import { cutoverCommand } from '../../src/cli/commands/cutover';
import { verifyCommand } from '../../src/cli/commands/verify';
import { pyCount, pyQuery, tempDir } from '../ingest/helpers';
import { runHooks, type HookCall } from './hooks';

const T0 = 1769700000;

/**
 * One dual-written event per kind, as seed 001's writers do it: the SQLite row first
 * (python sqlite3), then the JSONL backup — for routing the router's own line (query_hash,
 * latency_ms), one second later on odd events.
 */
function dualWrite(db: string, logs: string, n: number, diverge = false): void {
  const t = T0 + n * 60;
  const calls: HookCall[] = [
    { kind: 'routing_lib', args: { timestamp: t, query_id: `q-${n}`, model: n % 2 ? 'haiku' : 'sonnet', dq: 0.5 + n / 100, complexity: 0.3, reasoning: 'r', query_text: `query ${n}` } },
    {
      kind: 'session_outcome',
      args: { timestamp: t + 5, session_id: `sess-${n}`, outcome: 'success', quality: 4, complexity: 0.5, intent: 'fix', model: 'sonnet', messages_count: 10 + n, duration_minutes: 3, cost_usd: 0.1, success: 1, summary: 's' },
    },
    { kind: 'tool', args: { timestamp: t + 10, tool_name: n % 2 ? 'Read' : 'Bash', session_id: `sess-${n}`, success: 1 } },
  ];
  assert.equal(runHooks(db, calls, { wal: true }), null);
  const late = n % 2;
  fs.appendFileSync(path.join(logs, 'routing-metrics.jsonl'), JSON.stringify({ ts: t + late, query_hash: `h${n}`, complexity: 0.3, model: n % 2 ? 'haiku' : 'sonnet', dq: 0.5 + n / 100, latency_ms: 12 + n }) + '\n');
  fs.appendFileSync(
    path.join(logs, 'session-outcomes.jsonl'),
    JSON.stringify({ ts: t + 5, event: 'session_analysis_complete', session_id: `sess-${n}`, outcome: 'success', quality: diverge ? 2 : 4, complexity: 0.5, intent: 'fix', optimal_model: 'sonnet', messages: 10 + n }) + '\n',
  );
  fs.appendFileSync(path.join(logs, 'tool-usage.jsonl'), JSON.stringify({ ts: t + 10, tool: n % 2 ? 'Read' : 'Bash', session_id: `sess-${n}`, success: true }) + '\n');
}

describe('dual-write: a JSONL line whose event a program already wrote is claimed by that row', () => {
  test('routing (router-shape line, ±1 s), session outcomes and tool events: one row per event with migrate between batches; verify dual-reads and exits 0; a diverging copy fails it', async () => {
    const dir = tempDir('dualwrite');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const db = path.join(dir, 'claude.db');
    await migrateSources(db, [logs], { tz: 'UTC' }); // a fresh Telemetry Lens database
    let n = 0;
    for (const batch of [2, 2, 1]) {
      for (let i = 0; i < batch; i++) dualWrite(db, logs, n++);
      const r = await migrateSources(db, [logs], { tz: 'UTC' });
      assert.equal(r.sources.reduce((s, x) => s + x.inserted, 0), 0, 'every line was claimed, none inserted');
    }
    // hooks keep writing after the last run
    dualWrite(db, logs, n++);
    dualWrite(db, logs, n++);
    for (const t of ['routing_metrics_events', 'session_outcome_events', 'tool_events']) assert.equal(pyCount(db, t), n, `${t}: one row per event`);
    // the claimed rows carry both copies' fields: the hook's query_id/query_text and the router's latency
    assert.deepEqual(pyQuery(db, `SELECT query_id, query_text, latency_ms FROM routing_metrics_events WHERE query_id = 'q-1'`), [{ query_id: 'q-1', query_text: 'query 1', latency_ms: 13 }]);

    const v = await verifySources(db, [logs], { tz: 'UTC' });
    assert.equal(v.ok, true, JSON.stringify({ s: v.sources.filter((x) => !x.ok), d: v.dualRead!.map((d) => [d.table, d.both, d.onlyJsonl, d.onlyDatabase, d.disagreements, d.ambiguous, d.ok]) }));
    const byTable = Object.fromEntries(v.dualRead!.map((d) => [d.table, d]));
    for (const t of ['routing_metrics_events', 'session_outcome_events', 'tool_events']) {
      assert.equal(byTable[t].mode, 'dual-write', t);
      assert.deepEqual([byTable[t].both, byTable[t].onlyJsonl, byTable[t].onlyDatabase, byTable[t].disagreements.length], [n, 0, 0, 0], t);
      assert.equal(byTable[t].agreementPercent, 100);
    }
    // a second migrate claims the late rows too, still one row each
    await migrateSources(db, [logs], { tz: 'UTC' });
    for (const t of ['routing_metrics_events', 'session_outcome_events', 'tool_events']) assert.equal(pyCount(db, t), n, t);
    assert.equal((await verifySources(db, [logs], { tz: 'UTC' })).ok, true);

    // a copy that diverges: the session's JSONL backup says quality 2, the database 4
    dualWrite(db, logs, n++, true);
    dualWrite(db, logs, n++); // newer events, so the divergence is not "in flight"
    const bad = await verifySources(db, [logs], { tz: 'UTC' });
    assert.equal(bad.ok, false);
    const s = bad.dualRead!.find((d) => d.table === 'session_outcome_events')!;
    assert.deepEqual(
      s.disagreements.map((d) => [d.column, d.jsonl, d.database]),
      [['quality', 2, 4]],
    );
  });

  test('two genuine events are never merged: identical hook rows keep their own lines; a line matching two different rows is kept apart and reported', async () => {
    const dir = tempDir('dualwrite-amb');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const db = path.join(dir, 'claude.db');
    await migrateSources(db, [logs], { tz: 'UTC' });
    // two identical tool calls in one second, both dual-written: 2 rows, not 4 and not 1
    const same: HookCall = { kind: 'tool', args: { timestamp: T0, tool_name: 'Read', session_id: 's', success: 1 } };
    assert.equal(runHooks(db, [same, same]), null);
    const line = JSON.stringify({ ts: T0, tool: 'Read', session_id: 's', success: true }) + '\n';
    fs.writeFileSync(path.join(logs, 'tool-usage.jsonl'), line + line);
    // two different routing rows in one second, one router line that fits both: ambiguous
    assert.equal(
      runHooks(db, [
        { kind: 'routing_lib', args: { timestamp: T0, query_id: 'a', model: 'sonnet', dq: 0.8, complexity: 0.4, reasoning: 'x', query_text: 'one' } },
        { kind: 'routing_lib', args: { timestamp: T0, query_id: 'b', model: 'sonnet', dq: 0.8, complexity: 0.4, reasoning: 'y', query_text: 'two' } },
      ]),
      null,
    );
    fs.writeFileSync(path.join(logs, 'routing-metrics.jsonl'), JSON.stringify({ ts: T0, query_hash: 'zz', model: 'sonnet', dq: 0.8, complexity: 0.4, latency_ms: 5 }) + '\n');
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal(pyCount(db, 'tool_events'), 2);
    assert.equal(pyCount(db, 'routing_metrics_events'), 3);
    assert.deepEqual(r.sources.find((s) => s.table === 'routing_metrics_events')!.ambiguousDualWrite, [1]);
  });

  test('cutover retires a dual-written source once dual-read agrees (no longer imported, still verified); rollback imports it again without duplicates', async () => {
    const dir = tempDir('cutover');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const db = path.join(dir, 'claude.db');
    const io = { out: () => {}, err: () => {} };
    fs.writeFileSync(path.join(logs, 'git-activity.jsonl'), JSON.stringify({ ts: T0, type: 'commit', repo: 'x', hash: 'abc' }) + '\n');
    await migrateSources(db, [logs], { tz: 'UTC' });
    // a JSONL-only source cannot be cut over
    await assert.rejects(cutoverCommand.run(['--db', db, path.join(logs, 'git-activity.jsonl')], io), /JSONL only/);
    let n = 0;
    for (let i = 0; i < 3; i++) dualWrite(db, logs, n++);
    await migrateSources(db, [logs], { tz: 'UTC' });
    const routing = path.join(logs, 'routing-metrics.jsonl');
    assert.equal(await cutoverCommand.run(['--db', db, routing], io), 0);
    // the hooks go on (their JSONL backup too); migrate leaves the retired file alone
    for (let i = 0; i < 2; i++) dualWrite(db, logs, n++);
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal(r.sources.some((s) => s.path === routing), false, 'not imported');
    assert.equal(pyCount(db, 'routing_metrics_events'), n);
    let json = '';
    assert.equal(await verifyCommand.run(['--db', db, logs, '--json'], { out: (t) => (json += t), err: () => {} }), 0);
    const dr = (JSON.parse(json) as { dualRead: { table: string; mode: string; both: number }[] }).dualRead.find((d) => d.table === 'routing_metrics_events')!;
    assert.deepEqual([dr.mode, dr.both], ['database-native', n]);
    // roll back: imported again, the lines written meanwhile claim their rows
    assert.equal(await cutoverCommand.run(['--db', db, routing, '--rollback'], io), 0);
    const back = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal(back.sources.find((s) => s.path === routing)!.inserted, 0);
    assert.equal(pyCount(db, 'routing_metrics_events'), n);
    await assert.rejects(cutoverCommand.run(['--db', db, routing, '--rollback'], io), /was not cut over/);
  });
});
