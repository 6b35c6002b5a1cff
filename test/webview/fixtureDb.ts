/**
 * A realistic telemetry database for the dashboard tests, built with the real schema
 * migrations, real provenance rows (ingest_streams/ingest_sources) and the real rollup
 * rebuild. Events spread over 40 days before NOW, denser recently, so 24h / 7d / 30d / all
 * show different numbers. Deterministic (seeded), so screenshots are comparable run to run.
 */
import * as fs from 'node:fs';
import type { SqlDatabase as Database, SqlValue } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { rebuildRollups } from '../../src/core/rollups/refresh';
import { ensureSchema } from '../../src/core/schema';

/** "Now" of the fixture: 2026-03-15 12:00 UTC. */
export const NOW = Date.UTC(2026, 2, 15, 12) / 1000;
export const SOURCE_DIR = '/home/dev/.claude/telemetry';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export async function buildFixtureDatabase(opts: { empty?: boolean; now?: number } = {}): Promise<Database> {
  const now = opts.now ?? NOW;
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  ensureSchema(db);
  if (opts.empty) return db;
  const rand = rng(7);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  let hash = 1;
  const sources = new Map<string, { id: number; line: number }>();

  const source = (file: string, table: string) => {
    let s = sources.get(file);
    if (!s) {
      db.run(`INSERT INTO ingest_streams (stream_key, kind, table_name, created_at) VALUES (?, ?, ?, ?)`, [`${SOURCE_DIR}/${file}`, table, table, now]);
      const streamId = db.exec('SELECT last_insert_rowid()')[0].values[0][0] as number;
      db.run(`INSERT INTO ingest_sources (path, stream_id, kind, table_name, format, first_seen_at, last_run_at) VALUES (?, ?, ?, ?, 'jsonl', ?, ?)`, [`${SOURCE_DIR}/${file}`, streamId, table, table, now, now]);
      s = { id: db.exec('SELECT last_insert_rowid()')[0].values[0][0] as number, line: 0 };
      sources.set(file, s);
    }
    return s;
  };
  const insert = (file: string, table: string, row: Record<string, SqlValue>) => {
    const s = source(file, table);
    s.line++;
    const full = { ...row, source_id: s.id, source_line: s.line, stream_id: s.id, row_hash: hash++, row_seq: 1 };
    const cols = Object.keys(full);
    db.run(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, Object.values(full));
  };
  /** A time `daysAgo` before NOW, skewed so recent days have more events. */
  const when = () => Math.floor(now - Math.pow(rand(), 1.6) * 40 * 86400);

  const models = ['haiku', 'sonnet', 'opus'] as const;
  for (let i = 0; i < 600; i++) {
    const predicted = pick(models);
    const evaluated = rand() < 0.8;
    const actual = evaluated ? (rand() < 0.78 ? predicted : pick(models)) : null;
    insert('routing-metrics.jsonl', 'routing_metrics_events', {
      timestamp: when(),
      query_id: `q${i}`,
      predicted_model: predicted,
      actual_model: actual,
      accuracy: actual === null ? null : actual === predicted ? 1 : 0,
      dq_score: Math.round(rand() * 1000) / 1000,
      complexity: Math.round(rand() * 100) / 100,
      cost_saved: predicted === 'opus' ? 0 : Math.round(rand() * 40) / 1000,
      latency_ms: Math.round(5 + rand() * rand() * 120),
    });
  }
  const domains = ['database', 'frontend', 'testing', 'devops'];
  for (let i = 0; i < 120; i++) {
    insert('expertise-routing.jsonl', 'expertise_routing_events', { timestamp: when(), domain: pick(domains), expertise_level: Math.round(rand() * 100) / 100, query_complexity: Math.round(rand() * 100) / 100, chosen_model: pick(models) });
  }
  const skills = ['crackerjack-run', 'code-review', 'deploy', 'write-tests', 'refactor'];
  const workflows = ['daily', 'hotfix', 'release', null];
  for (let i = 0; i < 400; i++) {
    const completed = rand() < 0.82 ? 1 : 0;
    insert('skill-invocations.jsonl', 'skill_invocation', {
      skill_name: pick(skills),
      invoked_at: when(),
      workflow_path: pick(workflows),
      completed,
      duration_seconds: completed ? Math.round((20 + rand() * rand() * 400) * 10) / 10 : null,
      error_type: completed ? null : pick(['timeout', 'user_abort', 'tool_error']),
      session_id: rand() < 0.7 ? `session-${Math.floor(rand() * 25)}` : null,
      follow_up_actions: completed && rand() < 0.5 ? JSON.stringify(rand() < 0.5 ? ['git commit'] : ['git commit', 'git push']) : null,
    });
  }
  const patterns = ['lint_error', 'type_error', 'missing_import', 'flaky_test', 'merge_conflict'];
  for (let i = 0; i < 220; i++) {
    const ok = rand() < 0.72 ? 1 : 0;
    insert('self-heal-outcomes.jsonl', 'self_heal_events', {
      timestamp: when(),
      error_pattern: pick(patterns),
      fix_applied: pick(['eslint --fix', 'add import', 'retry', 'rebase']),
      success: ok,
      execution_time_ms: Math.round(50 + rand() * 2000),
      error_message: ok ? null : pick(['fix did not apply cleanly', 'tests still failing', 'timeout after 30s']),
    });
  }
  for (let i = 0; i < 160; i++) {
    const ok = rand() < 0.8 ? 1 : 0;
    insert('recovery-outcomes.jsonl', 'recovery_events', {
      timestamp: when(),
      error_type: pick(['git', 'network', 'permissions', 'disk']),
      recovery_strategy: pick(['stash_and_retry', 'backoff_retry', 'chmod', null]),
      success: ok,
      attempts: 1 + Math.floor(rand() * 3),
      time_to_recover_ms: Math.round(200 + rand() * rand() * 20000),
      error_details: ok ? null : 'could not recover automatically',
      extra: JSON.stringify({ auto: rand() < 0.7 }),
    });
  }
  const tools = ['Bash', 'Read', 'Edit', 'Write', 'Grep', 'Glob', 'WebFetch', 'Task'];
  for (let i = 0; i < 900; i++) {
    const flag = rand();
    insert('tool-usage.jsonl', 'tool_events', { timestamp: when(), tool: pick(tools), session_id: `session-${Math.floor(rand() * 25)}`, model: pick(models), success: flag < 0.85 ? 1 : flag < 0.95 ? 0 : null, exit_code: 0 });
  }
  for (let i = 0; i < 140; i++) {
    insert('git-activity.jsonl', 'git_events', { timestamp: when(), event_type: 'commit', repo: pick(['telemetry-lens', 'agent-hooks', 'dotfiles']), branch: 'main', commit_hash: (i * 2654435761).toString(16).slice(0, 8), message: `change ${i}`, files_changed: 1 + Math.floor(rand() * 8), additions: Math.floor(rand() * 200), deletions: Math.floor(rand() * 80) });
  }
  for (let i = 0; i < 80; i++) {
    insert('coordination-log.jsonl', 'coordinator_events', { timestamp: when(), agent_id: `coord-${i}`, action: pick(['success', 'success', 'success', 'failed', 'timeout']), strategy: pick(['parallel', 'sequential', 'pipeline']), duration_ms: Math.round(2000 + rand() * 30000) });
  }
  for (let i = 0; i < 300; i++) {
    insert('activity-events.jsonl', 'activity_events', { timestamp: when(), event_type: pick(['tool_use', 'tool_use', 'query', 'session_start']), tool: pick(tools), model: pick(models), session_id: `session-${Math.floor(rand() * 25)}`, success: 1 });
  }
  for (let i = 0; i < 90; i++) {
    const outcome = pick(['success', 'success', 'partial', 'failure', null]);
    insert('session-outcomes.jsonl', 'session_outcome_events', { timestamp: when(), session_id: `session-${i}`, outcome, quality: 1 + Math.floor(rand() * 5), complexity: Math.round(rand() * 100) / 100, model: pick(models), messages_count: Math.floor(rand() * 80), cost_usd: Math.round(rand() * 200) / 100, success: outcome === null ? null : outcome === 'success' ? 1 : 0 });
  }
  claudeCodeRows(db, now, insert);
  rebuildRollups(db);
  return db;
}

/**
 * Claude Code's own telemetry (V5 tables, as the transcript import writes them): responses of
 * three priced models and one without a price, tool calls with results, `Skill` calls; a third
 * of the calls also logged by the users' hooks (tool-usage.jsonl, skill-invocations.jsonl) so
 * the tabs show them once. A seed of its own, so the rows above stay as they were.
 */
function claudeCodeRows(db: Database, now: number, insert: (file: string, table: string, row: Record<string, SqlValue>) => void): void {
  const rand = rng(15);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const models = ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001', 'claude-nova-9-20261001'];
  const tools = ['Bash', 'Read', 'Edit', 'Grep', 'Skill'];
  db.run(`INSERT INTO claude_code_files (id, path, size, byte_offset, line_count) VALUES (1, '/home/dev/.claude/projects/-home-dev-app/fixture.jsonl', 1, 1, 1)`);
  let line = 0;
  for (let s = 0; s < 30; s++) {
    const sessionId = `cc-session-${String(s).padStart(2, '0')}`;
    let t = (now - Math.pow(rand(), 1.6) * 40 * 86400) * 1000;
    const first = t;
    const project = pick(['-home-dev-app', '-home-dev-telemetry-lens', '-home-dev-dotfiles']);
    for (let r = 0; r < 10; r++) {
      t += Math.floor(5000 + rand() * 120000);
      const model = rand() < 0.05 ? models[3] : pick(models.slice(0, 3));
      db.run(
        `INSERT INTO claude_code_responses (message_id, request_id, session_id, ts_ms, model, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, is_sidechain, is_subagent, source_file, source_line)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 1, ?)`,
        [`msg_${s}_${r}`, `req_${s}_${r}`, sessionId, Math.floor(t), model, Math.floor(rand() * 50), Math.floor(200 + rand() * 3000), Math.floor(rand() * 40000), Math.floor(rand() * 5000), rand() < 0.3 ? Math.floor(rand() * 3000) : 0, ++line],
      );
      if (rand() < 0.7) {
        const tool = pick(tools);
        const done = t + Math.floor(300 + rand() * 4000);
        const isError = rand() < 0.1 ? 1 : 0;
        const summary = tool === 'Skill' ? `skill: ${pick(['code-review', 'write-tests'])}` : tool === 'Bash' ? 'npm test' : '/home/dev/app/src/a.ts';
        db.run(
          `INSERT INTO claude_code_tool_calls (tool_use_id, session_id, message_id, ts_ms, tool, input_summary, is_error, result_ts_ms, duration_ms, source_file, source_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
          [`toolu_${s}_${r}`, sessionId, `msg_${s}_${r}`, Math.floor(t), tool, summary, isError, Math.floor(done), Math.floor(done) - Math.floor(t), line],
        );
        if (rand() < 0.35) {
          if (tool === 'Skill') insert('skill-invocations.jsonl', 'skill_invocation', { skill_name: summary.slice(7), invoked_at: Math.floor(t / 1000), completed: 1, session_id: sessionId });
          else insert('tool-usage.jsonl', 'tool_events', { timestamp: Math.floor(done / 1000), tool, session_id: sessionId, success: isError ? 0 : 1 });
        }
      }
    }
    db.run(`INSERT INTO claude_code_sessions (session_id, project, cwd, git_branch, version, first_ts_ms, last_ts_ms, source_file) VALUES (?, ?, ?, 'main', '2.0.31', ?, ?, 1)`, [sessionId, project, `/home/dev/${project}`, Math.floor(first), Math.floor(t)]);
  }
}

/** Writes the fixture to `file` (a real database file for the CLI / report tests). */
export async function writeFixtureDatabase(file: string, opts: { empty?: boolean; now?: number } = {}): Promise<void> {
  const db = await buildFixtureDatabase(opts);
  try {
    fs.writeFileSync(file, db.export());
  } finally {
    db.close();
  }
}
