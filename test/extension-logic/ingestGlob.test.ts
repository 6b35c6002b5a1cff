import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandGlob, globToRegExp } from '../../src/core/ingest/sources/globWalk';
import { resolveEnginePaths } from '../../src/core/ingest/sources/enginePaths';
import { resolveSourceSettings } from '../../src/core/ingest/sources/settings';

describe('globToRegExp', () => {
  const cases: [string, string, boolean][] = [
    ['*.jsonl', 'tool-usage.jsonl', true],
    ['*.jsonl', 'data/tool-usage.jsonl', false],
    ['**/*.jsonl', 'tool-usage.jsonl', true],
    ['**/*.jsonl', 'a/b/c/tool-usage.jsonl', true],
    ['**/*.jsonl', 'a/b/c/tool-usage.jsonl.1', false],
    ['data/**', 'data/x/y.json', true],
    ['*.jsonl*', 'tool-usage.jsonl.1', true],
    ['routing-metrics.jsonl', 'routing-metricsXjsonl', false],
    ['log?.jsonl', 'log1.jsonl', true],
    ['log?.jsonl', 'log12.jsonl', false],
    ['log[0-9].jsonl', 'log7.jsonl', true],
    ['log[!0-9].jsonl', 'log7.jsonl', false],
    ['*.{jsonl,json}', 'skill_metrics.json', true],
    ['*.{jsonl,json}', 'skill_metrics.jsonx', false],
    ['a**b/x', 'aQQb/x', true],
    ['(weird)+.jsonl', '(weird)+.jsonl', true],
  ];
  for (const [pattern, p, expected] of cases) {
    test(`${pattern} ${expected ? 'matches' : 'does not match'} ${p}`, () => {
      assert.equal(globToRegExp(pattern).test(p), expected);
    });
  }
});

describe('expandGlob / resolveEnginePaths on a real folder tree', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-glob-'));
    const files = [
      'a/.claude/data/tool-usage.jsonl',
      'a/.claude/data/tool-usage.jsonl.1',
      'a/.claude/skill_metrics.json',
      'b/.claude/routing-metrics.jsonl',
      'b/node_modules/pkg/x.jsonl',
      'c/notes.txt',
    ];
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), '{}\n');
    }
    fs.symlinkSync(root, path.join(root, 'a', 'loop'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  test('** finds files at any depth, skips node_modules, survives a symlink loop', async () => {
    const r = await expandGlob(root, '**/*.jsonl');
    assert.deepEqual(r.matches.map((m) => path.relative(root, m)).sort(), ['a/.claude/data/tool-usage.jsonl', 'b/.claude/routing-metrics.jsonl']);
    assert.equal(r.truncated, false);
  });

  test('a matching folder is returned and not descended into', async () => {
    const r = await expandGlob(root, '*/.claude');
    assert.deepEqual(r.matches.map((m) => path.relative(root, m)), ['a/.claude', 'b/.claude']);
  });

  test('maxMatches truncates instead of walking forever', async () => {
    const r = await expandGlob(root, '**/*', { maxMatches: 2 });
    assert.equal(r.matches.length, 2);
    assert.equal(r.truncated, true);
  });

  test('setting entries to engine paths: globs expanded, missing entries reported, missing defaults silent', async () => {
    const specs = resolveSourceSettings([`${root}/*/.claude/**/*.json`, `${root}/c`, `${root}/missing`, `${root}/*.nothing`], {
      home: root,
      workspaceFolders: [],
    });
    const r = await resolveEnginePaths(specs);
    assert.deepEqual(r.paths.map((p) => path.relative(root, p)), ['a/.claude/skill_metrics.json', 'c']);
    assert.deepEqual(r.problems.map((p) => p.message), [`not found (from setting entry "${root}/missing")`, `no file matches "${root}/*.nothing"`]);
    const defaults = await resolveEnginePaths(resolveSourceSettings([], { home: path.join(root, 'nohome'), workspaceFolders: [] }));
    assert.deepEqual(defaults, { paths: [], problems: [] });
  });
});
