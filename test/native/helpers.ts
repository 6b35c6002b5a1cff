/**
 * Helpers for the native-engine tests. They run in the Node 22 pass of the suite
 * (scripts/run-tests.mjs runs test/native only under a Node that has node:sqlite), and spawn
 * the real CLI with that same Node.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadNodeSqlite } from '../../src/core/db/nativeSqlite';

export const repoRoot = path.resolve(__dirname, '..', '..');

/** Fails loudly (never skips) when this Node cannot run the native engine. */
export function requireNative(): void {
  const { module, reason } = loadNodeSqlite();
  if (!module) throw new Error(`test/native needs a Node with node:sqlite (run it with Node ≥ 22.16, e.g. npm run test:native): ${reason}`);
}

export function tempDir(prefix = 'tl-native-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** bytes the CLI process wrote to storage (/proc/<pid>/io write_bytes, read just before it exits) */
  writeBytes: number | null;
  ms: number;
}

/**
 * Runs the CLI (sources through tsx) in its own process with this Node. With `measureIo`, the
 * child reports its own /proc/self/io write_bytes at exit (TL_REPORT_IO, read in the child).
 */
export function runCliProcess(args: string[], opts: { env?: NodeJS.ProcessEnv; measureIo?: boolean } = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const started = performance.now();
    const pre = opts.measureIo ? ['--require', path.join(__dirname, 'fixtures', 'reportIo.cjs')] : [];
    const child = spawn(process.execPath, [...pre, '--import', 'tsx', path.join(repoRoot, 'src/cli/main.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...opts.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      const m = /TL_IO write_bytes=(\d+)/.exec(stderr);
      resolve({ code, stdout, stderr: stderr.replace(/TL_IO write_bytes=\d+\n?/, ''), writeBytes: m ? Number(m[1]) : null, ms: performance.now() - started });
    });
  });
}

// the users' hooks are python3's sqlite3 in every suite: one copy of the runners
export { python, pythonBackground } from '../db/helpers';
import { python } from '../db/helpers';

export function pyScalar(db: string, sql: string): number {
  return Number(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])`, db, sql).trim());
}

/**
 * A hook as the seeds write them: connect, insert one row, commit, close, every ~20 ms, WAL mode,
 * python's default 5 s busy timeout. Prints the number committed and the slowest insert+commit.
 */
export const HOOK_WRITER = `
import sqlite3, sys, time, threading
db = sys.argv[1]
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
committed = 0
failed = 0
worst = 0.0
first = True
while not stop.is_set():
    try:
        con = sqlite3.connect(db, timeout=5)
        if first:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("CREATE TABLE IF NOT EXISTS hook_rows (seq INTEGER PRIMARY KEY, at REAL)")
            con.commit()
            print("ready", flush=True)
            first = False
        t0 = time.perf_counter()
        con.execute("INSERT INTO hook_rows (seq, at) VALUES (?, ?)", (committed + 1, time.time()))
        con.commit()
        worst = max(worst, time.perf_counter() - t0)
        committed += 1
        con.close()
    except sqlite3.OperationalError as e:
        failed += 1
        print("hook error", e, file=sys.stderr, flush=True)
    time.sleep(0.02)
print("committed", committed, "failed", failed, "worst_ms", round(worst * 1000, 1), flush=True)
`;

export function hookResult(stdout: string): { committed: number; failed: number; worstMs: number } {
  const m = /committed (\d+) failed (\d+) worst_ms ([\d.]+)/.exec(stdout);
  if (!m) throw new Error(`hook printed no summary: ${stdout}`);
  return { committed: Number(m[1]), failed: Number(m[2]), worstMs: Number(m[3]) };
}

/** `n` routing-metrics lines (the catalogue's routing shape), starting at sequence `from`. */
export function routingLines(from: number, n: number): string {
  const out: string[] = [];
  for (let i = from; i < from + n; i++) {
    out.push(JSON.stringify({ ts: 1767225600 + i, query_hash: `q${i}`, model: i % 3 ? 'sonnet' : 'opus', complexity: (i % 100) / 100, latency_ms: 20 + (i % 50) }));
  }
  return out.join('\n') + '\n';
}
