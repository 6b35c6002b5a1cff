// `npm run test:e2e`: the real-VS-Code suite. Installs code-server into the cache (reused when
// present), packages the .vsix, then runs test/e2e/*.e2e.test.ts with node's test runner, once
// per flavour: `wasm` (code-server 4.100.3 on this Node: the extension host has no node:sqlite)
// and `native` (code-server 4.103.2 on Node 22: node:sqlite). Same steps on both.
// Screenshots and logs: test-artifacts/e2e/<flavour>/.   TL_E2E_EVENTS=N sets events per source
// file; TL_E2E_FLAVOURS=wasm (or native) runs one flavour.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { codeServerPath, CODE_SERVERS, installCodeServer } from './install-code-server.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const started = Date.now();
const secs = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

if (!fs.existsSync(process.env.TL_E2E_CHROMIUM ?? '/usr/bin/chromium')) {
  console.error('[e2e] FAILED: /usr/bin/chromium is missing (apt-get install chromium; .ci/run does it)');
  process.exit(1);
}
const flavours = (process.env.TL_E2E_FLAVOURS ?? 'wasm,native').split(',').map((f) => f.trim()).filter(Boolean);
for (const f of flavours) {
  if (!CODE_SERVERS[f]) {
    console.error(`[e2e] FAILED: unknown flavour ${f} (wasm, native)`);
    process.exit(2);
  }
}

const pack = spawnSync(process.execPath, [path.join(root, 'scripts/package.mjs'), '--quiet'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
if (pack.status !== 0) {
  console.error(`[e2e] FAILED: npm run package failed\n${pack.stdout}`);
  process.exit(1);
}
const vsix = pack.stdout.trim().split('\n').pop();
console.log(`[e2e] packaged ${vsix} (${secs()})`);

// optional name filters: `npm run test:e2e -- telemetryLens`
const filters = process.argv.slice(2);
const tests = fs
  .readdirSync(path.join(root, 'test/e2e'))
  .filter((f) => f.endsWith('.e2e.test.ts') && (filters.length === 0 || filters.some((x) => f.includes(x))))
  .map((f) => path.join('test/e2e', f));
if (tests.length === 0) {
  console.error(`[e2e] FAILED: no test/e2e/*.e2e.test.ts matches ${filters.join(' ')}`);
  process.exit(1);
}
let failed = 0;
for (const flavour of flavours) {
  const codeServer = installCodeServer(flavour);
  console.log(`[e2e] ${flavour}: code-server ${CODE_SERVERS[flavour].version} ready (${secs()}): ${codeServer}`);
  const artifacts = path.join(root, 'test-artifacts', 'e2e', flavour);
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=1', ...tests], {
    cwd: root,
    stdio: 'inherit',
    // PATH: code-server's launcher is `#!/usr/bin/env node`, so the flavour's Node runs it
    env: { ...process.env, PATH: codeServerPath(flavour), TL_E2E_CODE_SERVER: codeServer, TL_E2E_ENGINE: flavour, TL_E2E_VSIX: vsix, TL_E2E_ARTIFACTS: artifacts },
  });
  console.log(`[e2e] ${flavour}: ${run.status === 0 ? 'passed' : 'FAILED'} (${secs()}); screenshots in ${path.relative(root, artifacts)}/`);
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
