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
  rebuildRollups(db);
  return db;
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
