import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * A user's world before Telemetry Lens: JSONL written by hooks, and a database their own
 * Python backfill script built with the plain seed DDL (/work/shared/seeds), in WAL mode.
 */
export interface SeedFixture {
  dir: string;
  logs: string;
  dbPath: string;
  counts: Record<string, number>;
}

function routingLines(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const ts = 1769423127 + i * 37;
    if (i % 3 === 0) {
      out.push(JSON.stringify({ ts, query: `q${i}`, predicted_model: i % 2 ? 'haiku' : 'sonnet', actual_model: 'sonnet', dq_score: 0.5 + (i % 5) / 10, complexity: (i % 10) / 10, correct: i % 2 === 0, latency_ms: 40 + i }));
    } else {
      out.push(JSON.stringify({ ts, query_hash: `h${i % 50}`, complexity: 0.42, model: 'sonnet', dq: 0.81, latency_ms: 12 }));
    }
  }
  // genuine identical events (same second, same content): both must be kept, neither duplicated
  out.push(out[1], out[1]);
  return out;
}

function selfHealLines(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(JSON.stringify({ ts: 1769500000 + i * 60, error_pattern: ['git_lock', 'npm_cache', 'port_busy'][i % 3], fix_applied: 'retry', success: i % 4 !== 0, execution_time_ms: 100 + i }));
  }
  return out;
}

function skillLines(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const done = i % 3 !== 0;
    const at = new Date(Date.UTC(2025, 1, 10, 12, 0, 0) + i * 3_600_000).toISOString().replace('.000Z', 'Z');
    out.push(
      JSON.stringify({ skill_name: ['crackerjack-run', 'lint', 'deploy'][i % 3], invoked_at: at, workflow_path: 'daily', completed: done, duration_seconds: done ? 10 + i : null, follow_up_actions: done ? ['git commit'] : [], error_type: null, session_id: `s${i % 7}` }),
    );
  }
  return out;
}

const BACKFILL_PY = String.raw`
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA journal_mode=WAL")
db.executescript("""
CREATE TABLE IF NOT EXISTS routing_metrics_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, query_id TEXT, predicted_model TEXT, actual_model TEXT, dq_score REAL, complexity REAL, accuracy INTEGER, cost_saved REAL, reasoning TEXT);
CREATE INDEX idx_routing_metrics_timestamp ON routing_metrics_events(timestamp);
CREATE INDEX idx_routing_metrics_accuracy ON routing_metrics_events(accuracy);
CREATE TABLE IF NOT EXISTS self_heal_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, error_pattern TEXT NOT NULL, fix_applied TEXT, success INTEGER NOT NULL, execution_time_ms INTEGER, error_message TEXT, context TEXT);
CREATE INDEX idx_self_heal_timestamp ON self_heal_events(timestamp);
CREATE TABLE skill_invocation (id INTEGER PRIMARY KEY AUTOINCREMENT, skill_name TEXT NOT NULL, invoked_at TIMESTAMP NOT NULL, workflow_path TEXT, completed INTEGER NOT NULL, duration_seconds REAL, error_type TEXT, session_id TEXT, follow_up_actions JSON, schema_version INTEGER DEFAULT 1);
CREATE TABLE skill_metrics (skill_name TEXT PRIMARY KEY, total_invocations INTEGER DEFAULT 0, completed_invocations INTEGER DEFAULT 0);
CREATE TRIGGER trg_skill_metrics_insert AFTER INSERT ON skill_invocation BEGIN
  INSERT INTO skill_metrics (skill_name, total_invocations, completed_invocations) VALUES (NEW.skill_name, 1, NEW.completed)
  ON CONFLICT(skill_name) DO UPDATE SET total_invocations = total_invocations + 1, completed_invocations = completed_invocations + NEW.completed;
END;
CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMP, description TEXT, checksum TEXT);
INSERT INTO schema_migrations VALUES (1, '2025-02-10 12:00:00', 'initial skill schema', 'abc');
""")
logs = sys.argv[2]
for line in open(logs + "/routing-metrics.jsonl"):
    r = json.loads(line)
    acc = r.get("correct")
    db.execute("INSERT INTO routing_metrics_events (timestamp, query_id, predicted_model, actual_model, dq_score, complexity, accuracy) VALUES (?,?,?,?,?,?,?)",
        (r["ts"], r.get("query_hash"), r.get("predicted_model", r.get("model")), r.get("actual_model"), r.get("dq_score", r.get("dq")), r.get("complexity"), None if acc is None else int(acc)))
for line in open(logs + "/self-heal-outcomes.jsonl"):
    r = json.loads(line)
    db.execute("INSERT INTO self_heal_events (timestamp, error_pattern, fix_applied, success, execution_time_ms) VALUES (?,?,?,?,?)",
        (r["ts"], r["error_pattern"], r["fix_applied"], int(r["success"]), r["execution_time_ms"]))
for line in open(logs + "/skill-invocations.jsonl"):
    r = json.loads(line)
    db.execute("INSERT INTO skill_invocation (skill_name, invoked_at, workflow_path, completed, duration_seconds, error_type, session_id, follow_up_actions) VALUES (?,?,?,?,?,?,?,?)",
        (r["skill_name"], r["invoked_at"], r["workflow_path"], int(r["completed"]), r["duration_seconds"], r["error_type"], r["session_id"], json.dumps(r["follow_up_actions"], separators=(",", ":"))))
db.commit()
db.close()
`;

/** 498 + 300 + 200 = ... lines; returns the per-table row counts (1,000 in total). */
export function buildSeedFixture(dir: string): SeedFixture {
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const routing = routingLines(498); // + 2 genuine duplicates = 500
  const selfHeal = selfHealLines(300);
  const skills = skillLines(200);
  fs.writeFileSync(path.join(logs, 'routing-metrics.jsonl'), routing.join('\n') + '\n');
  fs.writeFileSync(path.join(logs, 'self-heal-outcomes.jsonl'), selfHeal.join('\n') + '\n');
  fs.writeFileSync(path.join(logs, 'skill-invocations.jsonl'), skills.join('\n') + '\n');
  const dbPath = path.join(dir, 'claude.db');
  const script = path.join(dir, 'phase2-backfill.py');
  fs.writeFileSync(script, BACKFILL_PY);
  execFileSync('python3', [script, dbPath, logs]);
  return { dir, logs, dbPath, counts: { routing_metrics_events: routing.length, self_heal_events: selfHeal.length, skill_invocation: skills.length } };
}

/** Reads the database with the real sqlite3 module (a second, independent reader). */
export function pythonQuery(dbPath: string, sql: string): unknown[][] {
  const out = execFileSync('python3', ['-c', 'import json,sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(json.dumps(c.execute(sys.argv[2]).fetchall()))', dbPath, sql]);
  return JSON.parse(out.toString()) as unknown[][];
}
