import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const extensionJs = path.join(root, 'dist', 'extension.js');

interface ActivationReport {
  wasmCompiles: number;
  wasmFilesRead: string[];
  registeredCommands: string[];
  treeViews: string[];
  errors: string[];
  activateMs: number;
  subscriptions: number;
}

let report: ActivationReport;

before(() => {
  const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  report = activate(extensionJs);
});

/** Runs activate() of a built extension in a child process with the stand-in `vscode`. */
function activate(extensionFile: string): ActivationReport {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-activate-'));
  const run = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'activateWithStandInVscode.cjs'), extensionFile, workspace], { encoding: 'utf8', timeout: 60_000 });
  fs.rmSync(workspace, { recursive: true, force: true });
  assert.equal(run.status, 0, `activation harness failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

test('activation does not load sql.js (no WebAssembly compiled, no .wasm read)', (t) => {
  t.diagnostic(`activate() took ${report.activateMs.toFixed(0)} ms (bundle load included)`);
  assert.deepEqual(report.errors, [], 'activate() threw');
  assert.equal(report.wasmCompiles, 0, 'WebAssembly compiled during activation');
  assert.deepEqual(report.wasmFilesRead, []);
  assert.ok(report.activateMs < 1000, `activation took ${report.activateMs.toFixed(0)} ms`);
});

test('control: the same harness reports a load when an extension does start sql.js', () => {
  const control = activate(path.join(__dirname, 'fixtures', 'extensionThatLoadsSqlJs.cjs'));
  assert.deepEqual(control.errors, []);
  assert.ok(control.wasmCompiles >= 1 || control.wasmFilesRead.length >= 1, JSON.stringify(control));
});

test('every command contributed in package.json is registered at activation', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const contributed: string[] = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
  assert.deepEqual([...new Set(report.registeredCommands)].sort(), contributed);
});
