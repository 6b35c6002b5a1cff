/**
 * `verify` and `audit` (read-only comparison of a source with the database) on a 1M-line
 * routing-metrics.jsonl (~240 MB; BENCH_SCALE scales the lines) already imported, next to
 * baselines in the same run (audit-new = audit without a database: the first Migrate JSONL preview):
 *  - the same comparison parsed on the main thread and on 2 parse workers (the default:
 *    workers when every line is hashed — verify, audit with a database; else the main thread);
 *  - python3 reading the file and json.loads-ing every line (the floor of merely parsing it).
 * And "Migrate JSONL end to end" (preview + import of every file, as the extension's command):
 * main's way (a full audit, the schema steps from a second snapshot, a migrate that discovers
 * again) vs the one-pass way (previewSources reads the tail the ledger proves new, the import
 * consumes its plan), on the 1M-line database with 10k lines appended (BENCH_SCALE scales both),
 * and on a fresh ~100 MB file with no database yet.
 * Each contender runs as its own process (wall time from spawn to exit), alternating, median of 3.
 *   npm run bench ingest-verify          BENCH_SCALE=0.1 npm run bench ingest-verify
 *   BENCH_ONLY=migrate-jsonl npm run bench ingest-verify     only the Migrate JSONL cases
 *   (native engine: node scripts/node22.mjs -- scripts/bench.mjs ingest-verify)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeBigRoutingMetrics } from '../src/sample';
import { resolveEngine } from '../src/core/db/engine';

const LINES = Math.round(1_000_000 * Number(process.env.BENCH_SCALE ?? 1));
const root = path.resolve(__dirname, '..');
const work = path.join(os.tmpdir(), 'telemetry-lens-bench', `verify-${LINES}`);
const PY_PARSE = 'import json, sys\nn = 0\nwith open(sys.argv[1], "rb") as f:\n    for line in f:\n        if line.strip():\n            json.loads(line); n += 1\nprint(n)';

function bundleRunner(): string {
  const out = path.join(work, 'runner');
  fs.mkdirSync(out, { recursive: true });
  const esbuild = require('esbuild') as typeof import('esbuild');
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node18', logLevel: 'error' as const };
  esbuild.buildSync({ ...common, entryPoints: [path.join(root, 'bench/verify-run.ts')], outfile: path.join(out, 'verify-run.js') });
  esbuild.buildSync({ ...common, entryPoints: [path.join(root, 'src/core/ingest/parse.worker.ts')], outfile: path.join(out, 'parse.worker.js') });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(out, 'sql-wasm.wasm'));
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.js'), path.join(out, 'sql-wasm.js'));
  return path.join(out, 'verify-run.js');
}

function timed(cmd: string, args: string[]): { ms: number; out: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 16 << 20 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, out: r.stdout.trim().split('\n').pop() ?? '' };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function main(): void {
  const runner = bundleRunner();
  const src = path.join(work, 'src');
  const file = path.join(src, 'routing-metrics.jsonl');
  const db = path.join(work, 'verify.db');
  if (!fs.existsSync(`${db}.done`)) {
    fs.rmSync(src, { recursive: true, force: true });
    fs.rmSync(db, { force: true });
    fs.mkdirSync(src, { recursive: true });
    writeBigRoutingMetrics(file, LINES, { seed: 1, now: Date.UTC(2026, 0, 28) });
    timed(process.execPath, [runner, 'migrate', db, src]);
    fs.writeFileSync(`${db}.done`, '');
  }
  console.log(`source: ${LINES.toLocaleString('en')} lines, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB, database ${(fs.statSync(db).size / 1e6).toFixed(0)} MB, ${os.availableParallelism()} cores, engine ${resolveEngine().name} (Node ${process.versions.node})`);
  if (process.env.BENCH_ONLY !== 'migrate-jsonl') comparisons(runner, db, src, file);
  migrateJsonl(runner, db, src, file);
}

/** The database file and its sidecars, copied (the Migrate cases write; the prepared database stays). */
function copyDatabase(from: string, to: string): void {
  for (const ext of ['', '-wal', '-shm']) {
    fs.rmSync(to + ext, { force: true });
    if (fs.existsSync(from + ext)) fs.copyFileSync(from + ext, to + ext);
  }
}

function migrateJsonl(runner: string, db: string, src: string, file: string): void {
  const appended = Math.round(10_000 * Number(process.env.BENCH_SCALE ?? 1));
  const tailFile = path.join(work, `tail-${appended}.jsonl`);
  if (!fs.existsSync(tailFile)) writeBigRoutingMetrics(tailFile, appended, { seed: 7, now: Date.UTC(2026, 0, 29), spanDays: 1 });
  const tail = fs.readFileSync(tailFile);
  const baseSize = fs.statSync(file).size;
  const runDb = path.join(work, 'migrate-jsonl.db');
  // a fresh ~100 MB file (no database yet: the first Migrate JSONL)
  const freshLines = Math.round(420_000 * Number(process.env.BENCH_SCALE ?? 1));
  const freshSrc = path.join(work, 'fresh');
  const freshFile = path.join(freshSrc, 'routing-metrics.jsonl');
  if (!fs.existsSync(freshFile)) {
    fs.mkdirSync(freshSrc, { recursive: true });
    writeBigRoutingMetrics(freshFile, freshLines, { seed: 3, now: Date.UTC(2026, 0, 28) });
  }
  const freshDb = path.join(work, 'migrate-jsonl-fresh.db');
  const runs: Record<string, number[]> = {};
  const add = (name: string, ms: number) => (runs[name] ??= []).push(ms);
  try {
    for (let i = 0; i < 3; i++) {
      for (const way of ['old', 'new']) {
        // the same file (same inode: the ledger's prefix holds) with the same 10k lines appended
        fs.truncateSync(file, baseSize);
        fs.appendFileSync(file, tail);
        copyDatabase(db, runDb);
        const t = timed(process.execPath, [runner, 'migrate-jsonl', runDb, src, way]);
        const r = JSON.parse(t.out) as { rows: number; ok: boolean; previewMs: number };
        if (r.rows !== appended || !r.ok) throw new Error(`migrate-jsonl ${way}: inserted ${r.rows} of ${appended}, ok=${r.ok}`);
        add(`appended ${way}`, t.ms);
        add(`appended ${way} preview`, r.previewMs);
        copyDatabase(path.join(work, 'none'), freshDb); // removes it
        const f2 = timed(process.execPath, [runner, 'migrate-jsonl', freshDb, freshSrc, way]);
        const r2 = JSON.parse(f2.out) as { rows: number; ok: boolean; previewMs: number };
        if (r2.rows !== freshLines || !r2.ok) throw new Error(`migrate-jsonl fresh ${way}: inserted ${r2.rows} of ${freshLines}, ok=${r2.ok}`);
        add(`fresh ${way}`, f2.ms);
        add(`fresh ${way} preview`, r2.previewMs);
      }
    }
  } finally {
    fs.truncateSync(file, baseSize); // the other cases' source stays as prepared
  }
  console.log(`Migrate JSONL end to end (preview + import; median of 3; ${appended.toLocaleString('en')} lines appended to the ${LINES.toLocaleString('en')} imported; fresh: ${freshLines.toLocaleString('en')} lines, ${(fs.statSync(freshFile).size / 1e6).toFixed(0)} MB, no database)`);
  for (const c of ['appended', 'fresh']) {
    const old = median(runs[`${c} old`]);
    const now = median(runs[`${c} new`]);
    console.log(`  ${c.padEnd(8)} main's way (full audit + separate import) ${f(old)}   one pass ${f(now)}   ratio ${(old / now).toFixed(2)}x  (runs old ${runs[`${c} old`].map(f).join(', ')}; new ${runs[`${c} new`].map(f).join(', ')})`);
    console.log(`           of which the preview (in-process, before the pick): main's way ${f(median(runs[`${c} old preview`]))}   one pass ${f(median(runs[`${c} new preview`]))}`);
  }
}

function comparisons(runner: string, db: string, src: string, file: string): void {

  const runs: Record<string, number[]> = {};
  const add = (name: string, ms: number) => (runs[name] ??= []).push(ms);
  for (let i = 0; i < 3; i++) {
    for (const mode of ['verify', 'audit', 'audit-new']) {
      for (const workers of [0, 2]) {
        const t = timed(process.execPath, [runner, mode.replace('-new', ''), mode === 'audit-new' ? '-' : db, src, String(workers)]);
        const r = JSON.parse(t.out) as { rows: number; ok: boolean };
        if (r.rows !== LINES || !r.ok) throw new Error(`${mode} (${workers} workers) saw ${r.rows} rows, ok=${r.ok}`);
        add(`${mode} ${workers}`, t.ms);
      }
    }
    const p = timed('python3', ['-c', PY_PARSE, file]);
    if (Number(p.out) !== LINES) throw new Error(`python parsed ${p.out}`);
    add('python', p.ms);
  }
  const py = median(runs.python);
  console.log(`python3 json.loads per line (parse floor)   ${f(py)}`);
  for (const mode of ['verify', 'audit', 'audit-new']) {
    const one = median(runs[`${mode} 0`]);
    const two = median(runs[`${mode} 2`]);
    const workersByDefault = mode !== 'audit-new';
    console.log(`${mode.padEnd(9)} main thread${workersByDefault ? '' : ' (default)'} ${f(one)}   with 2 parse workers${workersByDefault ? ' (default)' : ''} ${f(two)}`);
    console.log(`        ratios (higher = faster): default vs python3 parse floor ${(py / (workersByDefault ? two : one)).toFixed(2)}x, 2 workers vs main thread ${(one / two).toFixed(2)}x`);
  }
}

main();
