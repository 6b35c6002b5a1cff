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
