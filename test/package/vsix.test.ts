import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const MAX_BYTES = 2 * 1024 * 1024;
let vsix: string;
let entries: string[];

before(() => {
  const run = spawnSync(process.execPath, [path.join(root, 'scripts/package.mjs'), '--quiet'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  assert.equal(run.status, 0, `npm run package failed:\n${run.stdout}\n${run.stderr}`);
  vsix = run.stdout.trim().split('\n').pop()!;
  const list = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' });
  assert.equal(list.status, 0, list.stderr);
  entries = list.stdout.trim().split('\n').sort();
});

test(`the .vsix is under 2 MB`, () => {
  const size = fs.statSync(vsix).size;
  assert.ok(size < MAX_BYTES, `${vsix} is ${(size / 1024).toFixed(0)} KB`);
});

test('the .vsix holds only the bundles, sql.js (wasm + script), media, README, LICENSE, CHANGELOG', () => {
  const allowed = [
    /^\[Content_Types\]\.xml$/,
    /^extension\.vsixmanifest$/,
    /^extension\/package\.json$/,
    /^extension\/(readme|README)\.md$/,
    /^extension\/(changelog|CHANGELOG)\.md$/,
    /^extension\/LICENSE(\.txt)?$/,
    /^extension\/dist\/(extension|cli|webview)\.js$/,
    /^extension\/dist\/[\w-]+\.worker\.js$/,
    /^extension\/dist\/sql-wasm\.(wasm|js)$/,
    /^extension\/media\/[\w./-]+$/,
  ];
  assert.deepEqual(entries.filter((e) => !allowed.some((re) => re.test(e))), []);
  for (const required of ['extension/dist/extension.js', 'extension/dist/cli.js', 'extension/dist/sql-wasm.wasm', 'extension/dist/sql-wasm.js', 'extension/package.json']) {
    assert.ok(entries.includes(required), `${required} is in the .vsix`);
  }
  assert.ok(entries.some((e) => /^extension\/(readme|README)\.md$/.test(e)) && entries.some((e) => /changelog\.md$/i.test(e)) && entries.some((e) => /LICENSE/.test(e)));
});

test('the dashboard webview bundle ships when the webview exists', () => {
  if (!fs.existsSync(path.join(root, 'webview', 'main.ts'))) return; // built only once webview/main.ts exists
  assert.ok(entries.includes('extension/dist/webview.js'));
});

test('no source maps, TypeScript or node_modules in the .vsix', () => {
  assert.deepEqual(entries.filter((e) => /\.map$|\.ts$|node_modules\//.test(e)), []);
});
