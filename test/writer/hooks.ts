/**
 * The users' own writers, as the seeds print them, run by python3's sqlite3 (an independent
 * SQLite client): seed 000 step 4's git / self-heal / routing statements, seed 001's
 * log_session_outcome and the hook library's tool / routing logging, plus their JSONL backups.
 */
import { spawnSync } from 'node:child_process';

const HOOKS_PY = String.raw`
import json, sqlite3, sys
db_path, calls = sys.argv[1], json.loads(sys.argv[2])
db = sqlite3.connect(db_path, timeout=10)
db.execute("PRAGMA busy_timeout=5000")
if calls.get("wal"):
    db.execute("PRAGMA journal_mode=WAL")
for c in calls["events"]:
    kind, a = c["kind"], c["args"]
    if kind == "git":  # seed 000: git-post-commit.sh
        db.execute("""
    INSERT INTO git_events (timestamp, event_type, repo, branch, commit_hash, message, files_changed)
    VALUES (?, ?, ?, ?, ?, ?, ?)
""", (a["timestamp"], 'commit', a["repo"], a["branch"], a["commit_hash"], a["message"], a["files_changed"]))
    elif kind == "self_heal":  # seed 000: self-heal-attempt.py
        db.execute("""
    INSERT INTO self_heal_events (timestamp, error_pattern, fix_applied, success, execution_time_ms)
    VALUES (?, ?, ?, ?, ?)
""", (a["timestamp"], a["pattern"], a["fix"], a["success"], a["duration"]))
    elif kind == "routing":  # seed 000: routing-logger.py
        db.execute("""
    INSERT INTO routing_metrics_events (timestamp, predicted_model, actual_model, dq_score, complexity, accuracy)
    VALUES (?, ?, ?, ?, ?, ?)
""", (a["timestamp"], a["predicted"], a["actual"], a["dq"], a["complexity"], a["correct"]))
    elif kind == "routing_lib":  # seed 001: sqlite_hooks.log_routing_metric (query_id, reasoning, query_text)
        db.execute("""
    INSERT INTO routing_metrics_events (timestamp, query_id, predicted_model, dq_score, complexity, reasoning, query_text)
    VALUES (?, ?, ?, ?, ?, ?, ?)
""", (a["timestamp"], a["query_id"], a["model"], a["dq"], a["complexity"], a["reasoning"], a["query_text"]))
    elif kind == "session_outcome":  # seed 001: sqlite_hooks.log_session_outcome
        db.execute("""
    INSERT INTO session_outcome_events (timestamp, session_id, outcome, quality, complexity, intent, model,
        messages_count, duration_minutes, cost_usd, success, summary)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
""", (a["timestamp"], a["session_id"], a["outcome"], a["quality"], a["complexity"], a["intent"], a["model"],
      a["messages_count"], a["duration_minutes"], a["cost_usd"], a["success"], a["summary"]))
    elif kind == "tool":  # hook library: post-tool-enhanced.sh (tool_name)
        db.execute("INSERT INTO tool_events (timestamp, tool_name, session_id, success) VALUES (?, ?, ?, ?)",
                   (a["timestamp"], a["tool_name"], a["session_id"], a["success"]))
    elif kind == "git_author":  # hook library: git hook with author
        db.execute("INSERT INTO git_events (timestamp, event_type, repo, commit_hash, message, author) VALUES (?, ?, ?, ?, ?, ?)",
                   (a["timestamp"], 'commit', a["repo"], a["commit_hash"], a["message"], a["author"]))
    elif kind == "self_heal_lib":
        db.execute("INSERT INTO self_heal_events (timestamp, error_pattern, fix_applied, success, severity, category) VALUES (?, ?, ?, ?, ?, ?)",
                   (a["timestamp"], a["pattern"], a["fix"], a["success"], a["severity"], a["category"]))
    else:
        raise SystemExit("unknown hook " + kind)
    db.commit()
db.close()
`;

export interface HookCall {
  kind: 'git' | 'self_heal' | 'routing' | 'routing_lib' | 'session_outcome' | 'tool' | 'git_author' | 'self_heal_lib';
  args: Record<string, string | number | null>;
}

/** Runs the hooks; returns python's stderr on failure (the hook's own exception) or null. */
export function runHooks(dbPath: string, events: HookCall[], opts: { wal?: boolean } = {}): string | null {
  const r = spawnSync('python3', ['-c', HOOKS_PY, dbPath, JSON.stringify({ events, wal: opts.wal ?? false })], { encoding: 'utf8' });
  return r.status === 0 ? null : r.stderr.trim().split('\n').pop() ?? 'python failed';
}

/** The four statements the seeds print, one event each at time `t`. */
export function seedHookCalls(t: number, n = 0): HookCall[] {
  return [
    { kind: 'git', args: { timestamp: t, repo: 'tl', branch: 'main', commit_hash: `c0ffee${n}`, message: `fix ${n}`, files_changed: 2 } },
    { kind: 'self_heal', args: { timestamp: t + 1, pattern: 'git_lock', fix: 'rm lock', success: 1, duration: 120 } },
    { kind: 'routing', args: { timestamp: t + 2, predicted: 'haiku', actual: 'sonnet', dq: 0.7, complexity: 0.3, correct: 0 } },
    {
      kind: 'session_outcome',
      args: { timestamp: t + 3, session_id: `sess-${n}`, outcome: 'success', quality: 4, complexity: 0.5, intent: 'fix', model: 'sonnet', messages_count: 12, duration_minutes: 7.5, cost_usd: 0.12, success: 1, summary: 'ok' },
    },
  ];
}
