/**
 * Transcript edge cases: bad lines are named by file and line and everything else is imported;
 * a tool result read in a later run (or before its use, from another file) completes its call.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BUNDLED_PRICES } from '../../src/core/claudeCode';
import { migrateSources } from '../../src/core/ingest';
import { ClaudeHistoryBuilder, SAMPLE_MODELS } from '../../src/sample/claudeTranscripts';
import { pyQuery, tempDir } from '../ingest/helpers';

const usage = { model: SAMPLE_MODELS[0], input: 1, output: 100, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };

test('a bad line is reported as file:line and skipped; the lines around it are imported', async () => {
  const dir = tempDir('cc-bad');
  const config = path.join(dir, '.claude');
  const b = new ClaudeHistoryBuilder(config, 3);
  const s = b.session('-p');
  b.response(s, Date.UTC(2026, 0, 1), usage);
  s.w.raw('{"type":"assistant", this is not json\n');
  s.w.raw('[1,2,3]\n');
  b.response(s, Date.UTC(2026, 0, 1, 1), usage);
  b.close();
  const r = await migrateSources(path.join(dir, 't.db'), [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(r.claudeCode?.rejected, 2);
  assert.equal(r.claudeCode?.rejects[0].path, b.truth.files[0]);
  assert.deepEqual(r.claudeCode?.rejects.map((j) => j.line), [2, 3]);
  assert.match(r.claudeCode!.rejects[0].message, /not valid JSON/);
  assert.equal(r.claudeCode!.rejects[1].message, 'not a JSON object');
  assert.equal(r.claudeCode?.tables.claude_code_responses, 2);
});

test('a tool result written after the import, or read before its use, completes the call once', async () => {
  const dir = tempDir('cc-tools');
  const config = path.join(dir, '.claude');
  const db = path.join(dir, 't.db');
  const b = new ClaudeHistoryBuilder(config, 4);
  const s = b.session('-p');
  const t0 = Date.UTC(2026, 0, 1);
  const r = b.response(s, t0, usage, { tools: [{ name: 'Bash', input: { command: 'make' } }] });
  b.close();
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  let rows = pyQuery<{ tool: string; is_error: number | null; duration_ms: number | null; input_summary: string }>(db, 'SELECT tool, is_error, duration_ms, input_summary FROM claude_code_tool_calls');
  assert.deepEqual(rows, [{ tool: 'Bash', is_error: null, duration_ms: null, input_summary: 'make' }]);

  const b2 = new ClaudeHistoryBuilder(config, 5);
  const s2 = b2.session('-p', { sessionId: s.sessionId });
  b2.toolResult(s2, t0 + 5000, r.toolUseIds[0], true, 'make: *** [all] Error 2');
  b2.close();
  const useAt = b.truth.toolCalls[0].tsMs;
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  rows = pyQuery(db, 'SELECT tool, is_error, duration_ms, input_summary FROM claude_code_tool_calls');
  assert.deepEqual(rows, [{ tool: 'Bash', is_error: 1, duration_ms: t0 + 5000 - useAt, input_summary: 'make' }]);

  // a result in a file read before the file of its use: a stub the use then completes
  const config2 = path.join(dir, 'other', '.claude');
  const db2 = path.join(dir, 't2.db');
  const c = new ClaudeHistoryBuilder(config2, 6);
  const user = c.session('-a', { sessionId: '00000000-0000-4000-a000-000000000001' });
  const use = c.session('-b', { sessionId: '00000000-0000-4000-a000-000000000002' });
  const rr = c.response(use, t0, usage, { tools: [{ name: 'Read', input: { file_path: '/x' } }] });
  c.toolResult(user, t0 + 700, rr.toolUseIds[0], false, 'contents');
  c.close();
  await migrateSources(db2, [config2], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.deepEqual(pyQuery(db2, 'SELECT tool, is_error, duration_ms FROM claude_code_tool_calls'), [{ tool: 'Read', is_error: 0, duration_ms: t0 + 700 - c.truth.toolCalls[0].tsMs }]);
  assert.ok(fs.existsSync(db2));
});

test('the generic scan skips the transcript folders the Claude Code source walks, yet a hook log kept inside them is still imported', async () => {
  const dir = tempDir('cc-known-inside');
  const config = path.join(dir, '.claude');
  const b = new ClaudeHistoryBuilder(config, 4);
  const s = b.session('-p');
  b.response(s, Date.UTC(2026, 0, 1), usage);
  b.close();
  // a hook that logs into the project folder and into projects/ itself
  const line = (tool: string) => JSON.stringify({ timestamp: 1767225600, tool_name: tool, session_id: s.sessionId, success: true }) + '\n';
  fs.writeFileSync(path.join(config, 'projects', '-p', 'tool-usage.jsonl'), line('Bash') + line('Read'));
  fs.writeFileSync(path.join(config, 'projects', 'tool-usage.jsonl'), line('Edit'));
  const db = path.join(dir, 't.db');
  const r = await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.deepEqual(r.sources.map((x) => [path.relative(config, x.path), x.table, x.inserted]).sort(), [
    ['projects/-p/tool-usage.jsonl', 'tool_events', 2],
    ['projects/tool-usage.jsonl', 'tool_events', 1],
  ]);
  assert.equal(r.claudeCode?.files, 1);
  assert.deepEqual(pyQuery<{ tool: string }>(db, 'SELECT tool FROM tool_events ORDER BY tool').map((x) => x.tool), ['Bash', 'Edit', 'Read']);
  // with the Claude Code source off, the generic scan walks them as before (and still infers no table from a transcript)
  const off = await migrateSources(path.join(dir, 'off.db'), [config], { claudeCode: false });
  assert.deepEqual(off.sources.map((x) => x.table).sort(), ['tool_events', 'tool_events']);
});
