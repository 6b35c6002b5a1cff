/**
 * The dashboard's Usage tab over generated transcripts (every exactness rule): tokens per local
 * day × model, per model and per session equal the generator's truth; the unknown model is
 * "no price" (null, named in a warning), never $0; tool calls per tool and per session; the
 * drill-downs are opaque keys the host minted (a forged or table-naming request is refused);
 * a second migrate leaves the payload unchanged. Runs on the engine the runner picks.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { BUNDLED_PRICES, type PriceTable } from '../../src/core/claudeCode';
import { openSnapshot } from '../../src/core/db/database';
import { migrateSources } from '../../src/core/ingest';
import { getDrillDownRows, getUsage, mintDrillKey } from '../../src/core/metrics';
import { answerDataRequest, type DashboardDataSource } from '../../src/core/dashboard/dashboardRequests';
import { generateClaudeHistory, UNKNOWN_MODEL, type TruthResponse } from '../../src/sample/claudeTranscripts';
import { tempDir } from '../ingest/helpers';

const TZ = 'Asia/Kolkata';

function localDay(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

const tokens = (r: TruthResponse) => [r.input, r.output, r.cacheRead, r.cacheWrite5m, r.cacheWrite1h];

function sums(responses: TruthResponse[], key: (r: TruthResponse) => string): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const r of responses) {
    const s = m.get(key(r)) ?? [0, 0, 0, 0, 0];
    tokens(r).forEach((v, i) => (s[i] += v));
    m.set(key(r), s);
  }
  return m;
}

const rowTokens = (r: { inputTokens: number; outputTokens: number; cacheReadTokens: number; cacheWrite5mTokens: number; cacheWrite1hTokens: number }) => [
  r.inputTokens,
  r.outputTokens,
  r.cacheReadTokens,
  r.cacheWrite5mTokens,
  r.cacheWrite1hTokens,
];

async function imported(name: string) {
  const dir = tempDir(`cc-usage-${name}`);
  const config = path.join(dir, '.claude');
  const truth = generateClaudeHistory({ dir: config });
  const db = path.join(dir, 'telemetry.db');
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  return { config, truth, db };
}

async function usageOf(db: string, prices: PriceTable = BUNDLED_PRICES) {
  const snap = await openSnapshot(db);
  try {
    return getUsage(snap, {}, { timeZone: TZ, prices, nowSeconds: Date.UTC(2026, 5, 1) / 1000 });
  } finally {
    snap.close();
  }
}

test('Usage tab: exact tokens per local day × model, per model and per session; a second run changes nothing', async () => {
  const { config, truth, db } = await imported('exact');
  const u = await usageOf(db);

  const byDayModel = sums(truth.responses, (r) => `${localDay(r.tsMs, TZ)}|${r.model}`);
  assert.deepEqual(
    u.perDay.map((r) => [`${r.day}|${r.model}`, rowTokens(r)]).sort(),
    [...byDayModel.entries()].sort(),
  );
  const byModel = sums(truth.responses, (r) => r.model);
  assert.deepEqual(u.models.map((m) => [m.model, rowTokens(m)]).sort(), [...byModel.entries()].sort());
  for (const m of u.models) assert.equal(m.responses, truth.responses.filter((r) => r.model === m.model).length);
  const bySession = sums(truth.responses, (r) => r.sessionId);
  assert.ok(bySession.size <= 50, 'the fixture lists every session');
  assert.deepEqual(u.sessions.map((s) => [s.sessionId, rowTokens(s)]).sort(), [...bySession.entries()].sort());
  const total = truth.responses.reduce((n, r) => n + tokens(r).reduce((a, b) => a + b, 0), 0);
  assert.equal(u.totals.totalTokens, total);
  assert.equal(u.totals.responses, truth.responses.length);
  assert.equal(u.totals.cacheReadTokens, truth.responses.reduce((n, r) => n + r.cacheRead, 0));
  assert.equal(u.totals.cacheWrite1hTokens, truth.responses.reduce((n, r) => n + r.cacheWrite1h, 0));
  // projects: the sessions' sums regrouped
  assert.equal(u.projects.reduce((n, p) => n + p.totalTokens, 0), total);
  assert.equal(u.projects.reduce((n, p) => n + p.sessions, 0), bySession.size);

  // tool calls per tool and per session, errors from their results
  const perTool = new Map<string, [number, number]>();
  for (const c of truth.toolCalls) {
    const t = perTool.get(c.tool) ?? [0, 0];
    t[0]++;
    if (c.isError) t[1]++;
    perTool.set(c.tool, t);
  }
  assert.deepEqual(u.tools.map((t) => [t.tool, [t.calls, t.errors]]).sort(), [...perTool.entries()].sort());
  for (const s of u.sessions) {
    assert.equal(s.toolCalls, truth.toolCalls.filter((c) => c.sessionId === s.sessionId).length, `tool calls of ${s.sessionId}`);
  }

  // a second run: nothing read, the same payload
  const again = await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(again.claudeCode?.bytesRead, 0);
  assert.deepEqual(await usageOf(db), u);
});

test('Usage tab: a model without a price keeps its tokens, costs null ("no price") and is named; the override prices it', async () => {
  const { truth, db } = await imported('prices');
  const u = await usageOf(db);
  assert.deepEqual(u.unpricedModels, [UNKNOWN_MODEL]);
  assert.ok(u.warnings.some((w) => w.includes(UNKNOWN_MODEL)));
  const row = u.models.find((m) => m.model === UNKNOWN_MODEL)!;
  assert.equal(row.costUsd, null);
  assert.equal(row.priced, false);
  assert.equal(row.outputTokens, truth.responses.filter((r) => r.model === UNKNOWN_MODEL).reduce((n, r) => n + r.output, 0));
  for (const d of u.perDay.filter((r) => r.model === UNKNOWN_MODEL)) assert.equal(d.costUsd, null);
  assert.ok(u.totals.costUsd !== null && u.totals.costUsd > 0, 'the priced models still have a cost');

  const override: PriceTable = { ...BUNDLED_PRICES, source: 'test', models: { ...BUNDLED_PRICES.models, 'claude-nova-9': { input: 2, output: 10, cacheWrite5m: 2.5, cacheWrite1h: 4, cacheRead: 0.2 } } };
  const priced = await usageOf(db, override);
  assert.deepEqual(priced.unpricedModels, []);
  const r = priced.models.find((m) => m.model === UNKNOWN_MODEL)!;
  const expected = (r.inputTokens * 2 + r.outputTokens * 10 + r.cacheWrite5mTokens * 2.5 + r.cacheWrite1hTokens * 4 + r.cacheReadTokens * 0.2) / 1e6;
  assert.ok(Math.abs(r.costUsd! - expected) < 1e-12);
});

test('Usage tab drill-downs: host-minted keys list a session’s tool calls, a tool’s calls, a model’s responses; forged keys are refused', async () => {
  const { truth, db } = await imported('drill');
  const u = await usageOf(db);
  const snap = await openSnapshot(db);
  try {
    const session = u.sessions.find((s) => s.toolCalls > 0)!;
    const rows = getDrillDownRows(snap, { target: { kind: 'keyed', key: session.drillKey }, range: {}, limit: 1000 });
    assert.equal(rows.total, truth.toolCalls.filter((c) => c.sessionId === session.sessionId).length);
    assert.deepEqual(new Set(rows.rows.map((r) => r.values.session_id)), new Set([session.sessionId]));
    assert.ok(rows.rows.every((r) => typeof r.source.path === 'string' && r.source.path.endsWith('.jsonl') && (r.source.line ?? 0) > 0), 'each row names its transcript line');

    const tool = u.tools[0];
    assert.equal(getDrillDownRows(snap, { target: { kind: 'keyed', key: tool.drillKey }, range: {}, limit: 1000 }).total, tool.calls);
    const model = u.models.find((m) => m.model === UNKNOWN_MODEL)!;
    assert.equal(getDrillDownRows(snap, { target: { kind: 'keyed', key: model.drillKey }, range: {} }).total, model.responses);

    for (const forged of ['claude_code_responses', 'dk.' + Buffer.from(JSON.stringify(['ccFiles', 'claude_code_files'])).toString('base64url'), 'dk.!!!', 'cc.' + Buffer.from(JSON.stringify(['session', 'x'])).toString('base64url')]) {
      assert.throws(() => getDrillDownRows(snap, { target: { kind: 'keyed', key: forged }, range: {} }), /unknown drill-down key/);
    }
    // a well-formed key naming a table that is not an event table is refused too
    assert.throws(() => getDrillDownRows(snap, { target: { kind: 'keyed', key: mintDrillKey('table', 'claude_code_files') }, range: {} }), /unknown event table/);
  } finally {
    snap.close();
  }

  // through the host's message handler, as the webview sends it
  const source: DashboardDataSource = {
    snapshot: () => openSnapshot(db),
    metricsOptions: () => ({ timeZone: TZ, prices: BUNDLED_PRICES }),
    nowSeconds: () => Date.UTC(2026, 5, 1) / 1000,
  };
  const data = await answerDataRequest({ type: 'requestData', requestId: 1, tab: 'usage', range: { preset: 'all' } }, source);
  assert.equal(data?.type, 'data');
  const payload = data?.type === 'data' && data.payload.tab === 'usage' ? data.payload.usage : undefined;
  assert.ok(payload && payload.totals.responses === truth.responses.length);
  const key = mintDrillKey('ccSession', payload.sessions[0].sessionId);
  const reply = await answerDataRequest({ type: 'drillDown', requestId: 2, label: 'x', request: { target: { kind: 'keyed', key }, range: {} } }, source);
  assert.equal(reply?.type, 'rows');
  const bad = await answerDataRequest({ type: 'drillDown', requestId: 3, label: 'x', request: { target: { kind: 'keyed', key: 'SELECT 1' }, range: {} } }, source);
  assert.equal(bad?.type, 'error');
});
