// `npm run bench [name-filter...]`: runs every bench/*.bench.ts with tsx, one process each, in
// name order, and prints each bench's own report. Conventions for bench authors:
//   - a bench measures its subject next to a baseline in the same run and prints ratios
//     (never a pass/fail threshold: speed targets live here, not in unit tests);
//   - BENCH_SCALE (default 1) scales the data size: 0.1 for a quick run, 1 for the full size the
//     bench documents (e.g. 1M events). Read it with Number(process.env.BENCH_SCALE ?? 1);
//   - data generated once may be cached under os.tmpdir()/telemetry-lens-bench/ (never in the repo).
// Filters match the file name (`npm run bench db-` runs bench/db-*.bench.ts). Exit code 1 if any bench failed.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const filters = process.argv.slice(2);
const benchDir = path.join(root, 'bench');
const files = fs
  .readdirSync(benchDir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no bench/*.bench.ts matches ${filters.join(' ') || '(any)'}`);
  process.exit(1);
}
console.log(`BENCH_SCALE=${process.env.BENCH_SCALE ?? 1}; ${files.length} bench file(s)`);
const failed = [];
for (const f of files) {
  console.log(`\n=== ${f} ===`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', path.join(benchDir, f)], { stdio: 'inherit', cwd: root, env: process.env });
  console.log(`=== ${f}: ${r.status === 0 ? 'done' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  if (r.status !== 0) failed.push(f);
}
if (failed.length) {
  console.error(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
