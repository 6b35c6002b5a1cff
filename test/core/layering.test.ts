import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

function* walk(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(p);
    else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) yield p;
  }
}

const importsVscode = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

test('no file under src/core imports vscode (docs/architecture.md layers)', () => {
  const offenders = [...walk(path.join(root, 'src/core'))].filter((f) => importsVscode.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
});

test('src/cli never imports vscode or src/extension', () => {
  const offenders = [...walk(path.join(root, 'src/cli'))].filter((f) => {
    const text = fs.readFileSync(f, 'utf8');
    return importsVscode.test(text) || /from\s+['"][./]*extension\//.test(text);
  });
  assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
});

test('webview imports nothing from src/ except protocol.ts', () => {
  const webviewDir = path.join(root, 'webview');
  if (!fs.existsSync(webviewDir)) return;
  const offenders = [...walk(webviewDir)].filter((f) => {
    const text = fs.readFileSync(f, 'utf8');
    const specs = [...text.matchAll(/from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]);
    return specs.some((s) => s.includes('/src/') && !s.endsWith('/src/protocol'));
  });
  assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
});

test('the layering check itself detects a vscode import', () => {
  assert.ok(importsVscode.test(`import * as vscode from 'vscode';`));
  assert.ok(importsVscode.test(`const v = require("vscode");`));
  assert.ok(!importsVscode.test(`import { x } from './vscode-helpers';`));
});

// docs/architecture.md "Storage": one storage interface; which engine runs is known only in src/core/db.
// (a line of code, not the text of a generated hook snippet, which starts with a backtick)
const importsEngine = /^(?:import|export)\b[^\n]*from\s+['"](?:sql\.js|node:sqlite)['"]|^[^`\n]*require\(\s*['"](?:sql\.js|node:sqlite)['"]\s*\)/m;

test('only src/core/db imports an SQLite engine (sql.js or node:sqlite); everything else uses its interface', () => {
  const dbDir = path.join(root, 'src/core/db') + path.sep;
  const offenders = [...walk(path.join(root, 'src'))].filter((f) => !f.startsWith(dbDir) && importsEngine.test(fs.readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => path.relative(root, f)), []);
  assert.ok(importsEngine.test(`import type { Database } from 'sql.js';`), 'the check detects an engine import');
  assert.ok(importsEngine.test(`const x = 1;\nconst { DatabaseSync } = require('node:sqlite');`), 'the check detects a require');
});

// docs/architecture.md "Layers": the core packages form a stack; each imports only from packages
// below it. One pair shares a rank on purpose: claudeCode is an ingest source that ingest's
// one-pass migrate runs.
const CORE_STACK: Record<string, number> = {
  db: 0, time: 0, 'lifecycle.ts': 0,
  formats: 1,
  rollups: 2,
  schema: 3,
  ingest: 4, claudeCode: 4,
  query: 5,
  metrics: 6,
  dashboard: 7,
  team: 8,
};

function coreImportEdges(): { from: string; to: string; file: string; spec: string }[] {
  const coreDir = path.join(root, 'src/core');
  const edges: { from: string; to: string; file: string; spec: string }[] = [];
  for (const f of walk(coreDir)) {
    const from = path.relative(coreDir, f).split(path.sep)[0];
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(/(?:from|import|require)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = path.resolve(path.dirname(f), m[1]);
      if (!target.startsWith(coreDir + path.sep)) continue;
      const to = path.relative(coreDir, target).split(path.sep)[0].replace(/^lifecycle$/, 'lifecycle.ts');
      if (to !== from) edges.push({ from, to, file: path.relative(root, f), spec: m[1] });
    }
  }
  return edges;
}

test('every src/core folder has a place in the stack', () => {
  const folders = fs.readdirSync(path.join(root, 'src/core'));
  assert.deepEqual(folders.filter((f) => !(f in CORE_STACK)), []);
});

test('src/core imports go down the stack: db, time → formats → rollups → schema → ingest → query → metrics → dashboard → team', () => {
  const upward = coreImportEdges()
    .filter((e) => CORE_STACK[e.to] > CORE_STACK[e.from])
    .map((e) => `${e.file} imports ${e.spec} (${e.from} may not import ${e.to})`);
  assert.deepEqual(upward, []);
  assert.ok(coreImportEdges().some((e) => e.from === 'ingest' && e.to === 'formats'), 'the check sees cross-package imports');
});
