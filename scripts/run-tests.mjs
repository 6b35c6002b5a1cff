// Runs node's built-in test runner over the TypeScript test files (Node 20 has no glob
// support in --test). Usage: node scripts/run-tests.mjs [folder-or-file-filter...]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
// --engine-native: the Node 22 pass; every open and write of the suite takes the native engine
if (process.argv.includes('--engine-native')) process.env.TL_ENGINE = 'native';
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const passThrough = process.argv.slice(2).filter((a) => a.startsWith('--') && a !== '--engine-native');

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (entry.name.endsWith('.test.ts')) yield p;
  }
}

// test/native needs node:sqlite: it runs in the Node 22 pass (`npm run test:native`), and is
// left out (saying so) when this Node cannot load it.
function nativeEngineLoads() {
  const r = spawnSync(process.execPath, ['--no-warnings', '-e', "const s=require('node:sqlite'); process.exit(typeof s.DatabaseSync.prototype.aggregate === 'function' ? 0 : 1)"]);
  return r.status === 0;
}
const native = nativeEngineLoads();
if (!native) console.log(`[run-tests] Node ${process.versions.node} has no node:sqlite: test/native runs in the Node 22 pass (npm run test:native), not here`);
console.log(`[run-tests] engine: ${process.env.TL_ENGINE || 'auto'} (${native ? 'native available' : 'wasm only'})`);

// test/e2e holds the code-server suite, run by `npm run test:e2e`, not here.
const files = [...walk(path.join(root, 'test'))]
  .filter((f) => !f.includes(`${path.sep}e2e${path.sep}`) && !f.includes(`${path.sep}vscode-suite${path.sep}`))
  .filter((f) => native || !f.includes(`${path.sep}native${path.sep}`))
  .filter((f) => filters.length === 0 || filters.some((x) => path.relative(root, f).includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...passThrough, ...files],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
