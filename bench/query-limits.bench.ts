/**
 * User queries under limits (issue 11 "off the extension host's thread", issue 12 class 4), run
 * through the bundled CLI (`npm run build` first) so the child process is the shipped one:
 *  - a recursive CTE that never ends, stopped by --timeout: wall time vs the limit, beside the
 *    wall time of `SELECT 1` (process start-up) in the same run;
 *  - memory of an endless result: CLI + query child peak RSS with --max-rows, and streaming CSV
 *    2M rows (x BENCH_SCALE), beside the baseline that collects every row in memory (what `query` did before);
 *  - cancel latency: Ctrl-C (SIGINT to the process group) to exit, and the in-process abort that
 *    Run Query's Cancel uses, to the rejection.
 * BENCH_SCALE scales the time limit (5 s) and the streamed row count (2M).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runUserQuery } from '../src/core/query/runUserQuery';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist/cli.js');
if (!fs.existsSync(path.join(root, 'dist/query.worker.js'))) {
  console.error('run `npm run build` first (this bench runs the bundled CLI and its query child)');
  process.exit(1);
}
const scale = Number(process.env.BENCH_SCALE ?? 1);
const LIMIT_S = Math.max(1, 5 * scale);
const ROWS = Math.max(100_000, Math.round(2_000_000 * scale));
const ENDLESS_COUNT = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
const ENDLESS_ROWS = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x, 'row ' || x AS s FROM c";

const rssKb = (pid: number) => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};
const children = (pid: number): number[] => {
  try {
    return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};
/** RSS of a process and its children, sampled every 50 ms; the peak of the sum. */
function sampleTree(pid: number) {
  let peak = 0;
  const t = setInterval(() => {
    const sum = [pid, ...children(pid)].reduce((a, p) => a + rssKb(p), 0);
    peak = Math.max(peak, sum);
  }, 50);
  return { stop: () => (clearInterval(t), peak) };
}

function run(args: string[], opts: { killAfterMs?: number; sigintAfterMs?: number; script?: string } = {}) {
  const child = spawn(process.execPath, opts.script ? ['--import', 'tsx', '-e', opts.script] : [cli, ...args], { cwd: root, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let outBytes = 0;
  child.stdout.on('data', (d: Buffer) => (outBytes += d.length));
  const t0 = performance.now();
  const mem = sampleTree(child.pid!);
  let signalAt = 0;
  if (opts.killAfterMs) setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs);
  if (opts.sigintAfterMs)
    setTimeout(() => {
      signalAt = performance.now();
      process.kill(-child.pid!, 'SIGINT');
    }, opts.sigintAfterMs);
  return new Promise<{ code: number | null; wallS: number; peakMb: number; outMb: number; afterSignalMs: number }>((resolve) =>
    child.on('exit', (code) => {
      const end = performance.now();
      resolve({ code, wallS: (end - t0) / 1000, peakMb: mem.stop() / 1024, outMb: outBytes / 1e6, afterSignalMs: signalAt ? end - signalAt : 0 });
    }),
  );
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n: number, d = 2) => n.toFixed(d);

async function main(): Promise<void> {
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-bench-query-'));
const db = path.join(dir, 'q.db');
fs.writeFileSync(path.join(dir, 'mk.py'), 'import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute("CREATE TABLE t (n)")\nc.commit()\n');
await new Promise((r) => spawn('python3', [path.join(dir, 'mk.py'), db]).on('exit', r));

  console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; ${os.cpus().length} CPUs`);
  const startup = await run(['query', '--db', db, 'SELECT 1']);
  const stopped = await run(['query', '--db', db, ENDLESS_COUNT, '--timeout', String(LIMIT_S)]);
  console.log(`never-ending CTE, --timeout ${LIMIT_S}: exit ${stopped.code} after ${f(stopped.wallS)} s wall; SELECT 1 takes ${f(startup.wallS)} s (start-up of CLI + child, not counted by the limit)`);

  const capped = await run(['query', '--db', db, ENDLESS_ROWS, '--format', 'json', '--max-rows', '10000']);
  console.log(`endless SELECT, --max-rows 10000 --format json: exit ${capped.code} in ${f(capped.wallS)} s, ${f(capped.outMb)} MB printed, peak RSS (CLI + query child) ${f(capped.peakMb, 0)} MB`);
  const limited = `${ENDLESS_ROWS} LIMIT ${ROWS}`;
  const streamed = await run(['query', '--db', db, limited, '--format', 'csv', '--timeout', '0']);
  console.log(`${ROWS.toLocaleString('en-US')}-row SELECT streamed as CSV: exit ${streamed.code} in ${f(streamed.wallS, 1)} s, ${f(streamed.outMb, 0)} MB printed, peak RSS (CLI + query child) ${f(streamed.peakMb, 0)} MB`);
  const collectAll = `const { openSnapshot } = require(${JSON.stringify(path.join(root, 'src/core/db/database.ts'))});
openSnapshot(${JSON.stringify(db)}).then((d) => { const rows = []; for (const s of d.iterateStatements(${JSON.stringify(limited)})) { while (s.step()) rows.push(s.get()); } console.log(rows.length); });`;
  const baseline = await run([], { script: collectAll });
  console.log(`baseline (the ${ROWS.toLocaleString('en-US')} rows collected in memory, as query did before): peak RSS ${f(baseline.peakMb, 0)} MB; ratio baseline/streamed ${f(baseline.peakMb / streamed.peakMb, 1)}x (the baseline grows with the result, streaming does not)`);

  const sigint: number[] = [];
  for (let i = 0; i < 5; i++) sigint.push((await run(['query', '--db', db, ENDLESS_COUNT], { sigintAfterMs: 1500 })).afterSignalMs);
  console.log(`Ctrl-C to exit (CLI + child, 5 runs): median ${f(median(sigint), 0)} ms (min ${f(Math.min(...sigint), 0)}, max ${f(Math.max(...sigint), 0)})`);

  const abortMs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const cancel = new AbortController();
    let t = 0;
    const running = runUserQuery(db, ENDLESS_COUNT, { timeoutMs: 0, signal: cancel.signal, onColumns: () => void setTimeout(() => ((t = performance.now()), cancel.abort()), 300) });
    await running.catch(() => undefined);
    abortMs.push(performance.now() - t);
  }
  console.log(`cancel (abort signal, Run Query's path) to rejection with the child gone, 5 runs: median ${f(median(abortMs), 0)} ms (max ${f(Math.max(...abortMs), 0)})`);
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
