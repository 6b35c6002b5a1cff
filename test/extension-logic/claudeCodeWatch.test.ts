/**
 * Live watching of Claude Code's transcripts: the watch targets cover session and subagent
 * transcripts of every config folder that exists; their changes schedule a run although the
 * scan's default excludes skip transcripts; and a live run (the adapter with no other path, as
 * when only the Claude Code source is on) picks up new lines, leaves a half-written last line
 * to its writer and imports it once complete — on the real engine.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { globToRegExp } from '../../src/core/ingest/globPattern';
import { openSnapshot } from '../../src/core/db/database';
import { runIngest } from '../../src/extension/ingest/engineAdapter';
import { excludedFileTest, excludePatternsFromSetting } from '../../src/core/ingest/sources/excludeSetting';
import { TRANSCRIPT_PATTERN, watchTargetsForClaudeCode, withTranscriptsIncluded } from '../../src/extension/ingest/watchTargets';
import { ClaudeHistoryBuilder, SAMPLE_MODELS } from '../../src/sample/claudeTranscripts';

const isDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

describe('Claude Code transcripts in live ingest', () => {
  let home: string;
  let config: string;
  let savedEnv: string | undefined;

  before(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cc-watch-'));
    config = path.join(home, '.claude');
    fs.mkdirSync(config);
    savedEnv = process.env.CLAUDE_CONFIG_DIR;
    process.env.CLAUDE_CONFIG_DIR = config;
  });
  after(() => {
    if (savedEnv === undefined) delete process.env.CLAUDE_CONFIG_DIR;
    else process.env.CLAUDE_CONFIG_DIR = savedEnv;
  });

  test('targets: each existing config folder, projects/** — sessions and subagents, nothing else', () => {
    const targets = watchTargetsForClaudeCode([config, path.join(home, 'missing'), config + '/'], isDir);
    assert.deepEqual(targets, [{ base: config, pattern: TRANSCRIPT_PATTERN }]);
    const re = globToRegExp(TRANSCRIPT_PATTERN);
    assert.ok(re.test('projects/-home-dev-app/0b4c.jsonl'));
    assert.ok(re.test('projects/-home-dev-app/0b4c/subagents/agent-1f.jsonl'));
    assert.ok(!re.test('settings.json'));
    assert.ok(!re.test('data/tool-usage.jsonl'));
  });

  test('a transcript change schedules a run although the default excludes skip transcripts', () => {
    const transcript = path.join(config, 'projects', '-home-dev-app', '6f1d2c3e-1111-4222-a333-444455556666.jsonl');
    const scanSkips = excludedFileTest(excludePatternsFromSetting(undefined));
    assert.equal(scanSkips(transcript), true, 'the generic scan skips transcripts (they are not line-per-row telemetry)');
    const live = withTranscriptsIncluded(scanSkips, [config]);
    assert.equal(live(transcript), false);
    // anything the scan skips outside the transcript folders stays skipped
    const other = path.join(home, 'elsewhere', '.claude', 'projects', 'p', '6f1d2c3e-1111-4222-a333-444455556666.jsonl');
    assert.equal(live(other), scanSkips(other));
  });

  test('a live run with no other source imports new transcript lines; a half-written last line waits for its writer', async () => {
    const dbPath = path.join(home, 'db', 'telemetry.db');
    const ctx = { dbPath, tz: 'UTC', claudeCode: true };
    const b = new ClaudeHistoryBuilder(config, 5);
    const s = b.session('-home-dev-app');
    const first = b.response(s, Date.UTC(2026, 2, 20, 10), { model: SAMPLE_MODELS[0], input: 10, output: 700, cacheRead: 100, cacheWrite5m: 50, cacheWrite1h: 0 }, { pieces: 2 });
    b.close();
    await runIngest([], ctx);
    const outputs = async () => {
      const db = await openSnapshot(dbPath);
      try {
        return Object.fromEntries((db.exec('SELECT message_id, output_tokens FROM claude_code_responses')[0]?.values ?? []).map((v) => [String(v[0]), Number(v[1])]));
      } finally {
        db.close();
      }
    };
    assert.deepEqual(await outputs(), { [first.messageId]: 700 });

    // Claude Code appends a streamed response; its last line is half written when the watcher fires
    const file = b.truth.files[0];
    const before = fs.readFileSync(file);
    const b2 = new ClaudeHistoryBuilder(config, 6);
    const s2 = b2.session('-home-dev-app', { sessionId: path.basename(file, '.jsonl') });
    const next = b2.response(s2, Date.UTC(2026, 2, 20, 10, 5), { model: SAMPLE_MODELS[1], input: 3, output: 4_000, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }, { pieces: 3 });
    b2.close();
    const full = fs.readFileSync(file);
    const last = Buffer.from(JSON.stringify(next.lines[2]) + '\n');
    fs.writeFileSync(file, full.subarray(0, full.length - Math.floor(last.length / 2)));
    assert.ok(fs.statSync(file).size > before.length);
    await runIngest([], ctx);
    const mid = await outputs();
    assert.ok(mid[next.messageId] < 4_000, 'the partial count stands until the line is complete');

    // the writer finishes the line: the next run counts the final usage, once
    fs.writeFileSync(file, full);
    await runIngest([], ctx);
    assert.deepEqual(await outputs(), { [first.messageId]: 700, [next.messageId]: 4_000 });
  });
});
