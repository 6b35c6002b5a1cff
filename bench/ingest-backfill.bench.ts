/**
 * Ingest engine on a 1M-line routing-metrics.jsonl (~240 MB; BENCH_SCALE scales the lines),
 * next to baselines in the same run:
 *  1. full backfill (migrations + import + rollups + verified write-back) vs a python3
 *     sqlite3 importer doing the same mapping with executemany in one transaction
 *     (bench/ingest-reference.py) and vs Debian's `sqlite-utils insert --nl` (no mapping);
 *  2. incremental: 1,000 appended lines into the 1M-row database vs writing that database
 *     file once: through the storage engine (a trivial change: snapshot + whole-image verified
 *     write-back, which every sql.js write pays) and raw (write + fsync of the bytes); five
 *     rounds, each contender started on a settled disk (settle()); ratios of the fastest round
 *     of each (the disk's stalls only ever add time), medians printed beside them;
 *  3. peak RSS of the backfill vs the final database size.
 *  4. the native engine (node:sqlite, Node 22 from scripts/node22.mjs) beside wasm: backfill,
 *     "the seeds' way" (bench/ingest-seeds-way.py: json.loads + executemany, no hashing), and
 *     the incremental 1,000 lines: time and bytes the process wrote (/proc/self/io);
 *  5. a python hook committing every 20 ms during the native backfill: its slowest insert.
 * Every contender runs as its own process (wall time from spawn to exit).
 *   npm run bench ingest-backfill          BENCH_SCALE=0.1 npm run bench ingest-backfill
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeBigRoutingMetrics } from '../src/sample';

const LINES = Math.round(1_000_000 * Number(process.env.BENCH_SCALE ?? 1));
const root = path.resolve(__dirname, '..');
const work = path.join(os.tmpdir(), 'telemetry-lens-bench', `ingest-${LINES}`);

function sourceFolder(): string {
  const dir = path.join(work, 'src');
  const file = path.join(dir, 'routing-metrics.jsonl');
  const marker = file + '.done';
  if (!fs.existsSync(marker)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const s = writeBigRoutingMetrics(file, LINES, { seed: 1, now: Date.UTC(2026, 0, 28) });
    fs.writeFileSync(marker, JSON.stringify(s));
  }
  return dir;
}

function fresh(name: string): string {
  const p = path.join(work, name);
  for (const f of [p, `${p}-wal`, `${p}-shm`, `${p}-journal`, `${p}.lock`]) fs.rmSync(f, { force: true });
  return p;
}

/**
 * Wall time (ms), peak RSS (MB) and CPU time (user + system, ms: on a loaded machine the
 * fairer cost) of a command, measured by GNU time; bytes written when the child reports them
 * (reportIo.cjs).
 */
function timed(cmd: string, args: string[], env?: NodeJS.ProcessEnv): { ms: number; rssMB: number; cpuMs: number; stdout: string; writeBytes: number | null } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  const [rssKB, user, sys] = r.stderr.trim().split('\n').pop()!.split(' ').map(Number);
  const io = /TL_IO write_bytes=(\d+)/.exec(r.stderr);
  return { ms, rssMB: rssKB / 1024, cpuMs: (user + sys) * 1000, stdout: r.stdout, writeBytes: io ? Number(io[1]) : null };
}

const REPORT_IO = path.join(root, 'test/native/fixtures/reportIo.cjs');

/** The migrate runner on an engine: wasm with this Node, native with Node 22 (scripts/node22.mjs). */
function oursOn(engine: 'wasm' | 'native', db: string, src: string) {
  const node = engine === 'native' ? node22() : process.execPath;
  const t = timed(node, ['--require', REPORT_IO, runner, db, src], { TL_ENGINE: engine });
  return { ...t, report: JSON.parse(t.stdout.trim().split('\n').pop()!) as { ms: number; phases: Record<string, number>; inserted: number; maxRssMB: number } };
}

let node22Path = '';
function node22(): string {
  if (!node22Path) node22Path = spawnSync(process.execPath, [path.join(root, 'scripts/node22.mjs')], { encoding: 'utf8' }).stdout.trim();
  if (!node22Path) throw new Error('scripts/node22.mjs found no Node 22');
  return node22Path;
}

/** The child runner, bundled like the CLI (no tsx compile in the measured time); the parse worker sits beside it. */
function bundleRunner(): string {
  const out = path.join(work, 'runner');
  fs.mkdirSync(out, { recursive: true });
  const esbuild = require('esbuild') as typeof import('esbuild');
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node18', logLevel: 'error' as const };
  esbuild.buildSync({ ...common, entryPoints: [path.join(root, 'bench/ingest-run.ts')], outfile: path.join(out, 'ingest-run.js') });
  esbuild.buildSync({ ...common, entryPoints: [path.join(root, 'src/core/ingest/parse.worker.ts')], outfile: path.join(out, 'parse.worker.js') });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(out, 'sql-wasm.wasm'));
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.js'), path.join(out, 'sql-wasm.js'));
  return path.join(out, 'ingest-run.js');
}

let runner = '';

function ours(db: string, src: string) {
  const t = timed(process.execPath, [runner, db, src], { TL_ENGINE: 'wasm' });
  return { ...t, report: JSON.parse(t.stdout.trim().split('\n').pop()!) as { ms: number; phases: Record<string, number>; inserted: number; maxRssMB: number } };
}

/** One raw write of the database's bytes to a new file + fsync (ms): the floor of writing that file once. */
function rawWriteMs(db: string): number {
  const bytes = fs.readFileSync(db);
  const tmp = `${db}.copy`;
  const t0 = performance.now();
  const fd = fs.openSync(tmp, 'w');
  fs.writeSync(fd, bytes);
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  const ms = performance.now() - t0;
  fs.rmSync(tmp);
  return ms;
}

/**
 * Lets the file system finish what the previous contender left (write-back of dirty pages, and
 * ext4's journal commit every 5 s, which also discards the blocks of replaced files): here one
 * 228 MB write takes 45-110 ms on a settled disk and 400-560 ms within seconds of another
 * (measured), which would otherwise decide the incremental ratios.
 */
function settle(): void {
  spawnSync('sync');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 6000);
}

const ROUNDS = 5;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const best = (xs: number[]): number => Math.min(...xs);

const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

const HOOK = `
import sqlite3, sys, time, threading
db = sys.argv[1]
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
committed = failed = 0
worst = 0.0
lat = []
con = sqlite3.connect(db, timeout=5)
con.execute("PRAGMA journal_mode=WAL")
con.execute("CREATE TABLE IF NOT EXISTS hook_rows (seq INTEGER PRIMARY KEY, at REAL)")
con.commit(); con.close()
print("ready", flush=True)
while not stop.is_set():
    try:
        con = sqlite3.connect(db, timeout=5)
        t0 = time.perf_counter()
        con.execute("INSERT INTO hook_rows (at) VALUES (?)", (time.time(),))
        con.commit()
        worst = max(worst, time.perf_counter() - t0)
        lat.append(time.perf_counter() - t0)
        committed += 1
        con.close()
    except sqlite3.OperationalError:
        failed += 1
    time.sleep(0.02)
lat.sort()
p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))] if lat else 0
print("committed", committed, "failed", failed, "worst_ms", round(worst * 1000, 1), "p99_ms", round(p99 * 1000, 1), flush=True)
`;

async function main(): Promise<void> {
  runner = bundleRunner();
  const src = sourceFolder();
  const file = path.join(src, 'routing-metrics.jsonl');
  const mb = fs.statSync(file).size / 1e6;
  console.log(`source: ${LINES.toLocaleString('en')} lines, ${mb.toFixed(0)} MB (${file})`);

  const oursDb = fresh('ours.db');
  settle();
  const a = ours(oursDb, src);
  if (a.report.inserted !== LINES) throw new Error(`ours inserted ${a.report.inserted}, expected ${LINES}`);
  const dbMB = fs.statSync(oursDb).size / 1e6;
  const ph = a.report.phases;
  console.log(`telemetry-lens migrate   ${f(a.ms)}  (in-process ${f(a.report.ms)}: read+insert ${f((ph.rollups ?? 0) - (ph.read ?? 0))}, rollups ${f((ph.write ?? 0) - (ph.rollups ?? 0))}, write-back ${f(a.report.ms - (ph.write ?? 0))})  peak RSS ${a.rssMB.toFixed(0)} MB, db ${dbMB.toFixed(0)} MB`);

  const pyDb = fresh('python.db');
  settle();
  const p = timed('python3', [path.join(root, 'bench/ingest-reference.py'), pyDb, file]);
  if (Number(p.stdout.trim()) !== LINES) throw new Error(`python imported ${p.stdout.trim()}`);
  console.log(`python3 reference        ${f(p.ms)}  peak RSS ${p.rssMB.toFixed(0)} MB`);

  let su: { ms: number; rssMB: number } | null = null;
  if (spawnSync('sh', ['-c', 'command -v sqlite-utils']).status === 0) {
    const suDb = fresh('sqlite-utils.db');
    settle();
    su = timed('sqlite-utils', ['insert', suDb, 'routing_metrics_events', file, '--nl']);
    console.log(`sqlite-utils insert --nl ${f(su.ms)}  peak RSS ${su.rssMB.toFixed(0)} MB`);
  } else console.log('sqlite-utils: not installed, skipped');

  // incremental: 1,000 new lines (an hour of a busy router) appended to the big file, into the
  // 1M-row database; ROUNDS rounds from the same database, each contender on a settled disk
  const extra = path.join(work, 'append-1000.jsonl');
  writeBigRoutingMetrics(extra, 1000, { seed: 99, now: Date.UTC(2026, 0, 28, 1), spanDays: 1 / 24 });
  const extraBytes = fs.readFileSync(extra);
  const before = fs.statSync(file).size;
  const baseDb = `${oursDb}.base`;
  fs.copyFileSync(oursDb, baseDb);
  const incs: ReturnType<typeof ours>[] = [];
  const raws: number[] = [];
  const touches: number[] = [];
  let noop: ReturnType<typeof ours> | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    fs.copyFileSync(baseDb, oursDb);
    fs.appendFileSync(file, extraBytes);
    try {
      settle();
      const inc = ours(oursDb, src);
      if (inc.report.inserted !== 1000) throw new Error(`incremental inserted ${inc.report.inserted}`);
      incs.push(inc);
      if (round === 0) {
        settle();
        noop = ours(oursDb, src);
        if (noop.report.inserted !== 0) throw new Error(`no-change run inserted ${noop.report.inserted}`);
      }
    } finally {
      fs.truncateSync(file, before); // keep the cached source at its documented size
    }
    settle();
    raws.push(rawWriteMs(oursDb));
    settle();
    touches.push(ours(oursDb, '--touch').ms);
  }
  const baseDb2 = () => baseDb;
  // A write of this file costs 0.12-0.7 s here depending on what the disk is still doing (even
  // settled): an additive stall, so each contender's fastest round is its cost.
  const incMs = best(incs.map((x) => x.ms));
  const inc = incs.find((x) => x.ms === incMs)!;
  const writeMs = best(raws);
  const touchMs = best(touches);
  const ip = inc.report.phases;
  const list = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(' / ');
  console.log(`incremental 1,000 lines  ${f(incMs)} fastest of ${list(incs.map((x) => x.ms))} s, median ${f(median(incs.map((x) => x.ms)))}  (fastest run in-process ${f(inc.report.ms)}: snapshot ${f(ip.schema ?? 0)}, read+insert ${f((ip.rollups ?? 0) - (ip.read ?? 0))}, rollups ${f((ip.write ?? 0) - (ip.rollups ?? 0))}, write-back ${f(inc.report.ms - (ip.write ?? 0))})`);
  console.log(`one trivial write through the storage engine  ${f(touchMs)} fastest of ${list(touches)} s, median ${f(median(touches))}`);
  console.log(`one raw write+fsync  ${f(writeMs)} fastest of ${list(raws)} s, median ${f(median(raws))}`);
  console.log(`  (medians: incremental = ${(median(incs.map((x) => x.ms)) / median(touches)).toFixed(2)}x the storage-engine write, ${(median(incs.map((x) => x.ms)) / median(raws)).toFixed(2)}x the raw write)`);

  const seedsDb = fresh('seeds-way.db');
  settle();
  const sw = timed('python3', [path.join(root, 'bench/ingest-seeds-way.py'), seedsDb, file]);
  console.log(`the seeds' way (python3 json.loads + executemany, no hashing)  ${f(sw.ms)}  peak RSS ${sw.rssMB.toFixed(0)} MB`);

  // the native engine: backfill, incremental (time + bytes written), beside wasm's incremental
  const nativeDb = fresh('native.db');
  settle();
  const n = oursOn('native', nativeDb, src);
  if (n.report.inserted !== LINES) throw new Error(`native inserted ${n.report.inserted}, expected ${LINES}`);
  const nph = n.report.phases;
  console.log(`native migrate (node:sqlite)  ${f(n.ms)}  (in-process ${f(n.report.ms)}: read+insert ${f((nph.rollups ?? 0) - (nph.read ?? 0))}, rollups ${f((nph.write ?? 0) - (nph.rollups ?? 0))})  peak RSS ${n.rssMB.toFixed(0)} MB`);
  const nativeBase = `${nativeDb}.base`;
  fs.copyFileSync(nativeDb, nativeBase);
  const incNative: ReturnType<typeof oursOn>[] = [];
  const incWasm: ReturnType<typeof oursOn>[] = [];
  for (let round = 0; round < 3; round++) {
    fs.appendFileSync(file, extraBytes);
    try {
      fs.copyFileSync(nativeBase, nativeDb);
      for (const side of ['-wal', '-shm']) fs.rmSync(nativeDb + side, { force: true });
      settle();
      const a1 = oursOn('native', nativeDb, src);
      if (a1.report.inserted !== 1000) throw new Error(`native incremental inserted ${a1.report.inserted}`);
      incNative.push(a1);
      fs.copyFileSync(baseDb2(), oursDb);
      settle();
      const b1 = oursOn('wasm', oursDb, src);
      if (b1.report.inserted !== 1000) throw new Error(`wasm incremental inserted ${b1.report.inserted}`);
      incWasm.push(b1);
    } finally {
      fs.truncateSync(file, before);
    }
  }
  fs.rmSync(nativeBase);
  const fastest = (xs: ReturnType<typeof oursOn>[]) => xs.reduce((m, x) => (x.ms < m.ms ? x : m));
  const nI = fastest(incNative);
  const wI = fastest(incWasm);
  const kb = (b: number | null) => (b === null ? '?' : `${(b / 1048576).toFixed(2)} MB`);
  console.log(`incremental 1,000 lines, native: ${f(nI.ms)} process (${f(nI.report.ms)} in-process), wrote ${kb(nI.writeBytes)}; wasm: ${f(wI.ms)} process (${f(wI.report.ms)} in-process), wrote ${kb(wI.writeBytes)}  (fastest of 3 each)`);

  // a hook committing every 20 ms during the native backfill: its slowest insert+commit
  const hookDb = fresh('native-hook.db');
  const hook = spawn('python3', ['-u', '-c', HOOK, hookDb], { stdio: ['pipe', 'pipe', 'inherit'] });
  let hookOut = '';
  hook.stdout.on('data', (d) => (hookOut += d));
  await new Promise<void>((resolve) => {
    const check = () => (hookOut.includes('ready') ? resolve() : undefined);
    hook.stdout.on('data', check);
  });
  // spawnSync would block this event loop (and so the hook's stdout): run the backfill async
  const hookRun = await new Promise<number>((resolve) => {
    const t0 = performance.now();
    const c = spawn(node22(), [runner, hookDb, src], { env: { ...process.env, TL_ENGINE: 'native' }, stdio: 'ignore' });
    c.on('exit', () => resolve(performance.now() - t0));
  });
  hook.stdin.end();
  await new Promise((r) => hook.on('exit', r));
  const hm = /committed (\d+) failed (\d+) worst_ms ([\d.]+) p99_ms ([\d.]+)/.exec(hookOut);
  console.log(`hook beside the native backfill (${f(hookRun)}): ${hm?.[1]} inserts, ${hm?.[2]} failed, slowest ${hm?.[3]} ms, 99th percentile ${hm?.[4]} ms`);

  console.log('\nratios (higher = we are faster; target in brackets):');
  console.log(`  native backfill vs the seeds' way: ${(sw.ms / n.ms).toFixed(2)}x  [>= 1.5x]; wasm vs the seeds' way: ${(sw.ms / a.ms).toFixed(2)}x; native vs wasm: ${(a.ms / n.ms).toFixed(2)}x; native vs python3 reference: ${(p.ms / n.ms).toFixed(2)}x`);
  console.log(`  CPU time (user + system, all threads): native ${f(n.cpuMs)}, wasm ${f(a.cpuMs)}, the seeds' way ${f(sw.cpuMs)}, python3 reference ${f(p.cpuMs)}; native wrote ${kb(n.writeBytes)} for the backfill`);
  console.log(`  incremental 1,000 lines native: ${f(nI.report.ms)} in-process [< 0.3 s], ${kb(nI.writeBytes)} written [< 1 MB]; wasm ${f(wI.report.ms)}, ${kb(wI.writeBytes)}`);
  console.log(`  hook's slowest insert during the native backfill: ${hm?.[3]} ms  [< 1000 ms]`);
  console.log(`  backfill vs python3 reference:   ${(p.ms / a.ms).toFixed(2)}x  [>= 1.5x]`);
  if (su) console.log(`  backfill vs sqlite-utils:        ${(su.ms / a.ms).toFixed(2)}x  [>= 5x]`);
  console.log(`  incremental 1,000 lines: ${f(incMs)} = ${(incMs / touchMs).toFixed(2)}x one write of that database through the storage engine (snapshot + whole-image write-back, same process setup: ${f(touchMs)})  [< 2x]`);
  console.log(`                           = ${(incMs / writeMs).toFixed(2)}x one raw write+fsync of the ${dbMB.toFixed(0)} MB file's bytes (${f(writeMs)}; sql.js persists whole images only, so this is below any write it can make)`);
  console.log(`  no-change run (nothing to import, no write-back): ${f(noop!.ms)}`);
  fs.rmSync(baseDb);
  console.log(`  peak RSS ${a.rssMB.toFixed(0)} MB vs budget 2.5 x ${dbMB.toFixed(0)} MB + 150 MB = ${(2.5 * dbMB + 150).toFixed(0)} MB: ${(a.rssMB / (2.5 * dbMB + 150)).toFixed(2)} of budget  [< 1]`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
