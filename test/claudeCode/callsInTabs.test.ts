/**
 * Claude Code's calls in the existing tabs, counted once where the users' hooks log them too:
 * generated transcripts, plus hook files written by python3 the way the users' hooks write them
 * (a post-tool hook's tool-usage.jsonl at the result's second, a skill tracker's
 * skill_metrics.json at the invocation's second, a router's routing-metrics.jsonl), imported
 * by the real migrate. Activity's and Skills' call tables hold every call exactly once with the
 * source it came from; Routing shows the model the routed response really used. A second
 * migrate changes nothing. Runs on the engine the runner picks (wasm and native).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BUNDLED_PRICES } from '../../src/core/claudeCode';
import { openSnapshot } from '../../src/core/db/database';
import { migrateSources } from '../../src/core/ingest';
import { getActivity, getRouting, getSkills, predictionMatches, reconcileCalls } from '../../src/core/metrics';
import { generateClaudeHistory, type TruthToolCall } from '../../src/sample/claudeTranscripts';
import { tempDir } from '../ingest/helpers';

const TZ = 'Europe/Berlin';

/** Writes the hooks' files with python3, as the users' hooks do. */
const HOOKS_PY = `
import json, sys, os
spec = json.load(open(sys.argv[1]))
out = sys.argv[2]
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, 'tool-usage.jsonl'), 'a') as f:
    for r in spec['tools']:
        f.write(json.dumps({'timestamp': r['ts'], 'tool_name': r['tool'], 'session_id': r['session'], 'success': r['ok']}) + '\\n')
with open(os.path.join(out, 'skill_metrics.json'), 'w') as f:
    json.dump({'invocations': [{'skill_name': r['skill'], 'invoked_at': r['ts'], 'completed': True, 'session_id': r['session']} for r in spec['skills']], 'skills': {}, 'last_updated': 'now'}, f)
with open(os.path.join(out, 'routing-metrics.jsonl'), 'a') as f:
    for r in spec['routing']:
        f.write(json.dumps({'ts': r['ts'], 'query_hash': r['id'], 'model': r['predicted'], 'complexity': 0.5}) + '\\n')
`;

/** whole seconds, as the hooks write them */
const isoSeconds = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

interface Expected {
  perTool: Map<string, { calls: number; transcript: number; hook: number; both: number }>;
  perSkill: Map<string, { calls: number; transcript: number; hook: number; both: number }>;
}

function bump(m: Expected['perTool'], name: string, source: 'transcript' | 'hook' | 'both'): void {
  const r = m.get(name) ?? { calls: 0, transcript: 0, hook: 0, both: 0 };
  r.calls++;
  r[source]++;
  m.set(name, r);
}

async function setup(name: string) {
  const dir = tempDir(`cc-calls-${name}`);
  const config = path.join(dir, '.claude');
  const telemetry = path.join(dir, 'telemetry');
  // the rule scenarios plus random sessions (many tool calls, some of one tool seconds apart)
  const truth = generateClaudeHistory({ dir: config, bulkBytes: 400_000, toolResultBytes: 400 });
  const expected: Expected = { perTool: new Map(), perSkill: new Map() };
  const tools: { ts: string; tool: string; session: string; ok: boolean }[] = [];
  const skills: { ts: string; skill: string; session: string }[] = [];
  // the post-tool hook logged every other finished call (at its result's second); the others only the transcript has
  const finished = truth.toolCalls.filter((c) => c.durationMs !== null);
  finished.forEach((c: TruthToolCall, i) => {
    if (i % 2 === 0) tools.push({ ts: isoSeconds(c.tsMs + c.durationMs!), tool: c.tool, session: c.sessionId, ok: !c.isError });
  });
  for (const c of truth.toolCalls) bump(expected.perTool, c.tool, finished.indexOf(c) % 2 === 0 ? 'both' : 'transcript');
  // calls the hook saw that no imported transcript holds (a session Claude Code already cleaned up)
  for (const [i, tool] of ['Bash', 'Read', 'WebSearch'].entries()) {
    tools.push({ ts: isoSeconds(Date.UTC(2026, 1, 1, 10, i)), tool, session: 'deleted-session', ok: true });
    bump(expected.perTool, tool, 'hook');
  }
  // the skill tracker: every Skill call the transcripts hold, at the tool_use's second, plus one of its own
  const skillCalls = truth.toolCalls.filter((c) => c.tool === 'Skill');
  assert.ok(skillCalls.length > 0, 'the fixture has Skill calls');
  const skillNames = new Map<string, string>();
  return { dir, config, telemetry, truth, expected, tools, skills, skillCalls, skillNames };
}

function runHooks(specFile: string, out: string, spec: object): void {
  fs.writeFileSync(specFile, JSON.stringify(spec));
  const r = spawnSync('python3', ['-c', HOOKS_PY, specFile, out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

async function withSnapshot<T>(db: string, f: (s: Awaited<ReturnType<typeof openSnapshot>>) => T): Promise<T> {
  const s = await openSnapshot(db);
  try {
    return f(s);
  } finally {
    s.close();
  }
}

test('tool calls and Skill calls logged by the transcripts and by the hooks are shown once, with their source; Routing shows the model really used; a second run changes nothing', async () => {
  const ctx = await setup('once');
  const { config, telemetry, truth, expected, tools, skills, skillCalls } = ctx;
  const db = path.join(ctx.dir, 'telemetry.db');

  // first import the transcripts alone, to learn each Skill call's skill from the database
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  const skillOf = await withSnapshot(db, (s) => new Map((s.exec(`SELECT tool_use_id, input_summary FROM claude_code_tool_calls WHERE tool = 'Skill'`)[0]?.values ?? []).map((v) => [String(v[0]), String(v[1]).replace(/^skill: /, '')])));
  for (const c of skillCalls) {
    skills.push({ ts: isoSeconds(c.tsMs), skill: skillOf.get(c.toolUseId)!, session: c.sessionId });
    bump(expected.perSkill, skillOf.get(c.toolUseId)!, 'both');
  }
  skills.push({ ts: isoSeconds(Date.UTC(2026, 1, 2, 9)), skill: 'tracker-only-skill', session: 'deleted-session' });
  bump(expected.perSkill, 'tracker-only-skill', 'hook');

  // the router decided a second before some main-chain responses
  const main = truth.responses.filter((r) => !r.subagent).sort((a, b) => a.tsMs - b.tsMs);
  const routed = main.filter((_, i) => i % 3 === 0);
  const routing = routed.map((r, i) => ({ ts: Math.floor(r.tsMs / 1000) - 1, id: `q${i}`, predicted: i % 2 ? 'opus' : 'sonnet' }));

  assert.ok(routing.length >= 20 && tools.length >= 40, `a fixture worth the name: ${routing.length} decisions, ${tools.length} hook lines`);
  runHooks(path.join(ctx.dir, 'spec.json'), telemetry, { tools, skills, routing });
  const first = await migrateSources(db, [config, telemetry], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(first.sources.find((s) => s.table === 'tool_events')?.inserted, tools.length);
  assert.equal(first.sources.find((s) => s.table === 'skill_invocation')?.inserted, skills.length);

  const read = () =>
    withSnapshot(db, (s) => ({
      activity: getActivity(s, {}, { timeZone: TZ }),
      skills: getSkills(s, {}, { timeZone: TZ }),
      routing: getRouting(s, {}, { timeZone: TZ }),
    }));
  const got = await read();
  const rowsOf = (rows: { name: string; calls: number; transcript: number; hook: number; both: number }[]) => rows.map((r) => [r.name, { calls: r.calls, transcript: r.transcript, hook: r.hook, both: r.both }]).sort();
  assert.deepEqual(rowsOf(got.activity.claudeCode!.rows), [...expected.perTool.entries()].sort());
  assert.equal(got.activity.claudeCode!.totals.calls, truth.toolCalls.length + 3, 'every call once');
  assert.equal(got.activity.claudeCode!.totals.both, tools.length - 3);
  assert.ok(got.activity.claudeCode!.totals.transcript > 0 && got.activity.claudeCode!.totals.hook === 3);
  // errors from the transcripts' tool results
  const errors = truth.toolCalls.filter((c) => c.isError).length;
  assert.equal(got.activity.claudeCode!.rows.reduce((n, r) => n + r.errors, 0), errors);
  // the hook's own table is unchanged: its rows are still there for the hook's charts
  assert.equal(got.activity.tools.reduce((n, t) => n + t.calls, 0), tools.length);

  assert.deepEqual(rowsOf(got.skills.claudeCode!.rows), [...expected.perSkill.entries()].sort());
  assert.equal(got.skills.claudeCode!.totals.calls, skillCalls.length + 1);

  const r = got.routing.claudeCode!;
  assert.equal(r.decisions, routing.length);
  assert.equal(r.matched, routing.length);
  const expectedPairs = new Map<string, number>();
  routed.forEach((resp, i) => {
    const key = `${routing[i].predicted}|${resp.model}`;
    expectedPairs.set(key, (expectedPairs.get(key) ?? 0) + 1);
  });
  assert.deepEqual(new Map(r.pairs.map((p) => [`${p.predicted}|${p.used}`, p.count])), expectedPairs);
  assert.equal(r.agreed, routed.filter((resp, i) => predictionMatches(routing[i].predicted, resp.model)).length);

  const again = await migrateSources(db, [config, telemetry], { claudeCode: { prices: BUNDLED_PRICES } });
  assert.equal(again.claudeCode?.bytesRead, 0);
  assert.ok(again.sources.every((s) => s.inserted === 0));
  assert.deepEqual(await read(), got, 'a second run changes nothing');
});

test('matching is one to one: two quick calls of one tool and two hook rows stay two; other sessions never match', () => {
  const t0 = Date.UTC(2026, 2, 1, 12);
  const transcript = [
    { name: 'Read', sessionId: 's1', startMs: t0, endMs: t0 + 200, isError: false },
    { name: 'Read', sessionId: 's1', startMs: t0 + 300, endMs: t0 + 500, isError: false },
    { name: 'Read', sessionId: 's2', startMs: t0 + 100, endMs: t0 + 400, isError: true },
  ];
  const hooks = [
    { name: 'Read', sessionId: 's1', atMs: t0, isError: false },
    { name: 'Read', sessionId: 's1', atMs: t0, isError: false },
    { name: 'Read', sessionId: 's1', atMs: t0, isError: false }, // a third: no call left in s1
    { name: 'Read', sessionId: 's3', atMs: t0, isError: null },
    { name: 'Edit', sessionId: 's1', atMs: t0, isError: null },
    { name: 'Read', sessionId: 's1', atMs: t0 + 10_000, isError: null }, // too late
  ];
  const out = reconcileCalls(transcript, hooks);
  const count = (source: string) => out.filter((c) => c.source === source).length;
  assert.equal(out.length, 3 + 6 - 2);
  assert.equal(count('both'), 2);
  assert.equal(count('hook'), 4);
  assert.equal(count('transcript'), 1);
  assert.equal(out.find((c) => c.source === 'transcript')!.sessionId, 's2');
});
