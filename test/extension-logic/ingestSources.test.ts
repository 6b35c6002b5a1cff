import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { resolveSourceSettings } from '../../src/core/ingest/sources/settings';
import { FOLDER_PATTERN, watchTargetsForFiles, watchTargetsForSpecs } from '../../src/extension/ingest/watchTargets';

const home = '/home/ada';
const env = { home, workspaceFolders: ['/ws/app', '/ws/lib'] };

describe('telemetryLens.sources expansion', () => {
  test('empty setting = ~/.claude plus each workspace folder\'s .claude', () => {
    const specs = resolveSourceSettings([], env);
    assert.deepEqual(
      specs.map((s) => [s.path, s.kind]),
      [
        ['/home/ada/.claude', 'path'],
        ['/ws/app/.claude', 'path'],
        ['/ws/lib/.claude', 'path'],
      ],
    );
    assert.deepEqual(resolveSourceSettings(undefined, { home, workspaceFolders: [] }).map((s) => s.path), ['/home/ada/.claude']);
  });

  test('~ and ${userHome} expand to home; ${workspaceFolder} once per folder', () => {
    const specs = resolveSourceSettings(['~/logs/tool-usage.jsonl', '${userHome}/x', '${workspaceFolder}/telemetry'], env);
    assert.deepEqual(
      specs.map((s) => s.path),
      ['/home/ada/logs/tool-usage.jsonl', '/home/ada/x', '/ws/app/telemetry', '/ws/lib/telemetry'],
    );
    assert.equal(specs[2].raw, '${workspaceFolder}/telemetry');
  });

  test('${workspaceFolder} and relative entries are skipped, not guessed, when no folder is open', () => {
    const specs = resolveSourceSettings(['${workspaceFolder}/t', 'rel/dir', '/abs/dir'], { home, workspaceFolders: [] });
    assert.deepEqual(specs.map((s) => s.path), ['/abs/dir']);
  });

  test('relative entries resolve against each workspace folder', () => {
    assert.deepEqual(resolveSourceSettings(['logs'], env).map((s) => s.path), ['/ws/app/logs', '/ws/lib/logs']);
  });

  test('globs split into the folder they start from and the pattern below it', () => {
    const [a, b] = resolveSourceSettings(['~/.claude/**/*.jsonl', '/var/log/agent-*/routing-metrics.jsonl*'], env);
    assert.deepEqual(a, { raw: '~/.claude/**/*.jsonl', path: '/home/ada/.claude/**/*.jsonl', kind: 'glob', base: '/home/ada/.claude', pattern: '**/*.jsonl', isDefault: false });
    assert.equal(b.base, '/var/log');
    assert.equal(b.pattern, 'agent-*/routing-metrics.jsonl*');
  });

  test('a hand-written single string is one entry; other shapes fall back to the default', () => {
    assert.deepEqual(resolveSourceSettings('~/logs', env).map((s) => s.path), ['/home/ada/logs']);
    assert.deepEqual(resolveSourceSettings({ a: 1 } as unknown as string[], env).map((s) => s.path), ['/home/ada/.claude', '/ws/app/.claude', '/ws/lib/.claude']);
  });

  test('duplicates and blank entries are dropped; non-string entries ignored', () => {
    const specs = resolveSourceSettings(['~/.claude', ' /home/ada/.claude/ ', '', '  ', 42 as unknown as string], env);
    assert.deepEqual(specs.map((s) => s.path), ['/home/ada/.claude']);
  });
});

describe('live-ingest watch targets', () => {
  test('chosen files are watched per folder with their rotations', () => {
    const targets = watchTargetsForFiles(['/h/.claude/data/tool-usage.jsonl', '/h/.claude/data/routing-metrics.jsonl', '/h/other/skill_metrics.json']);
    assert.deepEqual(targets, [
      {
        base: '/h/.claude/data',
        pattern: '{tool-usage.jsonl,tool-usage.jsonl.*,tool-usage-*.jsonl,routing-metrics.jsonl,routing-metrics.jsonl.*,routing-metrics-*.jsonl}',
      },
      { base: '/h/other', pattern: '{skill_metrics.json,skill_metrics.json.*,skill_metrics-*.json}' },
    ]);
  });

  test('a chosen rotated copy is watched as its stream, without duplicate patterns', () => {
    const targets = watchTargetsForFiles(['/d/routing-metrics.jsonl.1', '/d/routing-metrics.jsonl', '/d/tool-usage-2026-01-28.jsonl']);
    assert.deepEqual(targets, [
      { base: '/d', pattern: '{routing-metrics.jsonl,routing-metrics.jsonl.*,routing-metrics-*.jsonl,tool-usage.jsonl,tool-usage.jsonl.*,tool-usage-*.jsonl}' },
    ]);
  });

  test('glob characters in a file name match literally', () => {
    assert.equal(watchTargetsForFiles(['/d/we*ird.jsonl'])[0].pattern, '{we[*]ird.jsonl,we[*]ird.jsonl.*,we[*]ird-*.jsonl}');
  });

  test('setting specs: folders recursively, globs as written, files by name', () => {
    const specs = resolveSourceSettings(['/src/folder', '/logs/**/*.jsonl', '/one/file.jsonl'], env);
    const targets = watchTargetsForSpecs(specs, (p) => p === path.resolve('/one/file.jsonl'));
    assert.deepEqual(targets, [
      { base: '/src/folder', pattern: FOLDER_PATTERN },
      { base: '/logs', pattern: '**/*.jsonl' },
      { base: '/one', pattern: '{file.jsonl,file.jsonl.*,file-*.jsonl}' },
    ]);
  });
});
