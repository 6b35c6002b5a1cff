/**
 * A small telemetry database built through the real schema migrations plus plain inserts,
 * with every number the metrics tests expect computed by hand in metrics.test.ts.
 * Days: D0 = 2026-01-10 (UTC). at(d, h, m) = epoch seconds of day D0+d at h:m UTC.
 */
import type { SqlDatabase as Database, SqlValue } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { ensureSchema } from '../../src/core/schema';

export const D0 = Date.UTC(2026, 0, 10) / 1000;
export const at = (d: number, h: number, m = 0) => D0 + d * 86400 + h * 3600 + m * 60;
/** "Now" for freshness: D2 12:00. */
export const NOW = at(2, 12);

let hashSeed = 1;

export function insert(db: Database, table: string, row: Record<string, SqlValue>): void {
  const full = { ...row, row_hash: hashSeed++, row_seq: 1 };
  const cols = Object.keys(full);
  db.run(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`, Object.values(full));
}

export async function emptyDatabase(): Promise<Database> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  ensureSchema(db);
  return db;
}

export function insertFixtureRows(db: Database): void {
  const skill = (name: string, t: number, completed: number, dur: number | null, wf: string | null, session: string | null, follow: string | null, err: string | null) =>
    insert(db, 'skill_invocation', {
      skill_name: name,
      invoked_at: t,
      completed,
      duration_seconds: dur,
      workflow_path: wf,
      session_id: session,
      follow_up_actions: follow,
      error_type: err,
    });
  skill('deploy', at(0, 10), 1, 10, 'daily', 's1', '["git commit","git push"]', null);
  skill('deploy', at(0, 10, 30), 1, 20, 'daily', 's1', '["git commit"]', null);
  skill('deploy', at(1, 9), 1, 30, 'hotfix', 's2', null, null);
  skill('deploy', at(1, 9, 15), 0, null, 'daily', 's2', null, 'timeout');
  skill('deploy', at(1, 11), 1, 40, 'daily', null, '["git commit"]', null);
  skill('review', at(0, 12), 1, 5, null, 's1', null, null);
  skill('review', at(1, 13), 0, null, null, 's2', null, 'timeout');
  skill('review', at(2, 3), 0, null, null, null, null, 'crash');

  const route = (t: number, p: string, a: string | null, acc: number | null, dq: number | null, cost: number | null, lat: number | null) =>
    insert(db, 'routing_metrics_events', { timestamp: t, predicted_model: p, actual_model: a, accuracy: acc, dq_score: dq, cost_saved: cost, latency_ms: lat });
  route(at(0, 9), 'haiku', 'haiku', 1, 0.8, 0.01, 10);
  route(at(0, 10), 'haiku', 'sonnet', 0, 0.35, 0, 20);
  route(at(1, 9), 'sonnet', 'sonnet', 1, 0.9, 0.02, 30);
  route(at(1, 10), 'sonnet', 'opus', 0, 0.55, null, 40);
  route(at(1, 11), 'opus', 'opus', 1, 1.0, 0.05, 100);
  route(at(2, 8), 'haiku', null, null, null, null, 15);
  route(at(2, 9), 'sonnet', null, null, 0.05, null, null);

  const expertise = (domain: string, level: number | null, cx: number | null, model: string) =>
    insert(db, 'expertise_routing_events', { timestamp: at(0, 8), domain, expertise_level: level, query_complexity: cx, chosen_model: model });
  expertise('database', 0.8, 0.4, 'sonnet');
  expertise('database', 0.6, null, 'sonnet');
  expertise('database', null, 0.2, 'opus');
  expertise('frontend', 0.5, 0.5, 'haiku');

  const heal = (t: number, pattern: string, success: number, exec: number | null, msg: string | null) =>
    insert(db, 'self_heal_events', { timestamp: t, error_pattern: pattern, success, execution_time_ms: exec, error_message: msg });
  heal(at(0, 8), 'npm-lock', 1, 100, null);
  heal(at(0, 9), 'npm-lock', 0, 300, 'still locked');
  heal(at(1, 10), 'port-in-use', 1, 50, null);
  heal(at(1, 11), 'npm-lock', 1, null, null);

  const recovery = (t: number, type: string, strategy: string, success: number, attempts: number, ttr: number | null, extra: string | null, details: string | null) =>
    insert(db, 'recovery_events', {
      timestamp: t,
      error_type: type,
      recovery_strategy: strategy,
      success,
      attempts,
      time_to_recover_ms: ttr,
      extra,
      error_details: details,
    });
  recovery(at(0, 9), 'git', 'stash_and_retry', 1, 1, 1000, '{"auto":true}', null);
  recovery(at(0, 10), 'git', 'reset', 0, 3, null, '{"auto":false}', 'conflict');
  recovery(at(1, 9), 'network', 'retry', 1, 2, 3000, null, null);
  recovery(at(2, 9), 'git', 'stash_and_retry', 1, 1, 2000, '{"auto":true}', null);

  const tool = (t: number, name: string, success: number | null) => insert(db, 'tool_events', { timestamp: t, tool: name, success });
  tool(at(0, 9), 'Bash', 1);
  tool(at(0, 10), 'Bash', 0);
  tool(at(0, 11), 'Read', 1);
  tool(at(1, 9), 'Bash', null);
  tool(at(1, 10), 'Edit', 1);
  tool(at(1, 11), 'Bash', 1);

  const git = (t: number, repo: string, type: string, add: number | null, del: number | null, files: number | null) =>
    insert(db, 'git_events', { timestamp: t, repo, event_type: type, additions: add, deletions: del, files_changed: files });
  git(at(0, 9), 'app', 'commit', 10, 2, 1);
  git(at(0, 10), 'app', 'commit', 5, 5, 2);
  git(at(1, 9), 'lib', 'commit', 100, 0, 3);
  git(at(1, 10), 'app', 'push', null, null, null);

  const coord = (t: number, action: string, strategy: string, ms: number | null) =>
    insert(db, 'coordinator_events', { timestamp: t, action, strategy, duration_ms: ms });
  coord(at(0, 9), 'success', 'parallel', 12500);
  coord(at(0, 10), 'failed', 'parallel', 500);
  coord(at(1, 9), 'success', 'sequential', null);

  for (const type of ['tool_use', 'tool_use', 'query']) insert(db, 'activity_events', { timestamp: at(-30, 9), event_type: type });

  const outcome = (t: number, s: string, o: string | null, q: number | null, success: number | null, cost: number | null) =>
    insert(db, 'session_outcome_events', { timestamp: t, session_id: s, outcome: o, quality: q, success, cost_usd: cost });
  outcome(at(0, 9), 's1', 'success', 4, 1, 0.5);
  outcome(at(0, 10), 's2', 'partial', 3, 0, null);
  outcome(at(1, 9), 's3', 'success', null, 1, 0.25);
  outcome(at(1, 10), 's4', null, 5, null, null);

  // an inferred table (unknown *.jsonl) as ingest creates it
  db.run(`CREATE TABLE "permission_events" (id INTEGER PRIMARY KEY AUTOINCREMENT, "timestamp" INTEGER, "tool" TEXT,
    source_id INTEGER, source_line INTEGER, extra TEXT, stream_id INTEGER NOT NULL DEFAULT 0, row_hash INTEGER NOT NULL, row_seq INTEGER NOT NULL)`);
  insert(db, 'permission_events', { timestamp: at(-10, 9), tool: 'Bash' });
  insert(db, 'permission_events', { timestamp: at(-10, 10), tool: 'Write' });
}

export async function fixtureDatabase(): Promise<Database> {
  const db = await emptyDatabase();
  insertFixtureRows(db);
  return db;
}
