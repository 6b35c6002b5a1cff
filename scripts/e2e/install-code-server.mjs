// Installs code-server (a real VS Code workbench + Node extension host) into a cache folder
// outside the project's dependency tree, following ../shared/docs/vscode-e2e.md. Reuses the
// cache when present. Prints the path of the code-server launcher on its last stdout line.
// Usage: node scripts/e2e/install-code-server.mjs   (env TELEMETRY_LENS_E2E_CACHE overrides the folder)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const CODE_SERVER_VERSION = '4.100.3';
// @vscode/ripgrep 1.15.11 looks for this tarball in its download cache before going online.
const RIPGREP_CACHE = path.join(os.tmpdir(), 'vscode-ripgrep-cache-1.15.11');
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export function cacheRoot() {
  return process.env.TELEMETRY_LENS_E2E_CACHE ?? path.join(os.homedir(), '.cache', 'telemetry-lens-e2e');
}

export function codeServerBin(root = cacheRoot()) {
  return path.join(root, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', '.bin', 'code-server');
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${r.status}`);
}

function seedRipgrepCache() {
  const tarball = path.join(RIPGREP_CACHE, RIPGREP_TARBALL);
  if (fs.existsSync(tarball)) return;
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((p) => fs.existsSync(p));
  if (!rg) throw new Error('ripgrep not found (apt-get install ripgrep); code-server needs it and cannot download it here');
  fs.mkdirSync(RIPGREP_CACHE, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-stage-'));
  fs.copyFileSync(rg, path.join(staging, 'rg'));
  fs.chmodSync(path.join(staging, 'rg'), 0o755);
  run('tar', ['-czf', tarball, '-C', staging, 'rg']);
  fs.rmSync(staging, { recursive: true, force: true });
}

export function installCodeServer() {
  const bin = codeServerBin();
  const installDir = path.dirname(path.dirname(path.dirname(bin)));
  const doneMarker = path.join(installDir, '.install-complete');
  if (fs.existsSync(doneMarker) && fs.existsSync(bin)) return bin;

  seedRipgrepCache();
  fs.rmSync(installDir, { recursive: true, force: true });
  fs.mkdirSync(installDir, { recursive: true });
  fs.writeFileSync(path.join(installDir, 'package.json'), JSON.stringify({ name: 'telemetry-lens-e2e-cache', private: true }));
  const started = Date.now();
  console.error(`[e2e] installing code-server@${CODE_SERVER_VERSION} into ${installDir} (takes a few minutes)…`);
  run('npm', ['install', '--foreground-scripts', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: installDir,
    // unsafe_perm: its postinstall refuses root otherwise; yes: node-pty's postinstall runs `npx node-gyp`
    env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
  });
  if (!fs.existsSync(bin)) throw new Error(`code-server install finished but ${bin} is missing`);
  fs.writeFileSync(doneMarker, new Date().toISOString());
  console.error(`[e2e] code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
  return bin;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(installCodeServer());
}
