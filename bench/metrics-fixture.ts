/**
 * The synthetic telemetry database the metrics benchmarks share: BENCH_EVENTS events (default
 * 1M) over 90 days in the 10 known tables, generated in SQL through the real schema migrations.
 */
import type { SqlDatabase as Database } from '../src/core/db/database';
import { loadSqlJs } from '../src/core/db/sqljs';
import { ensureSchema } from '../src/core/schema';

/** 1M events at BENCH_SCALE=1 (scripts/bench.mjs convention); BENCH_EVENTS overrides. */
export const TOTAL = Math.round(Number(process.env.BENCH_EVENTS ?? 1_000_000 * Number(process.env.BENCH_SCALE ?? 1)));
export const DAYS = 90;
export const NOW = Date.UTC(2026, 0, 28, 17, 23, 11) / 1000; // deliberately not hour-aligned
export const START = NOW - DAYS * 86400;

/** Share of events per table (sums to 1). */
export const MIX: [table: string, share: number, columns: string, values: string][] = [
  ['routing_metrics_events', 0.3, 'predicted_model, actual_model, accuracy, dq_score, cost_saved, latency_ms',
    `m1, m2, CASE WHEN i % 5 = 0 THEN NULL ELSE (m1 = m2) END, (i % 100) / 100.0, (i % 7) / 1000.0, 5 + (i * 7919) % 1500`],
  ['tool_events', 0.25, 'tool, success', `CASE i % 4 WHEN 0 THEN 'Bash' WHEN 1 THEN 'Read' WHEN 2 THEN 'Edit' ELSE 'Grep' END, CASE WHEN i % 9 = 0 THEN NULL ELSE i % 10 <> 1 END`],
  ['activity_events', 0.15, 'event_type', `CASE i % 3 WHEN 0 THEN 'query' ELSE 'tool_use' END`],
  ['skill_invocation', 0.1, 'skill_name, completed, duration_seconds, workflow_path',
    `'skill-' || (i % 12), i % 6 <> 0, CASE WHEN i % 6 <> 0 THEN ((i * 104729) % 60000) / 100.0 END, 'daily'`],
  ['self_heal_events', 0.05, 'error_pattern, success, execution_time_ms', `'pattern-' || (i % 8), i % 4 <> 0, (i * 31) % 2000`],
  ['recovery_events', 0.05, 'error_type, recovery_strategy, success, time_to_recover_ms', `'cat-' || (i % 5), 'retry', i % 3 <> 0, (i * 17) % 9000`],
  ['git_events', 0.04, 'repo, event_type, additions, deletions, files_changed', `'repo-' || (i % 6), 'commit', i % 200, i % 50, i % 9`],
  ['coordinator_events', 0.03, 'action, strategy, duration_ms', `CASE WHEN i % 10 = 0 THEN 'failed' ELSE 'success' END, 'parallel', i % 60000`],
  ['session_outcome_events', 0.02, 'session_id, outcome, quality, success', `'s' || i, CASE i % 3 WHEN 0 THEN 'success' WHEN 1 THEN 'partial' ELSE 'failed' END, 1 + i % 5, i % 3 = 0`],
  ['expertise_routing_events', 0.01, 'domain, expertise_level, chosen_model', `'domain-' || (i % 7), (i % 10) / 10.0, m1`],
];

/** `total` events (default TOTAL); test/webview/dashboardDataWorker.test.ts builds a smaller one. */
export async function buildDatabase(total = TOTAL): Promise<Database> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  ensureSchema(db);
  db.run('BEGIN');
  for (const [table, share, columns, values] of MIX) {
    const n = Math.round(total * share);
    const ts = table === 'skill_invocation' ? 'invoked_at' : 'timestamp';
    db.run(`WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n}),
      g AS (SELECT i, ${START} + (i * 2654435761) % ${DAYS * 86400} AS t,
                   CASE i % 3 WHEN 0 THEN 'haiku' WHEN 1 THEN 'sonnet' ELSE 'opus' END AS m1,
                   CASE (i / 3) % 4 WHEN 0 THEN 'opus' WHEN 1 THEN 'sonnet' ELSE 'haiku' END AS m2 FROM seq)
      INSERT INTO ${table} (${ts}, ${columns}, row_hash, row_seq) SELECT t, ${values}, i, 1 FROM g`);
  }
  db.run('COMMIT');
  return db;
}

