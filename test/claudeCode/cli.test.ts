/**
 * CLI `usage` and `migrate` with transcripts: ccusage's JSON field names, totals equal to the
 * generated truth, date filters in a zone, price override file, opt-out flag, usage errors (exit 2).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { generateClaudeHistory, UNKNOWN_MODEL } from '../../src/sample/claudeTranscripts';
import { pyQuery, tempDir } from '../ingest/helpers';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

test('usage daily|monthly|session|blocks --json after migrate: ccusage field names, exact totals, filters, prices', async () => {
  const dir = tempDir('cc-cli');
  const config = path.join(dir, '.claude');
  const truth = generateClaudeHistory({ dir: config });
  const db = path.join(dir, 't.db');
  const m = await cli('migrate', '--db', db, config);
  assert.equal(m.code, 0, m.err);
  assert.match(m.out, /Claude Code: 4 transcripts/);
  assert.match(m.err, new RegExp(`no price for model "${UNKNOWN_MODEL}"`));

  const daily = await cli('usage', 'daily', '--db', db, '--json', '--tz', 'Asia/Kolkata', '--breakdown');
  assert.equal(daily.code, 0, daily.err);
  const d = JSON.parse(daily.out);
  for (const k of ['date', 'inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'totalTokens', 'totalCost', 'modelsUsed', 'modelBreakdowns']) assert.ok(k in d.daily[0], k);
  for (const k of ['modelName', 'inputTokens', 'outputTokens', 'cacheCreationTokens', 'cacheReadTokens', 'cost']) assert.ok(k in d.daily[0].modelBreakdowns[0], k);
  const sum = (f: (r: (typeof truth.responses)[0]) => number) => truth.responses.reduce((n, r) => n + f(r), 0);
  assert.equal(d.totals.outputTokens, sum((r) => r.output));
  assert.equal(d.totals.totalTokens, sum((r) => r.input + r.output + r.cacheRead + r.cacheWrite5m + r.cacheWrite1h));
  assert.deepEqual(d.totals.unpricedModels, [UNKNOWN_MODEL]);
  assert.deepEqual(d.daily.map((r: { date: string }) => r.date), ['2026-03-10', '2026-03-11', '2026-03-13']);

  const filtered = JSON.parse((await cli('usage', 'daily', '--db', db, '--json', '--tz', 'Asia/Kolkata', '--since', '20260311', '--until', '2026-03-12')).out);
  assert.deepEqual(filtered.daily.map((r: { date: string }) => r.date), ['2026-03-11']);

  const monthly = JSON.parse((await cli('usage', 'monthly', '--db', db, '--json')).out);
  assert.equal(monthly.monthly[0].month, '2026-03');
  assert.equal(monthly.totals.totalTokens, d.totals.totalTokens);

  const session = JSON.parse((await cli('usage', 'session', '--db', db, '--json')).out);
  for (const k of ['sessionId', 'inputTokens', 'outputTokens', 'totalCost', 'lastActivity', 'modelsUsed', 'modelBreakdowns']) assert.ok(k in session.sessions[0], k);
  assert.equal(session.sessions.length, truth.sessions.length);

  const blocks = JSON.parse((await cli('usage', 'blocks', '--db', db, '--json')).out);
  const real = blocks.blocks.filter((b: { isGap: boolean }) => !b.isGap);
  assert.equal(real.reduce((n: number, b: { totalTokens: number }) => n + b.totalTokens, 0), d.totals.totalTokens);
  assert.equal(real.reduce((n: number, b: { entries: number }) => n + b.entries, 0), truth.responses.length);

  // a price override file prices the unknown model
  const prices = path.join(dir, 'prices.json');
  fs.writeFileSync(prices, JSON.stringify({ models: { 'claude-nova-9': { input: 2, output: 10 } } }));
  const priced = await cli('usage', 'daily', '--db', db, '--json', '--prices', prices);
  assert.equal(priced.err, '');
  assert.deepEqual(JSON.parse(priced.out).totals.unpricedModels, []);
  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{"models": {"x": {"input": "three"}}}');
  const badRun = await cli('usage', 'daily', '--db', db, '--prices', bad);
  assert.equal(badRun.code, 2);
  assert.match(badRun.err, /bad\.json: model "x": "input" must be a non-negative number/);
});

test('usage errors exit 2 with one line; --no-claude-code leaves transcripts alone', async () => {
  const dir = tempDir('cc-cli-err');
  const config = path.join(dir, '.claude');
  generateClaudeHistory({ dir: config });
  const db = path.join(dir, 't.db');
  const off = await cli('migrate', '--db', db, '--no-claude-code', config);
  assert.equal(off.code, 0, off.err);
  assert.doesNotMatch(off.out, /Claude Code:/);
  assert.equal(pyQuery<{ n: number }>(db, 'SELECT count(*) AS n FROM claude_code_responses')[0].n, 0);
  for (const argv of [['usage', 'hourly', '--db', db], ['usage', 'daily', '--db', db, '--since', '2026-13-01'], ['usage', 'daily', '--db', db, '--tz', 'Mars/Base'], ['usage', 'daily']]) {
    const r = await cli(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
  }
});

test('report --prices FILE: the static report\'s Usage tab is priced with the override file (same format as usage --prices); a bad file exits 2 naming it', async () => {
  const dir = tempDir('cc-cli-report');
  const config = path.join(dir, '.claude');
  generateClaudeHistory({ dir: config });
  const db = path.join(dir, 't.db');
  assert.equal((await cli('migrate', '--db', db, config)).code, 0);
  const usageOf = (file: string) => {
    const html = fs.readFileSync(file, 'utf8');
    const m = /<script type="application\/json" id="tl-report-data"[^>]*>([\s\S]*?)<\/script>/.exec(html);
    return JSON.parse(m![1]).payloads.all.usage.usage as { unpricedModels: string[]; warnings: string[]; prices: { source: string }; models: { model: string; costUsd: number | null }[] };
  };
  const plainOut = path.join(dir, 'plain.html');
  const plain = await cli('report', '--db', db, '--out', plainOut, '--no-rows');
  assert.equal(plain.code, 0, plain.err);
  const before = usageOf(plainOut);
  assert.deepEqual(before.unpricedModels, [UNKNOWN_MODEL]);
  assert.ok(before.warnings.some((w) => w.includes(UNKNOWN_MODEL)));
  assert.equal(before.models.find((m) => m.model === UNKNOWN_MODEL)!.costUsd, null);

  const prices = path.join(dir, 'prices.json');
  fs.writeFileSync(prices, JSON.stringify({ models: { 'claude-nova-9': { input: 2, output: 10 } } }));
  const pricedOut = path.join(dir, 'priced.html');
  const priced = await cli('report', '--db', db, '--out', pricedOut, '--no-rows', '--prices', prices);
  assert.equal(priced.code, 0, priced.err);
  const after = usageOf(pricedOut);
  assert.deepEqual(after.unpricedModels, []);
  assert.ok(after.prices.source.endsWith(prices));
  assert.ok((after.models.find((m) => m.model === UNKNOWN_MODEL)!.costUsd ?? 0) > 0);

  const bad = path.join(dir, 'bad.json');
  fs.writeFileSync(bad, '{"models": 3}');
  const badRun = await cli('report', '--db', db, '--out', path.join(dir, 'bad.html'), '--prices', bad);
  assert.equal(badRun.code, 2);
  assert.equal(badRun.err.trim().split('\n').length, 1);
  assert.match(badRun.err, /bad\.json/);
  assert.ok(!fs.existsSync(path.join(dir, 'bad.html')));
});
