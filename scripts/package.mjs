// `npm run package`: production build, then the .vsix in dist-vsix/telemetry-lens-<version>.vsix.
// Prints the .vsix path on its last stdout line (the e2e runner and test/package read it).
// No repository field in package.json yet, hence --allow-missing-repository.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const outDir = path.join(root, 'dist-vsix');
const vsix = path.join(outDir, `${pkg.name}-${pkg.version}.vsix`);

function run(args, quiet) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    if (quiet) process.stderr.write(r.stdout ?? '');
    throw new Error(`${args.join(' ')} failed (exit ${r.status})`);
  }
}

run([path.join(root, 'scripts/build.mjs'), '--production'], false);
fs.mkdirSync(outDir, { recursive: true });
fs.rmSync(vsix, { force: true });
const vsce = path.join(path.dirname(require.resolve('@vscode/vsce/package.json')), 'vsce');
run([vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', vsix], process.argv.includes('--quiet'));
console.log(`packaged ${(fs.statSync(vsix).size / 1024).toFixed(0)} KB`);
console.log(vsix);
