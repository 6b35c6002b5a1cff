/**
 * Storage engine on a ~130 MB, 1M-row WAL-mode database (BENCH_SCALE scales the rows):
 *  1. snapshot-open (main file + live WAL applied, into sql.js) + one full-scan aggregate,
 *     next to python3's sqlite3 connecting to the same live file and running the same query;
 *  2. verified write-back of the whole image after a one-row change (withWrite), next to the
 *     floor of any whole-file writer: copying the file (fs.copyFileSync) + fsync.
 * Both sides run in this same run on the same file; ratios are ours / baseline.
 *   npm run bench db-snapshot          BENCH_SCALE=0.1 npm run bench db-snapshot
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openSnapshot, withWrite } from '../src/core/db/database';
import { loadSqlJs } from '../src/core/db/sqljs';

const ROWS = Math.round(1_000_000 * Number(process.env.BENCH_SCALE ?? 1));
const QUERY = 'SELECT tool, COUNT(*), SUM(success), ROUND(AVG(latency_ms), 6), MAX(LENGTH(payload)) FROM events GROUP BY tool ORDER BY tool';
const cacheDir = path.join(os.tmpdir(), 'telemetry-lens-bench');

function makeDatabase(): string {
  fs.mkdirSync(cacheDir, { recursive: true });
  const db = path.join(cacheDir, `db-snapshot-${ROWS}.db`);
  if (fs.existsSync(db) && !fs.existsSync(`${db}-wal`)) return db;
  for (const f of [db, `${db}-wal`, `${db}-shm`, `${db}.lock`]) fs.rmSync(f, { force: true });
  const r = spawnSync('python3', ['-c', `
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, tool TEXT, model TEXT, success INTEGER, latency_ms REAL, payload TEXT)")
con.execute("BEGIN")
tools = ["Bash", "Read", "Edit", "Grep", "Write", "Task"]
con.executemany("INSERT INTO events (ts, tool, model, success, latency_ms, payload) VALUES (?,?,?,?,?,?)",
    ((1769000000 + i, tools[i % 6], "sonnet" if i % 3 else "haiku", int(i % 10 != 1), (i * 7919) % 1500 / 3.0, "p%07d-" % i + "x" * 92) for i in range(int(sys.argv[2]))))
con.execute("COMMIT")
con.close()
`, db, String(ROWS)], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('could not generate the bench database');
  return db;
}

/** python3 holds a connection with 10,000 more rows committed to the WAL (not checkpointed). */
async function holdLiveWal(db: string) {
  const child = spawn('python3', ['-u', '-c', `
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("BEGIN")
con.executemany("INSERT INTO events (ts, tool, model, success, latency_ms, payload) VALUES (?,?,?,?,?,?)",
    ((1779000000 + i, "Live", "opus", 1, 1.0, "live-%07d" % i) for i in range(10000)))
con.execute("COMMIT")
print("ready", flush=True)
sys.stdin.read()
con.close()
`, db], { stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve) => child.stdout.on('data', (d) => String(d).includes('ready') && resolve()));
  return { stop: () => new Promise<void>((resolve) => { child.on('exit', () => resolve()); child.stdin.end(); }) };
}

function pythonQuery(db: string): { openQueryMs: number; processMs: number; answer: unknown } {
  const t0 = performance.now();
  const r = spawnSync('python3', ['-c', `
import sqlite3, sys, time, json
t = time.perf_counter()
con = sqlite3.connect(sys.argv[1])
rows = con.execute(sys.argv[2]).fetchall()
print(json.dumps({"ms": (time.perf_counter() - t) * 1000, "rows": rows}))
`, db, QUERY], { encoding: 'utf8' });
  const processMs = performance.now() - t0;
  const out = JSON.parse(r.stdout);
  return { openQueryMs: out.ms, processMs, answer: out.rows };
}

async function oursQuery(db: string): Promise<{ openMs: number; queryMs: number; answer: unknown }> {
  const t0 = performance.now();
  const snap = await openSnapshot(db);
  const t1 = performance.now();
  const answer = snap.exec(QUERY)[0].values;
  const t2 = performance.now();
  snap.close();
  return { openMs: t1 - t0, queryMs: t2 - t1, answer };
}

const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

async function main() {
  await loadSqlJs(); // engine start-up is paid once per process, not per open
  const pristine = makeDatabase();
  // Work on a copy: the live rows and the write-back below must not change the cached file.
  const db = path.join(cacheDir, `db-work-${ROWS}.db`);
  for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  fs.copyFileSync(pristine, db);
  const mb = fs.statSync(db).size / 1048576;
  console.log(`database: ${db} (${mb.toFixed(1)} MB, ${ROWS} rows + 10,000 live WAL rows held open by python3)`);
  const live = await holdLiveWal(db);
  try {
    console.log(`WAL: ${(fs.statSync(`${db}-wal`).size / 1048576).toFixed(1)} MB`);
    for (let run = 1; run <= 3; run++) {
      const ours = await oursQuery(db);
      const py = pythonQuery(db);
      if (JSON.stringify(ours.answer) !== JSON.stringify(py.answer)) throw new Error(`answers differ: ${JSON.stringify(ours.answer)} vs ${JSON.stringify(py.answer)}`);
      const total = ours.openMs + ours.queryMs;
      console.log(
        `run ${run}: ours snapshot-open ${fmt(ours.openMs)} + aggregate ${fmt(ours.queryMs)} = ${fmt(total)} | ` +
          `python3 connect+aggregate ${fmt(py.openQueryMs)} (whole process ${fmt(py.processMs)}) | ratio ${(total / py.openQueryMs).toFixed(2)}x (vs process ${(total / py.processMs).toFixed(2)}x); same answer`,
      );
    }
  } finally {
    await live.stop();
  }

  const copy = db; // python closed its connection: the WAL is checkpointed and gone
  for (let run = 1; run <= 2; run++) {
    const t0 = performance.now();
    let phaseAt = 0;
    await withWrite(copy, (d) => d.run("INSERT INTO events (ts, tool) VALUES (1, 'bench')"), {
      onPhase: (p) => p === 'write-back' && (phaseAt = performance.now()),
    });
    const t1 = performance.now();
    const floorTarget = `${copy}.floor`;
    const f0 = performance.now();
    fs.copyFileSync(copy, floorTarget);
    const fd = fs.openSync(floorTarget, 'r+');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    const f1 = performance.now();
    fs.rmSync(floorTarget);
    console.log(
      `write run ${run}: withWrite total ${fmt(t1 - t0)} (snapshot+work ${fmt(phaseAt - t0)}, export+temp+fsync+verify+rename ${fmt(t1 - phaseAt)}) | ` +
        `file copy+fsync floor ${fmt(f1 - f0)} | write-back / floor ${((t1 - phaseAt) / (f1 - f0)).toFixed(2)}x`,
    );
  }
  fs.rmSync(copy);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
