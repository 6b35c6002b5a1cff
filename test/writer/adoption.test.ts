import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { migrateSources } from '../../src/core/ingest/migrate';
import { getActivity, getDataSources } from '../../src/core/metrics';
import { lines, pyCount, pyQuery, tempDir, write } from '../ingest/helpers';
import { runHooks, seedHookCalls, type HookCall } from './hooks';

const T0 = 1769600000;

/** Seed 000's DDL plus the columns the users' hook library added (issue 14), in WAL, by python. */
const USER_DDL = `
PRAGMA journal_mode=WAL;
CREATE TABLE IF NOT EXISTS routing_metrics_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, query_id TEXT, predicted_model TEXT, actual_model TEXT, dq_score REAL, complexity REAL, accuracy INTEGER, cost_saved REAL, reasoning TEXT, query_text TEXT);
CREATE INDEX idx_routing_metrics_timestamp ON routing_metrics_events(timestamp);
CREATE INDEX idx_routing_metrics_accuracy ON routing_metrics_events(accuracy);
CREATE TABLE IF NOT EXISTS git_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, event_type TEXT NOT NULL, repo TEXT, branch TEXT, commit_hash TEXT, message TEXT, files_changed INTEGER, additions INTEGER, deletions INTEGER, author TEXT);
CREATE INDEX idx_git_timestamp ON git_events(timestamp);
CREATE TABLE IF NOT EXISTS self_heal_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, error_pattern TEXT NOT NULL, fix_applied TEXT, success INTEGER NOT NULL, execution_time_ms INTEGER, error_message TEXT, context TEXT, severity TEXT, category TEXT);
CREATE TABLE IF NOT EXISTS tool_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, tool_name TEXT NOT NULL, session_id TEXT, success INTEGER);
CREATE TABLE IF NOT EXISTS session_outcome_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, session_id TEXT NOT NULL, outcome TEXT, quality REAL, complexity REAL, intent TEXT, model TEXT, messages_count INTEGER, duration_minutes REAL, cost_usd REAL, success INTEGER, summary TEXT);
`;

function libraryCalls(t: number, n: number): HookCall[] {
  return [
    ...seedHookCalls(t, n),
    { kind: 'routing_lib', args: { timestamp: t + 4, query_id: `q-${n}`, model: 'opus', dq: 0.9, complexity: 0.8, reasoning: 'hard', query_text: `refactor ${n}` } },
    { kind: 'git_author', args: { timestamp: t + 5, repo: 'tl', commit_hash: `beef${n}`, message: 'docs', author: 'ana' } },
    { kind: 'self_heal_lib', args: { timestamp: t + 6, pattern: 'npm_cache', fix: 'clean', success: 0, severity: 'high', category: 'deps' } },
    { kind: 'tool', args: { timestamp: t + 7, tool_name: 'Bash', session_id: `s${n}`, success: 1 } },
  ];
}

function columns(db: string, table: string): string[] {
  return pyQuery<{ name: string }>(db, `SELECT name FROM pragma_table_info('${table}')`).map((c) => c.name);
}

describe('writer contract: adopting a database the users\' hook library writes', () => {
  test('additive only: every hook keeps inserting, no column it uses disappears, tool_name is read as the tool', async () => {
    const dir = tempDir('adopt');
    const db = path.join(dir, 'claude.db');
    const py = spawnSync('python3', ['-c', 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.close()', db, USER_DDL], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.equal(runHooks(db, libraryCalls(T0, 0)), null);
    const before = Object.fromEntries(['routing_metrics_events', 'git_events', 'self_heal_events', 'tool_events', 'session_outcome_events'].map((t) => [t, columns(db, t)]));
    const logs = write(path.join(dir, 'logs', 'tool-usage.jsonl'), lines({ ts: T0 + 500, tool: 'Read', session_id: 'j1', success: true }));

    await migrateSources(db, [path.dirname(logs)], { tz: 'UTC' });
    for (const [t, cols] of Object.entries(before)) {
      const now = columns(db, t);
      for (const c of cols) assert.ok(now.includes(c), `${t}.${c} still there`);
      assert.deepEqual(now.slice(0, cols.length), cols, `${t}: the old columns keep their order`);
    }
    // the users' values stay in their columns (not moved into extra)
    assert.deepEqual(pyQuery(db, `SELECT query_text FROM routing_metrics_events WHERE query_id = 'q-0'`), [{ query_text: 'refactor 0' }]);
    assert.deepEqual(pyQuery(db, `SELECT author FROM git_events WHERE commit_hash = 'beef0'`), [{ author: 'ana' }]);
    assert.deepEqual(pyQuery(db, `SELECT severity, category FROM self_heal_events WHERE error_pattern = 'npm_cache'`), [{ severity: 'high', category: 'deps' }]);
    assert.deepEqual(pyQuery(db, 'PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);

    // the hooks keep writing, before and after another run
    assert.equal(runHooks(db, libraryCalls(T0 + 100, 1)), null);
    await migrateSources(db, [path.dirname(logs)], { tz: 'UTC' });
    assert.equal(runHooks(db, libraryCalls(T0 + 200, 2)), null);
    assert.equal(pyCount(db, 'routing_metrics_events'), 6);
    assert.equal(pyCount(db, 'tool_events'), 4); // 3 hook rows + 1 JSONL line
    assert.deepEqual(pyQuery(db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);

    const snap = await openSnapshot(db);
    try {
      const act = getActivity(snap, {}, { nowSeconds: T0 + 1000 });
      const tools = Object.fromEntries(act.tools.map((t) => [t.tool, t.calls]));
      assert.deepEqual(tools, { Bash: 3, Read: 1 });
      const ds = getDataSources(snap, { nowSeconds: T0 + 1000 });
      assert.equal(ds.sources.find((s) => s.table === 'git_events')?.rows, 6);
    } finally {
      snap.close();
    }
  });
});
