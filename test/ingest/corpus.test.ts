/**
 * A corpus built from docs/telemetry-formats.md (every source, every shape, every timestamp
 * form) imports to hand-computed counts and values, read back with python3 sqlite3.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { migrateSources, type MigrateResult } from '../../src/core/ingest';
import { lines, pyCount, pyQuery, tempDir, write } from './helpers';

const TZ = 'America/Los_Angeles'; // UTC-8 in January: zone-less times shift by 8 h
const T0 = 1769423127;
const ISO_Z = 1769578200; // 2026-01-28T05:30:00Z
const LA_0530 = 1769607000; // 2026-01-28T05:30:00 in Los Angeles
const LA_MIDNIGHT = 1769587200; // 2026-01-28 00:00 in Los Angeles

let root: string;
let db: string;
let result: MigrateResult;

function src(name: string): string {
  return path.join(root, '.claude', name);
}

function buildCorpus(): void {
  write(
    src('routing-metrics.jsonl'),
    '\ufeff' +
      lines(
        { ts: T0, query_hash: 'a1b2c3', complexity: 0.42, model: 'sonnet', dq: 0.81, latency_ms: 12 },
        { ts: T0 * 1000 + 123, query: 'q1', predicted_model: 'haiku', actual_model: 'sonnet', dq_score: 0.7, complexity: 0.3, correct: false, latency_ms: 42 },
        { ts: T0 + 0.9, predicted: 'opus', actual: 'opus', dqScore: '0.5', correct: 'true' },
        { timestamp: String(T0), predicted_model: 'haiku', actual_model: 'haiku', savings: 0.02 },
        { ts: '2026-01-28T05:30:00Z', id: 'q5', predicted_model: 'haiku', actual_model: 'opus' },
        { ts: '2026-01-28T05:30:00.123456', query_id: 'local' },
        { ts: '2026-01-28T05:30:00+01:00', query_id: 'offset' },
        { ts: '2026-01-28', query_id: 'date-only' },
        { ts: '2026-01-28 05:30:00 -0800', query_id: 'git-ci' },
        { ts: 'yesterday', query_id: 'bad-ts' },
        '',
      ) +
      '{"ts":1769423127,"query_id":"crlf"}\r\n',
  );
  write(
    src('self-heal-outcomes.jsonl'),
    lines(
      { ts: T0, error_pattern: 'git_lock', fix_applied: 'rm lock', success: true, execution_time_ms: 120 },
      { ts: T0 + 1, ok: 12, warn: 2, error: 1, fixed: 1 },
      { ts: T0 + 2, pattern: 'port', fix: 'kill', success: 'false', duration_ms: 5, error: 'EADDRINUSE' },
      { ts: T0 + 3, ok: 3 },
    ),
  );
  write(
    src('recovery-outcomes.jsonl'),
    lines({ ts: T0, category: 'git', action: 'stash_and_retry', auto: true, success: true, error_hash: '1a2b3c4d', details: 'd' }, { ts: T0 + 1 }),
  );
  write(
    src('git-activity.jsonl'),
    Buffer.concat([
      Buffer.from(lines({ type: 'commit', repo: 'r', branch: 'main', hash: '3a5dd91c', message: 'fix', author: 'A', files: 3, insertions: 40, deletions: 2, date: '2026-01-28 05:30:00 -0800' })),
      Buffer.from('{"ts":1769423127,"repo":"r","message":"cut '),
      Buffer.from([0xc3]), // a UTF-8 character cut in half by the writer's 100-byte limit
      Buffer.from('"}\n{"ts":1769423128,"repo":"r","message":"ends with \\"}\n'),
    ]),
  );
  write(
    src('coordination-log.jsonl'),
    lines(
      { timestamp: '2026-01-28T05:30:00.123456', task_id: 'coord-1', task: 't', strategy: 'parallel', status: 'success', duration_seconds: 12.5, total_cost: 0.03, agent_count: 3 },
      { ts: T0, task_id: 'no-action' },
    ),
  );
  write(
    src('expertise-routing.jsonl'),
    lines({
      query_preview: 'p',
      detected_domain: 'database',
      domain_match_strength: 0.8,
      expertise_confidence: 0.7,
      base_complexity: 0.4,
      base_model: 'haiku',
      final_model: 'sonnet',
      adjustment: 'upgrade',
      reasoning: ['a', 'b'],
      timestamp: '2026-01-28T05:30:00',
    }),
  );
  write(src('tool-usage.jsonl'), lines({ ts: T0, tool: 'Bash', session: 's1', model: 'sonnet', source: 'hook', file_path: '', command: 'npm test', success: true, exit_code: 0 }));
  write(src('tool-success.jsonl'), lines({ timestamp: '2026-01-28T05:30:00Z', tool_name: 'Read', sessionId: 's2', success: 'false' }));
  write(
    src('activity-events.jsonl'),
    lines(
      { ts: T0, type: 'tool_use', tool: 'Bash', file_path: '', command: '', success: true, pwd: '/x' },
      { type: 'query', timestamp: T0 * 1000 + 123, datetime: '2026-01-26T10:25:27.123Z', sessionId: 's', query: 'q', model: 'opus', dqScore: 0.8, complexity: 0.6, source: 'kernel' },
    ),
  );
  write(
    src('session-outcomes.jsonl'),
    lines(
      { ts: T0, event: 'session_analysis_complete', session_id: 'a', outcome: 'success', quality: 4, complexity: 0.5, model_efficiency: 0.8, dq_score: 0.7, optimal_model: 'sonnet', intent: 'i' },
      { date: '2026-01-28', session_id: 'agent-1a2b', messages: 42, tools: 17, title: 'T', intent: 'i', outcome: 'partial', model_efficiency: 0.6, models_used: { sonnet: 30 }, quality: 3 },
    ),
  );
  write(
    src('data/skill_metrics.json'),
    JSON.stringify(
      {
        invocations: [
          { skill_name: 'crackerjack-run', invoked_at: '2025-02-10T12:34:56', workflow_path: 'daily', completed: true, duration_seconds: 165.3, follow_up_actions: ['git commit'], error_type: null },
          { skill_name: 'crackerjack-run', invoked_at: '2025-02-10T12:34:56Z', workflow_path: 'daily', completed: false, duration_seconds: null, follow_up_actions: [], error_type: 'timeout' },
          { skill_name: 'code-review', invoked_at: '2025-02-10T12:34:56Z', session_id: 's9', user_query: 'u', workflow_phase: 'plan', completed: true, duration_seconds: 10 },
        ],
        skills: {
          'crackerjack-run': { total_invocations: 2, completed_invocations: 1, abandoned_invocations: 1, total_duration_seconds: 165.3 },
          'code-review': { total_invocations: 1, completed_invocations: 1, abandoned_invocations: 0, total_duration_seconds: 10 },
        },
        last_updated: '2025-02-10T12:40:00Z',
      },
      null,
      2,
    ),
  );
  write(src('skill-invocations.jsonl'), lines({ skill: 'write-tests', ts: T0, completed: 'true', duration_seconds: 3 }));
  write(src('permission_events.jsonl'), lines({ ts: T0, tool: 'Bash', decision: 'allow', n: 1 }, { ts: T0 + 1, tool: 'Read', decision: 'deny', n: 2.5, 'New Key': true, nested: { a: 1 } }));
  write(src('tool_events.jsonl'), lines({ time: '2026-01-28T05:30:00Z', what: 'collides with a known table name' }));
}

describe('corpus from telemetry-formats.md', () => {
  before(async () => {
    root = tempDir('corpus');
    db = path.join(root, 'telemetry.db');
    buildCorpus();
    result = await migrateSources(db, [path.join(root, '.claude')], { tz: TZ });
  });

  test('every source reconciles to hand-computed counts', () => {
    const by = Object.fromEntries(result.sources.map((s) => [path.relative(path.join(root, '.claude'), s.path), s]));
    const expect: Record<string, [number, number, number, number]> = {
      // file: lines, inserted, rejected, blank
      'routing-metrics.jsonl': [12, 10, 1, 1],
      'self-heal-outcomes.jsonl': [4, 3, 1, 0],
      'recovery-outcomes.jsonl': [2, 2, 0, 0],
      'git-activity.jsonl': [3, 2, 1, 0],
      'coordination-log.jsonl': [2, 1, 1, 0],
      'expertise-routing.jsonl': [1, 1, 0, 0],
      'tool-usage.jsonl': [1, 1, 0, 0],
      'tool-success.jsonl': [1, 1, 0, 0],
      'activity-events.jsonl': [2, 2, 0, 0],
      'session-outcomes.jsonl': [2, 2, 0, 0],
      'data/skill_metrics.json': [3, 3, 0, 0],
      'skill-invocations.jsonl': [1, 1, 0, 0],
      'permission_events.jsonl': [2, 2, 0, 0],
      'tool_events.jsonl': [1, 1, 0, 0],
    };
    assert.deepEqual(Object.keys(by).sort(), Object.keys(expect).sort());
    for (const [file, [l, ins, rej, blank]] of Object.entries(expect)) {
      assert.deepEqual([by[file].lines, by[file].inserted, by[file].rejected, by[file].blank, by[file].pending], [l, ins, rej, blank, 0], file);
    }
    assert.equal(by['permission_events.jsonl'].table, 'permission_events');
    assert.equal(by['tool_events.jsonl'].table, 'tool_events_jsonl');
    assert.equal(by['tool-success.jsonl'].table, 'tool_events');
  });

  test('routing metrics: aliases, both shapes, every timestamp form, booleans as strings, extra', () => {
    const rows = pyQuery(db, 'SELECT source_line, timestamp, query_id, predicted_model, actual_model, dq_score, accuracy, cost_saved, extra FROM routing_metrics_events ORDER BY source_line');
    const at = (line: number) => rows.find((r) => r.source_line === line)!;
    assert.deepEqual(at(1), { source_line: 1, timestamp: T0, query_id: 'a1b2c3', predicted_model: 'sonnet', actual_model: null, dq_score: 0.81, accuracy: null, cost_saved: null, extra: null });
    assert.deepEqual(at(2), { source_line: 2, timestamp: T0, query_id: null, predicted_model: 'haiku', actual_model: 'sonnet', dq_score: 0.7, accuracy: 0, cost_saved: null, extra: '{"query":"q1"}' });
    assert.deepEqual([at(3).timestamp, at(3).accuracy, at(3).dq_score], [T0, 1, 0.5]); // float seconds floored, "true", "0.5"
    assert.deepEqual([at(4).timestamp, at(4).accuracy, at(4).cost_saved], [T0, 1, 0.02]); // numeric string, derived accuracy, alias
    assert.deepEqual([at(5).timestamp, at(5).query_id, at(5).accuracy], [ISO_Z, 'q5', 0]);
    assert.equal(at(6).timestamp, LA_0530, 'ISO without zone is in --tz');
    assert.equal(at(7).timestamp, ISO_Z - 3600, 'ISO with offset');
    assert.equal(at(8).timestamp, LA_MIDNIGHT, 'date only = midnight in --tz');
    assert.equal(at(9).timestamp, LA_0530, 'git %ci');
    assert.equal(at(12).query_id, 'crlf');
    const rejects = pyQuery(db, `SELECT line, reason, raw FROM ingest_rejects r JOIN ingest_sources s ON s.id = r.source_id WHERE s.kind = 'routing-metrics'`);
    assert.deepEqual(rejects.map((r) => [r.line, r.reason]), [[10, 'timestamp']]);
  });

  test('self-heal summary line, recovery defaults, git %ci + broken UTF-8, coordinator seconds', () => {
    const heal = pyQuery(db, 'SELECT error_pattern, fix_applied, success, execution_time_ms, error_message, extra FROM self_heal_events ORDER BY source_line');
    assert.deepEqual(heal, [
      { error_pattern: 'git_lock', fix_applied: 'rm lock', success: 1, execution_time_ms: 120, error_message: null, extra: null },
      { error_pattern: 'unknown', fix_applied: null, success: 1, execution_time_ms: null, error_message: null, extra: '{"error":1,"ok":12,"warn":2}' },
      { error_pattern: 'port', fix_applied: 'kill', success: 0, execution_time_ms: 5, error_message: 'EADDRINUSE', extra: null },
    ]);
    assert.deepEqual(pyQuery(db, `SELECT reason FROM ingest_rejects r JOIN ingest_sources s ON s.id = r.source_id WHERE s.kind = 'self-heal-outcomes'`), [{ reason: 'success' }]);
    const rec = pyQuery(db, 'SELECT error_type, recovery_strategy, success, attempts, error_details, extra FROM recovery_events ORDER BY source_line');
    assert.deepEqual(rec, [
      { error_type: 'git', recovery_strategy: 'stash_and_retry', success: 1, attempts: 1, error_details: 'd', extra: '{"auto":true,"error_hash":"1a2b3c4d"}' },
      { error_type: 'unknown', recovery_strategy: null, success: 0, attempts: 1, error_details: null, extra: null },
    ]);
    const git = pyQuery(db, 'SELECT timestamp, event_type, commit_hash, files_changed, additions, message, extra FROM git_events ORDER BY source_line');
    assert.deepEqual(git[0], { timestamp: LA_0530, event_type: 'commit', commit_hash: '3a5dd91c', files_changed: 3, additions: 40, message: 'fix', extra: '{"author":"A"}' });
    assert.deepEqual([git[1].event_type, git[1].message], ['commit', 'cut \ufffd']);
    assert.deepEqual(pyQuery(db, `SELECT line, reason FROM ingest_rejects r JOIN ingest_sources s ON s.id = r.source_id WHERE s.kind = 'git-activity'`), [{ line: 3, reason: 'json' }]);
    const coord = pyQuery(db, 'SELECT timestamp, agent_id, action, strategy, duration_ms, extra FROM coordinator_events');
    assert.deepEqual(coord, [{ timestamp: LA_0530, agent_id: 'coord-1', action: 'success', strategy: 'parallel', duration_ms: 12500, extra: '{"agent_count":3,"task":"t","total_cost":0.03}' }]);
  });

  test('expertise, tools (both files), activity (two writers), session outcomes (both shapes)', () => {
    assert.deepEqual(pyQuery(db, 'SELECT timestamp, domain, expertise_level, query_complexity, chosen_model, reasoning FROM expertise_routing_events'), [
      { timestamp: LA_0530, domain: 'database', expertise_level: 0.7, query_complexity: 0.4, chosen_model: 'sonnet', reasoning: '["a","b"]' },
    ]);
    assert.deepEqual(pyQuery(db, 'SELECT timestamp, tool, session_id, success, exit_code, command FROM tool_events ORDER BY tool'), [
      { timestamp: T0, tool: 'Bash', session_id: 's1', success: 1, exit_code: 0, command: 'npm test' },
      { timestamp: ISO_Z, tool: 'Read', session_id: 's2', success: 0, exit_code: null, command: null },
    ]);
    assert.deepEqual(pyQuery(db, 'SELECT timestamp, event_type, tool, model, session_id, success FROM activity_events ORDER BY source_line'), [
      { timestamp: T0, event_type: 'tool_use', tool: 'Bash', model: null, session_id: null, success: 1 },
      { timestamp: T0, event_type: 'query', tool: null, model: 'opus', session_id: 's', success: null },
    ]);
    assert.deepEqual(pyQuery(db, 'SELECT timestamp, session_id, outcome, model, messages_count, success, summary FROM session_outcome_events ORDER BY source_line'), [
      { timestamp: T0, session_id: 'a', outcome: 'success', model: 'sonnet', messages_count: null, success: 1, summary: null },
      { timestamp: LA_MIDNIGHT, session_id: 'agent-1a2b', outcome: 'partial', model: null, messages_count: 42, success: 0, summary: 'T' },
    ]);
  });

  test('skill invocations from the document and the JSONL feed skill_metrics', () => {
    const inv = pyQuery(db, 'SELECT skill_name, invoked_at, completed, duration_seconds, session_id, follow_up_actions, source_line, extra FROM skill_invocation ORDER BY skill_name, source_line');
    assert.deepEqual(inv, [
      { skill_name: 'code-review', invoked_at: 1739190896, completed: 1, duration_seconds: 10, session_id: 's9', follow_up_actions: null, source_line: 3, extra: '{"user_query":"u","workflow_phase":"plan"}' },
      { skill_name: 'crackerjack-run', invoked_at: 1739219696, completed: 1, duration_seconds: 165.3, session_id: null, follow_up_actions: '["git commit"]', source_line: 1, extra: null },
      { skill_name: 'crackerjack-run', invoked_at: 1739190896, completed: 0, duration_seconds: null, session_id: null, follow_up_actions: '[]', source_line: 2, extra: null },
      { skill_name: 'write-tests', invoked_at: T0, completed: 1, duration_seconds: 3, session_id: null, follow_up_actions: null, source_line: 1, extra: null },
    ]);
    assert.deepEqual(pyQuery(db, `SELECT total_invocations, completed_invocations, abandoned_invocations FROM skill_metrics WHERE skill_name = 'crackerjack-run'`), [
      { total_invocations: 2, completed_invocations: 1, abandoned_invocations: 1 },
    ]);
  });

  test('unknown *.jsonl: inferred, typed, quoted columns, indexed timestamp, collision suffix', () => {
    const cols = pyQuery<{ name: string; type: string }>(db, `SELECT name, type FROM pragma_table_info('permission_events')`);
    const typeOf = Object.fromEntries(cols.map((c) => [c.name, c.type]));
    assert.equal(typeOf.timestamp, 'INTEGER');
    assert.equal(typeOf.n, 'REAL');
    assert.equal(typeOf.new_key, 'INTEGER');
    assert.equal(typeOf.nested, 'TEXT');
    assert.deepEqual(pyQuery(db, 'SELECT timestamp, tool, decision, n, new_key, nested FROM permission_events ORDER BY source_line'), [
      { timestamp: T0, tool: 'Bash', decision: 'allow', n: 1, new_key: null, nested: null },
      { timestamp: T0 + 1, tool: 'Read', decision: 'deny', n: 2.5, new_key: 1, nested: '{"a":1}' },
    ]);
    assert.equal(pyCount(db, 'sqlite_master', `type = 'index' AND tbl_name = 'permission_events' AND name LIKE '%timestamp%'`), 1);
    assert.deepEqual(pyQuery(db, 'SELECT timestamp, what FROM tool_events_jsonl'), [{ timestamp: ISO_Z, what: 'collides with a known table name' }]);
  });

  test('a second run inserts nothing and reports every row as present', async () => {
    const again = await migrateSources(db, [path.join(root, '.claude')], { tz: TZ });
    assert.equal(again.sources.reduce((n, s) => n + s.inserted, 0), 0);
    for (const s of again.sources) assert.equal(s.lines, s.present + s.rejected + s.blank + s.pending, s.path);
    assert.deepEqual(again.tables, result.tables);
    assert.equal(pyCount(db, 'ingest_rejects'), 4, 'no duplicate rejects on re-run (routing, self-heal, git, coordination)');
  });
});
