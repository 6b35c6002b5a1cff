// Installs code-server (a real VS Code workbench + Node extension host) into a cache folder
// outside the project's dependency tree, following docs/vscode-e2e.md. Reuses the cache when
// present. Prints the path of the code-server launcher on its last stdout line.
// Two flavours, one per storage engine the extension host can run:
//   wasm   code-server 4.100.3 (VS Code 1.100, the newest that runs on Node 20): no node:sqlite
//   native code-server 4.103.2 (VS Code 1.103) on Node 22 from the npm registry: node:sqlite
// Usage: node scripts/e2e/install-code-server.mjs [wasm|native]   (env TELEMETRY_LENS_E2E_CACHE overrides the folder)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { ensureNode22 } from '../node22.mjs';

export const CODE_SERVERS = {
  wasm: { version: '4.100.3', node22: false },
  native: { version: '4.103.2', node22: true },
};
export const CODE_SERVER_VERSION = CODE_SERVERS.wasm.version;
// @vscode/ripgrep looks for its tarball in its download cache before going online (1.15.11 in
// code-server 4.100, 1.15.14 in 4.103); give it the Debian binary there.
const RIPGREP_CACHES = [
  [path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11'), 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz'],
  [path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.14'), 'ripgrep-v13.0.0-13-x86_64-unknown-linux-musl.tar.gz'],
];

export function cacheRoot() {
  return process.env.TELEMETRY_LENS_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'telemetry-lens-e2e');
}

export function codeServerBin(flavour = 'wasm', root = cacheRoot()) {
  return path.join(root, `code-server-${CODE_SERVERS[flavour].version}`, 'node_modules', '.bin', 'code-server');
}

/** PATH for running (and installing) a flavour: Node 22 first for the native one (code-server's launcher is `#!/usr/bin/env node`). */
export function codeServerPath(flavour = 'wasm') {
  if (!CODE_SERVERS[flavour].node22) return process.env.PATH;
  return `${path.dirname(ensureNode22())}${path.delimiter}${process.env.PATH}`;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

function seedRipgrepCache() {
  for (const [folder, name] of RIPGREP_CACHES) {
    const tarball = path.join(folder, name);
    if (fs.existsSync(tarball)) continue;
    const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => fs.existsSync(p));
    if (!rg) throw new Error('ripgrep not found (apt-get install ripgrep); code-server needs it and cannot download it here');
    fs.mkdirSync(folder, { recursive: true });
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-stage-'));
    fs.copyFileSync(rg, path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    run('tar', ['-czf', tarball, '-C', staging, 'rg']);
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

export function installCodeServer(flavour = 'wasm') {
  const { version, node22 } = CODE_SERVERS[flavour];
  const bin = codeServerBin(flavour);
  const installDir = path.dirname(path.dirname(path.dirname(bin)));
  const doneMarker = path.join(installDir, '.install-complete');
  if (fs.existsSync(doneMarker) && fs.existsSync(bin)) return bin;

  seedRipgrepCache();
  fs.rmSync(installDir, { recursive: true, force: true });
  fs.mkdirSync(installDir, { recursive: true });
  fs.writeFileSync(path.join(installDir, 'package.json'), JSON.stringify({ name: 'telemetry-lens-e2e-cache', private: true }));
  const started = Date.now();
  console.error(`[e2e] installing code-server@${version} into ${installDir} (takes a few minutes)…`);
  // native modules are built for the Node that will run them: Node 22's headers from its package
  let nodeEnv = {};
  if (node22) {
    const node = ensureNode22();
    nodeEnv = { PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`, npm_config_nodedir: path.dirname(path.dirname(node)) };
  }
  run('npm', ['install', '--foreground-scripts', '--no-audit', '--no-fund', `code-server@${version}`], {
    cwd: installDir,
    // unsafe_perm: its postinstall refuses root otherwise; yes: node-pty's postinstall runs `npx node-gyp`
    env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true', ...nodeEnv },
  });
  if (!fs.existsSync(bin)) throw new Error(`code-server install finished but ${bin} is missing`);
  fs.writeFileSync(doneMarker, new Date().toISOString());
  console.error(`[e2e] code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(installCodeServer(process.argv[2] ?? 'wasm'));
}
