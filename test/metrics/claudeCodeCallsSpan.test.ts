/**
 * The Claude Code cards of Activity, Skills and Routing read as rows only what can match
 * (hook rows near a transcript call, decisions shortly before a response) and count the rest
 * in SQL. Checked against the plain rule — every row read and matched one by one — on random
 * data whose hook rows and decisions reach far outside the transcripts' time, over several
 * ranges; and with no transcripts at all the cards are absent (the tabs show the hooks' data as
 * before) instead of reading every hook row.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { claudeCodeRouting, claudeCodeSkillCalls, claudeCodeToolCalls, predictionMatches, reconcileCalls } from '../../src/core/metrics';
import type { TimeRange } from '../../src/protocol';
import { memoryDb } from '../schema/helpers';

function prng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

const T0 = 1_790_000_000; // seconds
const TOOLS = ['Bash', 'Read', 'Edit', 'Skill'];

async function build(seed: number): Promise<Database> {
  const db = await memoryDb();
  db.run(`CREATE TABLE tool_events (id INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, tool TEXT NOT NULL, success INTEGER, session_id TEXT);
          CREATE TABLE skill_invocation (id INTEGER PRIMARY KEY, skill_name TEXT, invoked_at INTEGER, error_type TEXT, session_id TEXT);
          CREATE TABLE routing_metrics_events (id INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, predicted_model TEXT);
          CREATE TABLE claude_code_tool_calls (tool_use_id TEXT PRIMARY KEY, session_id TEXT, ts_ms INTEGER, tool TEXT, input_summary TEXT, is_error INTEGER, result_ts_ms INTEGER);
          CREATE TABLE claude_code_responses (message_id TEXT, ts_ms INTEGER NOT NULL, model TEXT, is_sidechain INTEGER NOT NULL DEFAULT 0);`);
  const r = prng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const sessions = ['s1', 's2', 's3', null];
  // transcripts cover two days in the middle of a 20-day hook history
  const ccFrom = T0 + 9 * 86400;
  for (let i = 0; i < 300; i++) {
    const start = (ccFrom + Math.floor(r() * 2 * 86400)) * 1000 + Math.floor(r() * 1000);
    const tool = pick(TOOLS);
    const end = r() < 0.9 ? start + Math.floor(r() * 8000) : null;
    db.run('INSERT INTO claude_code_tool_calls VALUES (?, ?, ?, ?, ?, ?, ?)', [`t${i}`, pick(sessions), start, tool, tool === 'Skill' ? `skill: ${pick(['deploy', 'review'])}` : null, r() < 0.2 ? 1 : 0, end]);
    // hook rows at the edges of a call's matching window (±2 s), just inside and just outside
    if (tool !== 'Skill' && r() < 0.3) {
      const edge = r() < 0.5 ? Math.floor((start - 2000 + Math.floor(r() * 1500)) / 1000) : Math.ceil(((end ?? start) + 1000 + Math.floor(r() * 1500)) / 1000);
      db.run('INSERT INTO tool_events (timestamp, tool, success, session_id) VALUES (?, ?, ?, ?)', [edge, tool, 1, pick(sessions)]);
    }
    // the hook saw some of them at the result's second
    if (end !== null && r() < 0.6) {
      if (tool === 'Skill') db.run('INSERT INTO skill_invocation (skill_name, invoked_at, error_type, session_id) VALUES (?, ?, ?, ?)', [pick(['deploy', 'review']), Math.floor(start / 1000), null, pick(sessions)]);
      else db.run('INSERT INTO tool_events (timestamp, tool, success, session_id) VALUES (?, ?, ?, ?)', [Math.floor(end / 1000), tool, r() < 0.5 ? 1 : 0, pick(sessions)]);
    }
  }
  // hook rows and decisions all over the 20 days
  for (let i = 0; i < 3000; i++) {
    const t = T0 + Math.floor(r() * 20 * 86400);
    db.run('INSERT INTO tool_events (timestamp, tool, success, session_id) VALUES (?, ?, ?, ?)', [t, pick(TOOLS.slice(0, 3)), r() < 0.3 ? null : r() < 0.7 ? 1 : 0, pick(sessions)]);
    if (i % 5 === 0) db.run('INSERT INTO skill_invocation (skill_name, invoked_at, error_type, session_id) VALUES (?, ?, ?, ?)', [pick(['deploy', 'review', 'lint']), t, r() < 0.2 ? 'boom' : null, pick(sessions)]);
    db.run('INSERT INTO routing_metrics_events (timestamp, predicted_model) VALUES (?, ?)', [t, pick(['haiku', 'sonnet', 'opus', null])]);
  }
  for (let i = 0; i < 400; i++) {
    const t = (ccFrom + Math.floor(r() * 2 * 86400)) * 1000;
    db.run('INSERT INTO claude_code_responses VALUES (?, ?, ?, ?)', [`m${i}`, t, pick(['claude-sonnet-4-5', 'claude-haiku-4-5', null]), r() < 0.2 ? 1 : 0]);
    // a decision shortly before some responses
    if (r() < 0.5) db.run('INSERT INTO routing_metrics_events (timestamp, predicted_model) VALUES (?, ?)', [Math.floor(t / 1000) - Math.floor(r() * 100), pick(['haiku', 'sonnet'])]);
  }
  return db;
}

const rows = (db: Database, sql: string, params: (number | string)[] = []) => {
  const r = db.exec(sql, params);
  return r.length ? r[0].values : [];
};

/** The plain rule: every row in the (padded) range read and matched one by one. */
function toolsOracle(db: Database, range: TimeRange, skills: boolean) {
  const lo = range.from === undefined ? -8.64e15 : range.from * 1000 - 60_000;
  const hi = range.to === undefined ? 8.64e15 : range.to * 1000 + 60_000;
  const nameSql = skills ? `CASE WHEN input_summary LIKE 'skill: %' THEN substr(input_summary, 8) ELSE COALESCE(input_summary, '') END` : 'tool';
  const transcript = rows(db, `SELECT ${nameSql}, session_id, ts_ms, result_ts_ms, is_error FROM claude_code_tool_calls WHERE tool IS NOT NULL AND ts_ms >= ? AND ts_ms < ? AND ${skills ? "tool = 'Skill'" : '1'}`, [lo, hi]).map((x) => ({
    name: String(x[0]),
    sessionId: x[1] === null ? null : String(x[1]),
    startMs: Number(x[2]),
    endMs: x[3] === null ? Number(x[2]) : Math.max(Number(x[2]), Number(x[3])),
    isError: x[4] === null ? null : Number(x[4]) === 1,
  }));
  const hookSql = skills
    ? `SELECT skill_name, session_id, invoked_at, CASE WHEN error_type IS NOT NULL AND error_type <> '' THEN 1 ELSE NULL END FROM skill_invocation WHERE skill_name IS NOT NULL AND invoked_at >= ? AND invoked_at < ?`
    : `SELECT tool, session_id, timestamp, CASE WHEN success IS NULL THEN NULL ELSE success = 0 END FROM tool_events WHERE tool IS NOT NULL AND timestamp >= ? AND timestamp < ?`;
  const hooks = rows(db, hookSql, [Math.floor(lo / 1000), Math.ceil(hi / 1000)]).map((x) => ({ name: String(x[0]), sessionId: x[1] === null ? null : String(x[1]), atMs: Number(x[2]) * 1000, isError: x[3] === null ? null : Number(x[3]) === 1 }));
  const out = new Map<string, { calls: number; transcript: number; hook: number; both: number; errors: number }>();
  for (const c of reconcileCalls(transcript, hooks)) {
    if ((range.from !== undefined && c.atMs < range.from * 1000) || (range.to !== undefined && c.atMs >= range.to * 1000)) continue;
    const r = out.get(c.name) ?? { calls: 0, transcript: 0, hook: 0, both: 0, errors: 0 };
    r.calls++;
    r[c.source]++;
    if (c.isError) r.errors++;
    out.set(c.name, r);
  }
  return out;
}

function routingOracle(db: Database, range: TimeRange) {
  const where = ['predicted_model IS NOT NULL'];
  const params: number[] = [];
  if (range.from !== undefined) (where.push('timestamp >= ?'), params.push(range.from));
  if (range.to !== undefined) (where.push('timestamp < ?'), params.push(range.to));
  const pairs = new Map<string, number>();
  let matched = 0;
  let agreed = 0;
  const decisions = rows(db, `SELECT timestamp, predicted_model FROM routing_metrics_events WHERE ${where.join(' AND ')}`, params);
  for (const [t, p] of decisions) {
    const at = Number(t) * 1000;
    const next = rows(db, 'SELECT model FROM claude_code_responses WHERE ts_ms >= ? AND ts_ms < ? AND is_sidechain = 0 AND model IS NOT NULL ORDER BY ts_ms, rowid LIMIT 1', [at, at + 120_000]);
    const used = next.length ? String(next[0][0]) : null;
    pairs.set(`${p}|${used}`, (pairs.get(`${p}|${used}`) ?? 0) + 1);
    if (used !== null) (matched++, predictionMatches(String(p), used) && agreed++);
  }
  return { decisions: decisions.length, matched, agreed, pairs };
}

test('reading only what can match gives what matching every row gives (tools, skills, routing; several ranges)', async () => {
  for (const seed of [1, 2, 3]) {
    const db = await build(seed);
    const ranges: TimeRange[] = [{}, { from: T0 + 9 * 86400 + 3600 }, { from: T0, to: T0 + 10 * 86400 }, { from: T0 + 10 * 86400 - 7, to: T0 + 10 * 86400 + 5 }, { from: T0 + 15 * 86400 }];
    for (const range of ranges) {
      const label = `seed ${seed} range ${JSON.stringify(range)}`;
      for (const skills of [false, true]) {
        const got = (skills ? claudeCodeSkillCalls : claudeCodeToolCalls)(db, range)!;
        const want = toolsOracle(db, range, skills);
        assert.deepEqual(new Map(got.rows.map((r) => [r.name, { calls: r.calls, transcript: r.transcript, hook: r.hook, both: r.both, errors: r.errors }])), want, `${label} ${skills ? 'skills' : 'tools'}`);
      }
      const routing = claudeCodeRouting(db, range)!;
      const want = routingOracle(db, range);
      assert.deepEqual(
        { decisions: routing.decisions, matched: routing.matched, agreed: routing.agreed, pairs: new Map(routing.pairs.map((p) => [`${p.predicted}|${p.used}`, p.count])) },
        want,
        `${label} routing`,
      );
    }
    db.close();
  }
});

test('without imported transcripts the Claude Code cards are absent', async () => {
  const db = await build(4);
  db.run('DELETE FROM claude_code_tool_calls; DELETE FROM claude_code_responses;');
  assert.equal(claudeCodeToolCalls(db, {}), undefined);
  assert.equal(claudeCodeSkillCalls(db, {}), undefined);
  assert.equal(claudeCodeRouting(db, {}), undefined);
  db.close();
});
