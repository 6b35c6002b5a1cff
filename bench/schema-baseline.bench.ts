/**
 * Schema benchmarks, each against a baseline measured side by side in the same run:
 *  1. baseline adoption of a script-made table (copy + identity hashing + V1 indexes) vs a
 *     plain SQL copy of the same rows into the same V1 table (INSERT … SELECT, constant hash);
 *  2. bulk inserts into skill_invocation with V1's skill_metrics/session_skill triggers vs the
 *     same inserts with the triggers dropped.
 * 1M rows at BENCH_SCALE=1.   npm run bench schema-baseline      BENCH_SCALE=0.1 npm run bench schema-baseline
 */
import type { SqlDatabase as Database } from '../src/core/db/database';
import { loadSqlJs } from '../src/core/db/sqljs';
import { ensureSchema } from '../src/core/schema';
import { baseline } from '../src/core/schema/baseline';
import { loadCatalog } from '../src/core/schema/catalog';

const N = Math.round(1_000_000 * Number(process.env.BENCH_SCALE ?? 1));

function seed(db: Database, n: number): void {
  db.run(`CREATE TABLE routing_metrics_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, query_id TEXT, predicted_model TEXT, actual_model TEXT, dq_score REAL, complexity REAL, accuracy INTEGER, cost_saved REAL, reasoning TEXT)`);
  db.run('BEGIN');
  const ins = db.prepare(`INSERT INTO routing_metrics_events (timestamp, query_id, predicted_model, actual_model, dq_score, complexity, accuracy) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  for (let i = 0; i < n; i++) ins.run([1769423127 + i, `h${i % 997}`, i % 2 ? 'haiku' : 'sonnet', 'sonnet', (i % 10) / 10, (i % 7) / 7, i % 2]);
  ins.free();
  db.run('COMMIT');
}

function time(fn: () => void): number {
  const t = performance.now();
  fn();
  return performance.now() - t;
}

/** The two sides run alternately, REPS times each, and the medians are compared (the machine is shared). */
const REPS = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function main(): Promise<void> {
  const SQL = await loadSqlJs();

  const adoption = (): number => {
    const db = new SQL.Database();
    seed(db, N);
    const ms = time(() => baseline(db, loadCatalog()));
    db.close();
    return ms;
  };
  const plainCopy = (): number => {
    const db = new SQL.Database();
    seed(db, N);
    db.run('ALTER TABLE routing_metrics_events RENAME TO old_routing');
    ensureSchema(db);
    const ms = time(() =>
      db.run(`INSERT INTO routing_metrics_events (id, timestamp, query_id, predicted_model, actual_model, dq_score, complexity, accuracy, row_hash, row_seq)
              SELECT id, timestamp, query_id, predicted_model, actual_model, dq_score, complexity, accuracy, 0, id FROM old_routing`),
    );
    db.close();
    return ms;
  };
  const invocations = (withTriggers: boolean): number => {
    const db = new SQL.Database();
    ensureSchema(db);
    if (!withTriggers) for (const t of ['trg_skill_invocation_insert', 'trg_skill_invocation_update', 'trg_skill_invocation_delete']) db.run(`DROP TRIGGER ${t}`);
    const ms = time(() => {
      db.run('BEGIN');
      const ins = db.prepare(`INSERT INTO skill_invocation (skill_name, invoked_at, completed, duration_seconds, session_id, row_hash, row_seq) VALUES (?, ?, ?, ?, ?, ?, 1)`);
      for (let i = 0; i < N; i++) ins.run([`skill${i % 40}`, 1739188800 + i, i % 3 ? 1 : 0, i % 3 ? 10 + (i % 50) : null, `s${i % 500}`, i]);
      ins.free();
      db.run('COMMIT');
    });
    db.close();
    return ms;
  };

  const runs = { adopt: [] as number[], copy: [] as number[], trg: [] as number[], plain: [] as number[] };
  for (let r = 0; r < REPS; r++) {
    runs.adopt.push(adoption());
    runs.copy.push(plainCopy());
    runs.trg.push(invocations(true));
    runs.plain.push(invocations(false));
  }
  const [adoptMs, copyMs, trigMs, plainMs] = [median(runs.adopt), median(runs.copy), median(runs.trg), median(runs.plain)];
  const fmt = (ms: number) => `${ms.toFixed(0)} ms (${Math.round((N / ms) * 1000).toLocaleString('en-US')} rows/s)`;
  console.log(`schema benchmarks, ${N.toLocaleString('en-US')} rows, median of ${REPS} alternating runs`);
  console.log(`  baseline adoption      ${fmt(adoptMs)}  vs plain INSERT…SELECT copy ${fmt(copyMs)}  ratio ${(adoptMs / copyMs).toFixed(2)}x`);
  console.log(`  skill_invocation+trg   ${fmt(trigMs)}  vs without triggers ${fmt(plainMs)}  ratio ${(trigMs / plainMs).toFixed(2)}x`);
}

void main();
