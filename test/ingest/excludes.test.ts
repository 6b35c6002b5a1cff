/**
 * Default sources must not swallow Claude Code's own files: session transcripts under
 * `projects/`, UUID-named `*.jsonl`, todos, caches are not inferred tables, while known
 * telemetry files are found anywhere and explicitly given files are always read.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { DEFAULT_EXCLUDES, discoverSources, ExcludeMatcher, migrateSources, splitPatternList } from '../../src/core/ingest';
import { excludedFileTest, excludePatternsFromSetting, withoutExcluded } from '../../src/core/ingest/sources/excludeSetting';
import { resolveEnginePaths } from '../../src/core/ingest/sources/enginePaths';
import { resolveSourceSettings } from '../../src/core/ingest/sources/settings';
import { lines, pyQuery, tempDir, write } from './helpers';

const UUID = '3f2b8c1e-9a4d-4e7f-b123-0c9d8e7f6a5b';

/** A `~/.claude` the way Claude Code and a few hooks leave it. */
function fakeClaudeHome(): string {
  const claude = path.join(tempDir('excl'), '.claude');
  const tool = lines({ ts: 1769423127, tool: 'Bash' });
  const transcript = lines({ type: 'user', sessionId: UUID, message: { role: 'user', content: 'hi' } });
  write(path.join(claude, 'data', 'tool-usage.jsonl'), tool);
  write(path.join(claude, 'logs', 'permission_events.jsonl'), lines({ ts: 1769423127, tool: 'Bash', decision: 'allow' }));
  write(path.join(claude, 'projects', '-home-ada-webapp', `${UUID}.jsonl`), transcript);
  write(path.join(claude, 'projects', '-home-ada-webapp', UUID, 'subagents', 'agent-a1b2c3.jsonl'), transcript);
  write(path.join(claude, 'projects', '-home-ada-webapp', 'routing-metrics.jsonl'), lines({ ts: 1769423127, model: 'haiku' }));
  write(path.join(claude, 'todos', `${UUID}-agent-${UUID}.jsonl`), lines({ content: 'x', status: 'pending' }));
  write(path.join(claude, 'statsig', 'statsig.session_id.jsonl'), lines({ a: 1 }));
  write(path.join(claude, 'shell-snapshots', 'snap.jsonl'), lines({ a: 1 }));
  write(path.join(claude, 'history.jsonl'), lines({ display: 'fix the bug', timestamp: 1769423127000, project: '/home/ada/webapp' }));
  write(path.join(claude, 'logs', `${UUID}.jsonl`), transcript);
  return claude;
}

const rel = (root: string, paths: { path: string }[]) => paths.map((s) => path.relative(root, s.path)).sort();

describe('discovery: default excludes', () => {
  const claude = fakeClaudeHome();

  test('transcripts, todos, caches and history are skipped; known telemetry files are found anywhere', async () => {
    const found = await discoverSources([claude]);
    assert.deepEqual(rel(claude, found.sources), ['data/tool-usage.jsonl', 'logs/permission_events.jsonl', 'projects/-home-ada-webapp/routing-metrics.jsonl']);
    assert.equal(found.excludedFiles, 7);
    assert.deepEqual(found.issues, []);
  });

  test('an explicitly given file is always read', async () => {
    const file = path.join(claude, 'projects', '-home-ada-webapp', `${UUID}.jsonl`);
    const found = await discoverSources([file]);
    assert.deepEqual(found.sources.map((s) => [s.path, s.kind]), [[file, 'inferred']]);
  });

  test('an explicitly given folder lifts the folder patterns over it; file-name patterns still apply', async () => {
    const project = path.join(claude, 'projects', '-home-ada-webapp');
    const found = await discoverSources([project]);
    assert.deepEqual(rel(project, found.sources), ['routing-metrics.jsonl', `${UUID}/subagents/agent-a1b2c3.jsonl`].sort());
    assert.equal(found.excludedFiles, 1);
  });

  test('exclude [] reads everything; a user pattern skips unknown files but never known ones', async () => {
    assert.equal((await discoverSources([claude], { exclude: [] })).sources.length, 10);
    const found = await discoverSources([claude], { exclude: [...DEFAULT_EXCLUDES, 'logs', '**/data/**'] });
    assert.deepEqual(rel(claude, found.sources), ['data/tool-usage.jsonl', 'projects/-home-ada-webapp/routing-metrics.jsonl']);
  });

  test('migrate of the default folder creates no table named after a session', async () => {
    const db = path.join(path.dirname(claude), 't.db');
    const r = await migrateSources(db, [claude], { tz: 'UTC' });
    assert.deepEqual(r.sources.map((s) => s.table).sort(), ['permission_events', 'routing_metrics_events', 'tool_events']);
    const tables = pyQuery<{ name: string }>(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((t) => t.name);
    assert.ok(!tables.some((t) => /[0-9a-f]{8}_[0-9a-f]{4}|history|agent_|statsig|snap/.test(t)), tables.join(', '));
  });

  test('CLI: audit counts what was skipped; --exclude adds patterns, --no-default-excludes drops the defaults', async () => {
    const audit = async (...extra: string[]) => {
      const out: string[] = [];
      assert.equal(await runCli(['audit', claude, '--json', ...extra], { out: (t) => void out.push(t), err: (t) => void out.push(t) }), 0);
      return JSON.parse(out.join('')) as { sources: { path: string }[]; excludedFiles: number };
    };
    const plain = await audit();
    assert.equal(plain.sources.length, 3);
    assert.equal(plain.excludedFiles, 7);
    const more = await audit('--exclude', 'logs,**/{nothing,here}/**');
    assert.deepEqual(rel(claude, more.sources), ['data/tool-usage.jsonl', 'projects/-home-ada-webapp/routing-metrics.jsonl']);
    assert.equal(more.excludedFiles, 8);
    const all = await audit('--no-default-excludes');
    assert.equal(all.sources.length, 10);
    assert.equal(all.excludedFiles, 0);
  });
});

describe('exclude patterns', () => {
  test('a bare name matches at any depth; ~ is the home folder; {a,b} lists survive the comma split', () => {
    const m = new ExcludeMatcher(['archive', '~/old/**']);
    assert.equal(m.matches('/x/y/archive'), true);
    assert.equal(m.matches('/x/y/archive.jsonl'), false);
    assert.equal(m.matches(path.join(os.homedir(), 'old', 'a.jsonl')), true);
    assert.deepEqual(splitPatternList('a, **/{b,c}/** ,,d'), ['a', '**/{b,c}/**', 'd']);
    assert.equal(new ExcludeMatcher([]).isEmpty, true);
  });
});

describe('telemetryLens.exclude (extension side)', () => {
  test("package.json's default is the engine's default list", () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.configuration.properties['telemetryLens.exclude'].default, [...DEFAULT_EXCLUDES]);
  });

  test('hand-edited values: a string is one pattern, a non-list means the defaults', () => {
    assert.deepEqual(excludePatternsFromSetting(['a', ' ', 3, ' b ']), ['a', 'b']);
    assert.deepEqual(excludePatternsFromSetting('logs'), ['logs']);
    assert.deepEqual(excludePatternsFromSetting([]), []);
    assert.deepEqual(excludePatternsFromSetting(undefined), [...DEFAULT_EXCLUDES]);
  });

  test('glob matches of telemetryLens.sources follow the excludes; known files and folders stay', async () => {
    const claude = fakeClaudeHome();
    const specs = resolveSourceSettings([`${claude}/**/*.jsonl`], { home: os.homedir(), workspaceFolders: [] });
    const { paths } = await resolveEnginePaths(specs, DEFAULT_EXCLUDES);
    assert.deepEqual(rel(claude, paths.map((p) => ({ path: p }))), ['data/tool-usage.jsonl', 'logs/permission_events.jsonl', 'projects/-home-ada-webapp/routing-metrics.jsonl']);
    assert.equal((await resolveEnginePaths(specs)).paths.length, 10, 'no patterns given: every match');
    assert.deepEqual(withoutExcluded([path.join(claude, 'projects')], DEFAULT_EXCLUDES), [path.join(claude, 'projects')]);
  });
});

describe('live ingest of a chosen file under an exclude pattern', () => {
  test('discoverBeside ignores the patterns: the choice, not the scan, decides what is followed', async () => {
    const { discoverBeside } = await import('../../src/extension/ingest/engineAdapter');
    const { selectChosen } = await import('../../src/extension/ingest/chosenSources');
    const claude = fakeClaudeHome();
    const transcript = path.join(claude, 'projects', '-home-ada-webapp', `${UUID}.jsonl`);
    const beside = await discoverBeside([transcript]);
    const chosen = { roots: [transcript], files: [transcript], streams: [], savedAt: 0 };
    assert.deepEqual(selectChosen(beside, chosen), [transcript]);
  });
});

describe('live ingest ignores changes to excluded files', () => {
  test('a transcript change is excluded, a telemetry file or a known name under projects/ is not', () => {
    const isExcluded = excludedFileTest(DEFAULT_EXCLUDES);
    const claude = '/home/ada/.claude';
    assert.equal(isExcluded(`${claude}/projects/-home-ada-webapp/${UUID}.jsonl`), true);
    assert.equal(isExcluded(`${claude}/logs/${UUID}.jsonl`), true);
    assert.equal(isExcluded(`${claude}/logs/permission_events.jsonl`), false);
    assert.equal(isExcluded(`${claude}/projects/-home-ada-webapp/routing-metrics.jsonl`), false);
    assert.equal(isExcluded(`${claude}/data/skill_metrics.json`), false);
    assert.equal(excludedFileTest([])(`${claude}/projects/x/${UUID}.jsonl`), false);
  });
});
