// Bundles the extension (cjs, `vscode` external), the CLI (node) and the dashboard webview
// (browser iife), and ships sql.js's wasm and script beside them. Type checking is `npm run typecheck`.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const outdir = path.join(root, 'dist');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

// sqljs.ts falls back to require.resolve() of the wasm when it is not beside the bundle (tests
// run the sources). The bundles always ship the wasm beside them, so keep that lookup external.
const sqlWasmFallback = 'sql.js/dist/sql-wasm.wasm';
// pg tries require('pg-native') only when asked for its native binding, which we never do.
const pgNative = 'pg-native';

const builds = [
  {
    ...common,
    entryPoints: [path.join(root, 'src/extension/main.ts')],
    outfile: path.join(outdir, 'extension.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    external: ['vscode', 'node:sqlite', sqlWasmFallback, pgNative],
  },
  {
    ...common,
    entryPoints: [path.join(root, 'src/cli/main.ts')],
    outfile: path.join(outdir, 'cli.js'),
    platform: 'node',
    format: 'cjs',
    target: 'node18',
    banner: { js: '#!/usr/bin/env node' },
    external: ['node:sqlite', sqlWasmFallback, pgNative],
  },
];

// Worker entry points (e.g. off-main-thread JSON parsing) live beside their modules as
// *.worker.ts and are bundled to dist/<name>.js so the bundles can spawn them.
for (const file of fs.readdirSync(path.join(root, 'src/core'), { recursive: true })) {
  if (String(file).endsWith('.worker.ts')) {
    builds.push({
      ...common,
      entryPoints: [path.join(root, 'src/core', String(file))],
      outfile: path.join(outdir, path.basename(String(file), '.ts') + '.js'),
      platform: 'node',
      format: 'cjs',
      target: 'node18',
    });
  }
}

const webviewEntry = path.join(root, 'webview/main.ts');
if (fs.existsSync(webviewEntry)) {
  builds.push({
    ...common,
    entryPoints: [webviewEntry],
    outfile: path.join(outdir, 'webview.js'),
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    loader: { '.css': 'text' },
  });
}

fs.mkdirSync(outdir, { recursive: true });
fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(outdir, 'sql-wasm.wasm'));
// sqljs.ts loads sql.js's script from beside the bundle to give it the in-memory file accessor
// (src/core/db/sqljsPatch.ts); the copy bundled through require() is the unpatched fallback.
fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.js'), path.join(outdir, 'sql-wasm.js'));

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  fs.chmodSync(path.join(outdir, 'cli.js'), 0o755);
  console.log(`built ${builds.length} bundles into ${path.relative(process.cwd(), outdir) || '.'}${production ? ' (production)' : ''}`);
}
