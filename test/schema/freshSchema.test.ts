import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ensureSchema, migrationStatus } from '../../src/core/schema';
import { memoryDb, rows } from './helpers';

/*
 * Expectations written out by hand from docs/telemetry-formats.md (not derived from the
 * migration source), plus the provenance/identity columns of docs/conventions.md.
 */
const DOC_TABLES: Record<string, { columns: string[]; notNull: string[]; indexes: string[][] }> = {
  routing_metrics_events: {
    columns: ['timestamp', 'query_id', 'predicted_model', 'actual_model', 'dq_score', 'complexity', 'accuracy', 'cost_saved', 'latency_ms', 'reasoning'],
    notNull: ['timestamp'],
    indexes: [['timestamp'], ['accuracy']],
  },
  self_heal_events: {
    columns: ['timestamp', 'error_pattern', 'fix_applied', 'success', 'execution_time_ms', 'error_message', 'context'],
    notNull: ['timestamp', 'error_pattern', 'success'],
    indexes: [['timestamp'], ['error_pattern'], ['success']],
  },
  recovery_events: {
    columns: ['timestamp', 'error_type', 'recovery_strategy', 'success', 'attempts', 'time_to_recover_ms', 'error_details'],
    notNull: ['timestamp', 'error_type', 'success'],
    indexes: [['timestamp'], ['error_type'], ['success']],
  },
  git_events: {
    columns: ['timestamp', 'event_type', 'repo', 'branch', 'message', 'commit_hash', 'files_changed', 'additions', 'deletions'],
    notNull: ['timestamp', 'event_type'],
    indexes: [['timestamp'], ['event_type'], ['repo']],
  },
  coordinator_events: {
    columns: ['timestamp', 'agent_id', 'action', 'strategy', 'file_path', 'result', 'duration_ms'],
    notNull: ['timestamp', 'action'],
    indexes: [['timestamp'], ['agent_id']],
  },
  expertise_routing_events: {
    columns: ['timestamp', 'domain', 'expertise_level', 'query_complexity', 'chosen_model', 'reasoning'],
    notNull: ['timestamp', 'domain'],
    indexes: [['timestamp'], ['domain']],
  },
  tool_events: {
    columns: ['timestamp', 'tool', 'session_id', 'model', 'success', 'exit_code', 'file_path', 'command'],
    notNull: ['timestamp', 'tool'],
    indexes: [['timestamp'], ['tool'], ['session_id']],
  },
  activity_events: {
    columns: ['timestamp', 'event_type', 'tool', 'model', 'query', 'session_id', 'success'],
    notNull: ['timestamp', 'event_type'],
    indexes: [['timestamp'], ['event_type']],
  },
  session_outcome_events: {
    columns: ['timestamp', 'session_id', 'outcome', 'quality', 'complexity', 'intent', 'model', 'messages_count', 'duration_minutes', 'cost_usd', 'success', 'summary'],
    notNull: ['timestamp', 'session_id'],
    indexes: [['timestamp'], ['session_id'], ['outcome']],
  },
  skill_invocation: {
    columns: ['skill_name', 'invoked_at', 'workflow_path', 'completed', 'duration_seconds', 'error_type', 'session_id', 'follow_up_actions'],
    notNull: ['skill_name', 'invoked_at', 'completed'],
    indexes: [['skill_name', 'invoked_at'], ['completed']],
  },
};
const PROVENANCE = ['id', 'source_id', 'source_line', 'extra', 'stream_id', 'row_hash', 'row_seq'];

describe('fresh database → up', () => {
  test('every table, column, index and trigger of telemetry-formats.md exists (read from sqlite_master)', async () => {
    const db = await memoryDb();
    const result = ensureSchema(db);
    assert.equal(result.baselined, false);
    assert.ok(result.applied.includes('V1__telemetry_core'));

    const master = rows(db, `SELECT type, name, tbl_name FROM sqlite_master`);
    const tables = new Set(master.filter((m) => m.type === 'table').map((m) => m.name));
    for (const t of [...Object.keys(DOC_TABLES), 'skill_metrics', 'session_skill', 'schema_migrations']) assert.ok(tables.has(t), `table ${t}`);

    for (const [table, spec] of Object.entries(DOC_TABLES)) {
      const info = rows(db, `SELECT name, "notnull" AS nn, pk FROM pragma_table_info(?)`, [table]);
      const names = info.map((c) => c.name);
      for (const c of [...spec.columns, ...PROVENANCE]) assert.ok(names.includes(c), `${table}.${c}`);
      // the writer contract (V4): other programs' inserts name only the doc's columns, so TL's identity is nullable
      for (const c of [...spec.notNull.filter((c) => !(table === 'tool_events' && c === 'tool')), 'stream_id']) assert.equal(info.find((i) => i.name === c)!.nn, 1, `${table}.${c} NOT NULL`);
      for (const c of ['row_hash', 'row_seq']) assert.equal(info.find((i) => i.name === c)!.nn, 0, `${table}.${c} nullable`);
      assert.equal(info.find((i) => i.name === 'id')!.pk, 1);

      const indexCols = master
        .filter((m) => m.type === 'index' && m.tbl_name === table)
        .map((m) => ({ name: String(m.name), cols: rows(db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, [String(m.name)]).map((r) => r.name) }));
      for (const want of spec.indexes) {
        assert.ok(indexCols.some((i) => JSON.stringify(i.cols) === JSON.stringify(want)), `${table} index on ${want.join(', ')}`);
      }
      const identity = rows(db, `SELECT "unique" AS u FROM pragma_index_list(?) WHERE name = ?`, [table, `ux_${table}_identity`]);
      assert.equal(identity[0]?.u, 1, `unique ux_${table}_identity`);
      const identityCols = rows(db, `SELECT name FROM pragma_index_info(?) ORDER BY seqno`, [`ux_${table}_identity`]).map((r) => r.name);
      // V6: ordered by the event's time inside the stream (part of the hashed content)
      assert.deepEqual(identityCols, ['stream_id', table === 'skill_invocation' ? 'invoked_at' : 'timestamp', 'row_hash', 'row_seq']);
      // V6: the rows other programs wrote without identity, found without scanning the table
      const untagged = rows(db, `SELECT sql FROM sqlite_master WHERE name = ?`, [`ix_${table}_untagged`]);
      assert.match(String(untagged[0]?.sql), /\(id\) WHERE row_hash IS NULL$/, `ix_${table}_untagged`);
      // AUTOINCREMENT, as the doc says
      assert.match(String(rows(db, `SELECT sql FROM sqlite_master WHERE name = ?`, [table])[0].sql), /id INTEGER PRIMARY KEY AUTOINCREMENT/);
    }
    const descIndex = rows(db, `SELECT "desc" AS d FROM pragma_index_xinfo('idx_skill_invocation_skill_name_invoked_at') WHERE name = 'invoked_at'`);
    assert.equal(descIndex[0].d, 1, 'invoked_at DESC');

    const triggers = master.filter((m) => m.type === 'trigger' && m.tbl_name === 'skill_invocation').map((m) => m.name);
    assert.ok(triggers.length >= 1, 'triggers on skill_invocation keep skill_metrics/session_skill current');
    const integrity = rows(db, 'PRAGMA integrity_check');
    assert.equal(integrity[0].integrity_check, 'ok');
  });

  test('running again applies nothing; status shows every built-in applied', async () => {
    const db = await memoryDb();
    const first = ensureSchema(db);
    const again = ensureSchema(db);
    assert.deepEqual(again.applied, []);
    assert.equal(again.current, first.current);
    const status = migrationStatus(db);
    assert.ok(status.length >= 1);
    assert.ok(status.every((r) => r.state === 'applied' && r.appliedAt !== null && r.checksum.length === 64));
    const history = rows(db, 'SELECT version, description, checksum, applied_at, execution_ms, success FROM schema_migrations ORDER BY version');
    assert.equal(history[0].version, 1);
    assert.equal(history[0].description, 'telemetry_core');
    assert.equal(history[0].success, 1);
    assert.equal(typeof history[0].execution_ms, 'number');
  });
});
