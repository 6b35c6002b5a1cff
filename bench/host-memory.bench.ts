/**
 * Extension-host memory with the dashboard open on a 1M-event database (BENCH_SCALE scales the
 * events), native (node:sqlite, Node 22 from scripts/node22.mjs) vs wasm (sql.js): each engine
 * in its own process (bench/host-memory-run.ts, bundled like the CLI) loads the modules (idle
 * RSS), opens the database as the panel does and answers every tab's request over all time;
 * reported: RSS above idle with the panel's snapshot open, and the peak. Target (issue 11):
 * native < 150 MB above idle. The database is a native backfill of a routing-metrics.jsonl
 * (bench/ingest-run.ts), cached under os.tmpdir()/telemetry-lens-bench/.
 *   npm run bench host-memory          BENCH_SCALE=0.1 npm run bench host-memory
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeBigRoutingMetrics } from '../src/sample';

const LINES = Math.round(1_000_000 * Number(process.env.BENCH_SCALE ?? 1));
const root = path.resolve(__dirname, '..');
const work = path.join(os.tmpdir(), 'telemetry-lens-bench', `host-memory-${LINES}`);

function node22(): string {
  const p = spawnSync(process.execPath, [path.join(root, 'scripts/node22.mjs')], { encoding: 'utf8' }).stdout.trim();
  if (!p) throw new Error('scripts/node22.mjs found no Node 22');
  return p;
}

function bundle(): { ingest: string; host: string } {
  const out = path.join(work, 'runner');
  fs.mkdirSync(out, { recursive: true });
  const esbuild = require('esbuild') as typeof import('esbuild');
  const common = { bundle: true, platform: 'node' as const, format: 'cjs' as const, target: 'node18', logLevel: 'error' as const };
  esbuild.buildSync({ ...common, entryPoints: [path.join(root, 'bench/ingest-run.ts')], outfile: path.join(out, 'ingest-run.js') });
  esbuild.buildSync({ ...common, entryPoints: [path.join(root, 'bench/host-memory-run.ts')], outfile: path.join(out, 'host-memory-run.js') });
  esbuild.buildSync({ ...common, entryPoints: [path.join(root, 'src/core/ingest/parse.worker.ts')], outfile: path.join(out, 'parse.worker.js') });
  for (const f of ['sql-wasm.wasm', 'sql-wasm.js']) fs.copyFileSync(require.resolve(`sql.js/dist/${f}`), path.join(out, f));
  return { ingest: path.join(out, 'ingest-run.js'), host: path.join(out, 'host-memory-run.js') };
}

function database(ingest: string): string {
  const db = path.join(work, 'events.db');
  if (fs.existsSync(`${db}.done`)) return db;
  const src = path.join(work, 'src');
  fs.rmSync(src, { recursive: true, force: true });
  fs.mkdirSync(src, { recursive: true });
  writeBigRoutingMetrics(path.join(src, 'routing-metrics.jsonl'), LINES, { seed: 1, now: Date.UTC(2026, 0, 28) });
  for (const f of [db, `${db}-wal`, `${db}-shm`]) fs.rmSync(f, { force: true });
  const r = spawnSync(node22(), [ingest, db, src], { encoding: 'utf8', env: { ...process.env, TL_ENGINE: 'native' } });
  if (r.status !== 0) throw new Error(`backfill failed: ${r.stderr}`);
  fs.rmSync(src, { recursive: true, force: true });
  fs.writeFileSync(`${db}.done`, r.stdout);
  return db;
}

function measure(node: string, host: string, db: string, engine: 'native' | 'wasm') {
  const r = spawnSync(node, ['--expose-gc', host, db], { encoding: 'utf8', env: { ...process.env, TL_ENGINE: engine } });
  if (r.status !== 0) throw new Error(`${engine} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { engine: string; idleMB: number; openMB: number; peakMB: number; ms: number };
}

const { ingest, host } = bundle();
const db = database(ingest);
console.log(`database: ${LINES.toLocaleString('en')} routing events, ${(fs.statSync(db).size / 1e6).toFixed(0)} MB (${db})`);
const native = measure(node22(), host, db, 'native');
const wasm = measure(process.execPath, host, db, 'wasm');
for (const m of [native, wasm]) {
  console.log(`${m.engine.padEnd(6)} idle ${m.idleMB} MB, dashboard open (every tab, all time) ${m.openMB} MB = ${m.openMB - m.idleMB} MB above idle, peak ${m.peakMB} MB (${m.peakMB - m.idleMB} above idle); answers in ${(m.ms / 1000).toFixed(2)} s`);
}
console.log(`\nratios: native ${native.openMB - native.idleMB} MB above idle [< 150 MB], wasm ${wasm.openMB - wasm.idleMB} MB; wasm/native ${((wasm.openMB - wasm.idleMB) / Math.max(1, native.openMB - native.idleMB)).toFixed(1)}x`);
