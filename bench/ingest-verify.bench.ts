/**
 * `verify` and `audit` (read-only comparison of a source with the database) on a 1M-line
 * routing-metrics.jsonl (~240 MB; BENCH_SCALE scales the lines) already imported, next to
 * baselines in the same run (audit-new = audit without a database: the first Migrate JSONL preview):
 *  - the same comparison parsed on the main thread and on 2 parse workers (the default:
 *    workers when every line is hashed — verify, audit with a database; else the main thread);
 *  - python3 reading the file and json.loads-ing every line (the floor of merely parsing it).
 * Each contender runs as its own process (wall time from spawn to exit), alternating, median of 3.
 *   npm run bench ingest-verify          BENCH_SCALE=0.1 npm run bench ingest-verify
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeBigRoutingMetrics } from '../src/sample';

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
  console.log(`source: ${LINES.toLocaleString('en')} lines, ${(fs.statSync(file).size / 1e6).toFixed(0)} MB, database ${(fs.statSync(db).size / 1e6).toFixed(0)} MB, ${os.availableParallelism()} cores`);

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
