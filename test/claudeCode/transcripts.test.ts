/**
 * Claude Code transcripts end to end: generated history (every exactness rule) → migrate →
 * usage reports equal to the generator's truth per day (non-UTC zone), model and session; a
 * second run changes nothing; appended lines are read incrementally; a half-written line waits.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { BUNDLED_PRICES, dailyReport, monthlyReport, sessionReport, weeklyReport, type PriceTable } from '../../src/core/claudeCode';
import { migrateSources } from '../../src/core/ingest';
import { ClaudeHistoryBuilder, generateClaudeHistory, SAMPLE_MODELS, UNKNOWN_MODEL, type TruthResponse } from '../../src/sample/claudeTranscripts';
import { pyQuery, tempDir } from '../ingest/helpers';

const TZ = 'Asia/Kolkata';

function localDay(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

interface Sums {
  input: number;
  output: number;
  cacheCreation: number;
  cacheRead: number;
}

function sumBy(responses: TruthResponse[], key: (r: TruthResponse) => string): Map<string, Sums> {
  const m = new Map<string, Sums>();
  for (const r of responses) {
    const s = m.get(key(r)) ?? { input: 0, output: 0, cacheCreation: 0, cacheRead: 0 };
    s.input += r.input;
    s.output += r.output;
    s.cacheCreation += r.cacheWrite5m + r.cacheWrite1h;
    s.cacheRead += r.cacheRead;
    m.set(key(r), s);
  }
  return m;
}

function sha(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

async function withSnapshot<T>(dbPath: string, f: (db: Awaited<ReturnType<typeof openSnapshot>>) => T): Promise<T> {
  const db = await openSnapshot(dbPath);
  try {
    return f(db);
  } finally {
    db.close();
  }
}

function setup(name: string) {
  const dir = tempDir(`cc-${name}`);
  const config = path.join(dir, '.claude');
  const truth = generateClaudeHistory({ dir: config });
  return { dir, config, truth, db: path.join(dir, 'telemetry.db') };
}

test('the fixture covers every exactness rule', () => {
  const { truth } = setup('coverage');
  for (const rule of ['streamed-partial-lines', 'sidechain-replay', 'resumed-session-copy', 'subagent-file', 'api-error-line', 'synthetic-line', 'missing-request-id', 'unknown-model', 'tool-error']) {
    assert.ok((truth.coverage[rule] ?? 0) > 0, `fixture lacks ${rule}`);
  }
  // some activity lands on each side of midnight in the zone but not in UTC
  const days = new Set(truth.responses.map((r) => localDay(r.tsMs, TZ)));
  const utcDays = new Set(truth.responses.map((r) => localDay(r.tsMs, 'UTC')));
  assert.notDeepEqual([...days].sort(), [...utcDays].sort());
});

test('exact token totals per day (non-UTC zone), model and session; a second run changes nothing', async () => {
  const { config, truth, db } = setup('exact');
  const first = await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(first.claudeCode?.files, truth.files.length);
  assert.equal(first.claudeCode?.rejected, 0);
  assert.equal(first.sources.length, 0, 'transcripts never become inferred tables');
  assert.equal(first.claudeCode?.tables.claude_code_responses, truth.responses.length);

  for (const tz of [TZ, 'UTC', 'America/Los_Angeles']) {
    const expected = sumBy(truth.responses, (r) => localDay(r.tsMs, tz));
    const daily = await withSnapshot(db, (d) => dailyReport(d, { tz, prices: BUNDLED_PRICES }));
    assert.deepEqual(
      daily.rows.map((r) => [r.date, r.inputTokens, r.outputTokens, r.cacheCreationTokens, r.cacheReadTokens]),
      [...expected.entries()].sort().map(([d, s]) => [d, s.input, s.output, s.cacheCreation, s.cacheRead]),
      `daily in ${tz}`,
    );
  }
  const daily = await withSnapshot(db, (d) => dailyReport(d, { tz: TZ, prices: BUNDLED_PRICES }));
  // per model within each day
  const byDayModel = sumBy(truth.responses, (r) => `${localDay(r.tsMs, TZ)}|${r.model}`);
  for (const row of daily.rows) {
    for (const b of row.modelBreakdowns) {
      const s = byDayModel.get(`${row.date}|${b.modelName}`);
      assert.ok(s, `${row.date} ${b.modelName} not in the truth`);
      assert.deepEqual([b.inputTokens, b.outputTokens, b.cacheCreationTokens, b.cacheReadTokens], [s.input, s.output, s.cacheCreation, s.cacheRead]);
    }
    assert.equal(row.totalTokens, row.inputTokens + row.outputTokens + row.cacheCreationTokens + row.cacheReadTokens);
  }
  assert.equal(daily.rows.reduce((n, r) => n + r.modelBreakdowns.length, 0), byDayModel.size);
  // per session
  const sessions = await withSnapshot(db, (d) => sessionReport(d, { tz: TZ, prices: BUNDLED_PRICES }));
  const bySession = sumBy(truth.responses, (r) => r.sessionId);
  assert.deepEqual(
    sessions.sessions.map((s) => [s.sessionId, s.inputTokens, s.outputTokens, s.cacheCreationTokens, s.cacheReadTokens]).sort(),
    [...bySession.entries()].map(([id, s]) => [id, s.input, s.output, s.cacheCreation, s.cacheRead]).sort(),
  );
  for (const s of sessions.sessions) assert.equal(s.prompts, truth.prompts[s.sessionId] ?? 0, `prompts of ${s.sessionId}`);
  // weekly / monthly are the same sums regrouped
  const total = [...bySession.values()].reduce((n, s) => n + s.input + s.output + s.cacheCreation + s.cacheRead, 0);
  const weekly = await withSnapshot(db, (d) => weeklyReport(d, { tz: TZ, prices: BUNDLED_PRICES }));
  const monthly = await withSnapshot(db, (d) => monthlyReport(d, { tz: TZ, prices: BUNDLED_PRICES }));
  assert.equal(weekly.totals.totalTokens, total);
  assert.equal(monthly.totals.totalTokens, total);
  assert.deepEqual(monthly.rows.map((r) => r.month), ['2026-03']);

  // tool calls: one row per tool_use id, error flag and duration from the result
  const tools = pyQuery<{ tool_use_id: string; tool: string; is_error: number; duration_ms: number }>(db, 'SELECT tool_use_id, tool, is_error, duration_ms FROM claude_code_tool_calls ORDER BY tool_use_id');
  assert.deepEqual(
    tools.map((t) => [t.tool_use_id, t.tool, t.is_error, t.duration_ms]),
    [...truth.toolCalls].sort((a, b) => (a.toolUseId < b.toolUseId ? -1 : 1)).map((t) => [t.toolUseId, t.tool, t.isError === null ? null : t.isError ? 1 : 0, t.durationMs]),
  );
  // the subagent's own responses carry the flag; the replayed parent response kept the parent's row
  const flagged = pyQuery<{ n: number }>(db, 'SELECT count(*) AS n FROM claude_code_responses WHERE is_subagent = 1')[0].n;
  assert.equal(flagged, truth.responses.filter((r) => r.subagent).length);

  const hash = sha(db);
  const second = await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(second.claudeCode?.filesRead, 0);
  assert.equal(second.claudeCode?.bytesRead, 0);
  assert.equal(sha(db), hash, 'a second run changes nothing');

  // a full re-read (ledger ignored) changes no row either
  const before = pyQuery(db, 'SELECT * FROM claude_code_responses ORDER BY message_id');
  await migrateSources(db, [config], { rescan: true, claudeCode: { prices: BUNDLED_PRICES } });
  assert.deepEqual(pyQuery(db, 'SELECT * FROM claude_code_responses ORDER BY message_id'), before);
});

test('appended lines are read incrementally; a half-written line waits for its writer; rows outlive deleted transcripts', async () => {
  const { config, truth, db } = setup('incremental');
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  const sessionFile = truth.files[0];
  const sessionId = path.basename(sessionFile, '.jsonl');
  const sizeBefore = fs.statSync(sessionFile).size;

  // append a streamed response whose last line is only half written
  const b = new ClaudeHistoryBuilder(config, 77);
  const s = b.session('-home-dev-app', { sessionId });
  const usage = { model: SAMPLE_MODELS[1], input: 7, output: 5_000, cacheRead: 1_000, cacheWrite5m: 0, cacheWrite1h: 0 };
  const r = b.response(s, Date.UTC(2026, 2, 20, 12), usage, { pieces: 3 });
  b.close();
  const full = fs.readFileSync(sessionFile);
  const lastLine = JSON.stringify(r.lines[2]) + '\n';
  const cut = full.length - Math.floor(lastLine.length / 2);
  fs.truncateSync(sessionFile, cut);

  const mid = await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(mid.claudeCode?.filesRead, 1);
  assert.equal(mid.claudeCode?.pending, 1);
  assert.equal(mid.claudeCode?.rejected, 0);
  assert.equal(mid.claudeCode?.bytesRead, cut - sizeBefore, 'only the appended bytes are read');
  const partial = pyQuery<{ output_tokens: number }>(db, `SELECT output_tokens FROM claude_code_responses WHERE message_id = '${r.messageId}'`);
  assert.equal(partial.length, 1);
  assert.ok(partial[0].output_tokens < usage.output, 'until the last line is complete, the partial count stands');

  // the writer completes the line: the final usage replaces the partial one
  fs.writeFileSync(sessionFile, full);
  const done = await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(done.claudeCode?.pending, 0);
  const final = pyQuery<{ output_tokens: number; cost_usd: number }>(db, `SELECT output_tokens, cost_usd FROM claude_code_responses WHERE message_id = '${r.messageId}'`);
  assert.equal(final[0].output_tokens, usage.output);
  assert.ok(Math.abs(final[0].cost_usd - (7 * 5 + 5000 * 25 + 1000 * 0.5) / 1e6) < 1e-12);

  const daily = await withSnapshot(db, (d) => dailyReport(d, { tz: TZ, prices: BUNDLED_PRICES }));
  const all = [...truth.responses, ...b.truth.responses];
  assert.equal(daily.totals.outputTokens, all.reduce((n, x) => n + x.output, 0));

  // Claude Code's cleanup deletes a transcript: its rows stay, the ledger marks it missing
  const rowsBefore = pyQuery<{ n: number }>(db, 'SELECT count(*) AS n FROM claude_code_responses')[0].n;
  fs.rmSync(truth.files[3]);
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(pyQuery<{ n: number }>(db, 'SELECT count(*) AS n FROM claude_code_responses')[0].n, rowsBefore);
  assert.equal(pyQuery<{ n: number }>(db, 'SELECT count(*) AS n FROM claude_code_files WHERE missing_since IS NOT NULL')[0].n, 1);
});

test('an unknown model keeps its tokens, has no price (null, never $0) and is named; an override file prices it', async () => {
  const { config, truth, db } = setup('prices');
  const res = await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.deepEqual(res.claudeCode?.unpricedModels, [UNKNOWN_MODEL]);
  const daily = await withSnapshot(db, (d) => dailyReport(d, { tz: TZ, prices: BUNDLED_PRICES }));
  assert.deepEqual(daily.totals.unpricedModels, [UNKNOWN_MODEL]);
  assert.ok(daily.warnings.some((w) => w.includes(UNKNOWN_MODEL)));
  const breakdown = daily.rows.flatMap((r) => r.modelBreakdowns).find((b) => b.modelName === UNKNOWN_MODEL)!;
  const u = truth.responses.find((r) => r.model === UNKNOWN_MODEL)!;
  assert.equal(breakdown.cost, null);
  assert.equal(breakdown.outputTokens, u.output);
  assert.equal(pyQuery<{ c: unknown }>(db, `SELECT cost_usd AS c FROM claude_code_responses WHERE model = '${UNKNOWN_MODEL}'`)[0].c, null);

  const override: PriceTable = { ...BUNDLED_PRICES, models: { ...BUNDLED_PRICES.models, 'claude-nova-9': { input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 } } };
  const priced = await withSnapshot(db, (d) => dailyReport(d, { tz: TZ, prices: override }));
  assert.deepEqual(priced.totals.unpricedModels, []);
  const cost = priced.rows.flatMap((r) => r.modelBreakdowns).find((b) => b.modelName === UNKNOWN_MODEL)!.cost!;
  assert.ok(Math.abs(cost - (u.input * 2 + u.output * 10) / 1e6) < 1e-12);
});

test('daily cost equals the truth priced per response', async () => {
  const { config, truth, db } = setup('cost');
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  const daily = await withSnapshot(db, (d) => dailyReport(d, { tz: 'UTC', prices: BUNDLED_PRICES }));
  const rates: Record<string, [number, number, number, number, number]> = {
    [SAMPLE_MODELS[0]]: [3, 15, 3.75, 6, 0.3],
    [SAMPLE_MODELS[1]]: [5, 25, 6.25, 10, 0.5],
    [SAMPLE_MODELS[2]]: [1, 5, 1.25, 2, 0.1],
  };
  let expected = 0;
  for (const r of truth.responses) {
    const p = rates[r.model];
    if (!p) continue;
    expected += (r.input * p[0] + r.output * p[1] + r.cacheWrite5m * p[2] + r.cacheWrite1h * p[3] + r.cacheRead * p[4]) / 1e6;
  }
  assert.ok(Math.abs((daily.totals.totalCost ?? 0) - expected) < 1e-9, `${daily.totals.totalCost} vs ${expected}`);
});

test('a completed half line: exact totals per day (non-UTC zone), model and session over every rule; a second run changes nothing', async () => {
  const { config, truth, db } = setup('half-line');
  // a streamed response (3 lines, partial output counts) is appended to a session; its last line is cut halfway
  const sessionFile = truth.files[0];
  const sessionId = path.basename(sessionFile, '.jsonl');
  const b = new ClaudeHistoryBuilder(config, 78);
  const s = b.session('-home-dev-app', { sessionId });
  // 18:45 UTC = 00:15 the next day in Asia/Kolkata: the response lands on the far side of local midnight
  const r = b.response(s, Date.UTC(2026, 2, 11, 18, 45), { model: SAMPLE_MODELS[2], input: 11, output: 2_500, cacheRead: 4_000, cacheWrite5m: 300, cacheWrite1h: 700 }, { pieces: 3 });
  b.close();
  const full = fs.readFileSync(sessionFile);
  fs.truncateSync(sessionFile, full.length - Math.floor((JSON.stringify(r.lines[2]).length + 1) / 2));
  const mid = await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(mid.claudeCode?.pending, 1);
  fs.writeFileSync(sessionFile, full);
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });

  const all = [...truth.responses, ...b.truth.responses];
  const tuple = (s: Sums) => [s.input, s.output, s.cacheCreation, s.cacheRead];
  const daily = await withSnapshot(db, (d) => dailyReport(d, { tz: TZ, prices: BUNDLED_PRICES }));
  assert.deepEqual(
    daily.rows.map((x) => [x.date, x.inputTokens, x.outputTokens, x.cacheCreationTokens, x.cacheReadTokens]),
    [...sumBy(all, (x) => localDay(x.tsMs, TZ)).entries()].sort().map(([d, v]) => [d, ...tuple(v)]),
  );
  const byDayModel = sumBy(all, (x) => `${localDay(x.tsMs, TZ)}|${x.model}`);
  assert.deepEqual(
    daily.rows.flatMap((x) => x.modelBreakdowns.map((m) => [`${x.date}|${m.modelName}`, m.inputTokens, m.outputTokens, m.cacheCreationTokens, m.cacheReadTokens])).sort(),
    [...byDayModel.entries()].map(([k, v]) => [k, ...tuple(v)]).sort(),
  );
  const sessions = await withSnapshot(db, (d) => sessionReport(d, { tz: TZ, prices: BUNDLED_PRICES }));
  assert.deepEqual(
    sessions.sessions.map((x) => [x.sessionId, x.inputTokens, x.outputTokens, x.cacheCreationTokens, x.cacheReadTokens]).sort(),
    [...sumBy(all, (x) => x.sessionId).entries()].map(([k, v]) => [k, ...tuple(v)]).sort(),
  );
  const hash = sha(db);
  const again = await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(again.claudeCode?.bytesRead, 0);
  assert.equal(sha(db), hash, 'a second run changes nothing');
});
