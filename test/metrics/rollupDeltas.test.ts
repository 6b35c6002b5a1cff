/**
 * Rollups summed in JS as ingest inserts rows (rollupDeltas.ts) must equal a full SQL rebuild,
 * and must step aside (SQL refresh) whenever JS could not reproduce SQL exactly.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { SqlDatabase as Database, SqlValue } from '../../src/core/db/database';
import { openSnapshot } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { migrateSources } from '../../src/core/ingest';
import { getOverview, refreshRollups } from '../../src/core/metrics';
import { histogramKeyTwin } from '../../src/core/rollups/histogramKeyTwin';
import { histogramKeySql } from '../../src/core/rollups/percentile';
import { RunRollupDeltas } from '../../src/core/rollups/deltas';
import { listEventTables, type TouchedRange } from '../../src/core/rollups/refresh';
import { specsWithTwins } from '../../src/core/rollups/twins';
import { appendTelemetryLines, generateTelemetry } from '../../src/sample';
import { at, fixtureDatabase } from './fixture';
import { rebuiltCopy, rollupContents } from './helpers';


async function assertEqualsRebuild(db: Database): Promise<void> {
  const copy = await rebuiltCopy(db);
  assert.deepEqual(rollupContents(db), rollupContents(copy));
  copy.close();
}

const PROVENANCE = new Set(['id', 'source_id', 'source_line', 'extra', 'stream_id', 'row_hash', 'row_seq']);

/** Inserts rows the way ingest does (data columns, then extra) and feeds them to the run's deltas. */
function ingestLike(db: Database, run: RunRollupDeltas, table: string, rows: Record<string, SqlValue>[], touched: TouchedRange[]): void {
  const cols = db.exec(`SELECT name FROM pragma_table_info('${table}')`)[0].values.map((r) => String(r[0])).filter((c) => !PROVENANCE.has(c));
  const et = listEventTables(db).find((t) => t.name === table)!;
  const deltas = run.begin(et, cols);
  let hash = Number(db.exec(`SELECT coalesce(max(row_hash), 0) + 1 FROM "${table}"`)[0].values[0][0]);
  const insert = db.prepare(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(', ')}, row_hash, row_seq, stream_id) VALUES (${cols.map(() => '?').join(', ')}, ?, 1, 7)`);
  let lo = Infinity;
  let hi = -Infinity;
  for (const row of rows) {
    const vals: SqlValue[] = [...cols.map((c) => row[c] ?? null), null];
    insert.run([...vals.slice(0, cols.length), hash++]);
    deltas.add(vals, 0);
    const ts = row[et.tsColumn!] as number;
    lo = Math.min(lo, ts);
    hi = Math.max(hi, ts);
  }
  insert.free();
  run.commit(deltas);
  touched.push({ table, minTs: lo, maxTs: hi });
}

function randomRows(seed: number, n: number) {
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const ts = () => at(0, 0) + Math.floor(rand() * 120 * 86400) + (rand() < 0.2 ? 0.25 : 0);
  const maybe = <T>(v: T) => (rand() < 0.15 ? null : v);
  const routing = Array.from({ length: n }, () => ({
    timestamp: ts(),
    predicted_model: maybe(pick(['haiku', 'sonnet', 'opus'])),
    actual_model: maybe(pick(['haiku', 'sonnet', 'opus'])),
    accuracy: maybe(pick([0, 1])),
    dq_score: maybe(pick([0, 0.05, 0.35, 0.999, 1, 1.2, -0.1, Math.round(rand() * 1000) / 1000])),
    cost_saved: maybe(Math.round(rand() * 1e4) / 1e5),
    latency_ms: maybe(pick([2.5, 2.51, 1500, 0.012, 99.96, 7.77e9, -40, Math.round(rand() * 5000) / 10])),
  }));
  const skills = Array.from({ length: n }, () => ({
    skill_name: pick(['deploy', 'review', 'lint']),
    invoked_at: ts(),
    completed: pick([0, 1, 1]),
    duration_seconds: maybe(Math.round(rand() * 900) / 10),
    workflow_path: maybe(pick(['daily', 'hotfix'])),
    session_id: maybe(pick(['s1', 's2', 's3', 's4'])),
    follow_up_actions: maybe(pick(['["git push"]', '["git commit","git push"]', 'run tests'])),
    error_type: maybe(pick(['timeout', 'crash'])),
  }));
  const tools = Array.from({ length: n }, () => ({ timestamp: ts(), tool: pick(['Bash', 'Read', 'Edit']), success: maybe(pick([0, 1])) }));
  const selfHeal = Array.from({ length: n }, () => ({ timestamp: ts(), error_pattern: pick(['oom', 'lock']), success: pick([0, 1]), execution_time_ms: maybe(Math.floor(rand() * 4000)) }));
  const recovery = Array.from({ length: n }, () => ({ timestamp: ts(), error_type: pick(['net', 'disk']), recovery_strategy: pick(['retry', 'restart']), success: pick([0, 1]), attempts: maybe(pick([1, 2, 3])), time_to_recover_ms: maybe(Math.floor(rand() * 90000)) }));
  return { routing, skills, tools, selfHeal, recovery };
}

describe('rollups summed as rows are inserted', () => {
  test('every twin-backed spec: JS sums merged into existing rollups equal a full rebuild', async () => {
    assert.ok(specsWithTwins().length >= 12, 'most specs have a JS twin');
    const db = await fixtureDatabase();
    getOverview(db, {}); // rollups caught up with the fixture (existing buckets get merged into)
    for (const [round, seed] of [[0, 11], [1, 12]] as const) {
      const r = randomRows(seed, 400 + round * 100);
      const run = new RunRollupDeltas(db);
      const touched: TouchedRange[] = [];
      // two streams into one table: their sums are merged
      ingestLike(db, run, 'routing_metrics_events', r.routing.slice(0, 150), touched);
      ingestLike(db, run, 'routing_metrics_events', r.routing.slice(150), touched);
      ingestLike(db, run, 'skill_invocation', r.skills, touched);
      ingestLike(db, run, 'tool_events', r.tools, touched);
      ingestLike(db, run, 'self_heal_events', r.selfHeal, touched);
      ingestLike(db, run, 'recovery_events', r.recovery, touched);
      const summary = refreshRollups(db, touched, run);
      assert.deepEqual(summary.summed.sort(), ['recovery_events', 'routing_metrics_events', 'self_heal_events', 'skill_invocation', 'tool_events']);
      await assertEqualsRebuild(db);
    }
  });

  test('values JS might read differently leave the table to SQL, still exact', async () => {
    const cases: [string, Record<string, SqlValue>][] = [
      ['text in a REAL column (affinity converts it)', { latency_ms: '120' }],
      ['number in a TEXT dimension', { predicted_model: 42 }],
      ['latency below the histogram range (round(x, 8) path)', { latency_ms: 3e-7 }],
      ['timestamp with a fraction far from the hour', { timestamp: at(3, 5) + 0.5 }],
    ];
    for (const [what, patch] of cases) {
      const db = await fixtureDatabase();
      getOverview(db, {});
      const run = new RunRollupDeltas(db);
      const touched: TouchedRange[] = [];
      const rows = randomRows(5, 50).routing;
      rows[17] = { ...rows[17], ...patch };
      ingestLike(db, run, 'routing_metrics_events', rows, touched);
      const summary = refreshRollups(db, touched, run);
      const fractionOnly = what.startsWith('timestamp');
      assert.equal(summary.summed.includes('routing_metrics_events'), fractionOnly, what);
      await assertEqualsRebuild(db);
    }
  });

  test('rows another program wrote since the last refresh: the sums are not trusted, the table is refreshed by SQL', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-deltas-'));
    const file = path.join(dir, 'telemetry.db');
    try {
      const db0 = await fixtureDatabase();
      getOverview(db0, {});
      fs.writeFileSync(file, db0.export());
      execFileSync('python3', [
        '-c',
        `import sqlite3,sys
c=sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO tool_events(timestamp,tool,success,row_hash,row_seq) VALUES (?, 'Bash', 0, 990001, 1)", (${at(4, 2)},))
c.commit()`,
        file,
      ]);
      const SQL = await loadSqlJs();
      const db = new SQL.Database(fs.readFileSync(file));
      const run = new RunRollupDeltas(db);
      const touched: TouchedRange[] = [];
      ingestLike(db, run, 'tool_events', randomRows(9, 30).tools, touched);
      const summary = refreshRollups(db, touched, run);
      assert.ok(summary.scanned.includes('tool_events'));
      await assertEqualsRebuild(db);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('histogram key twin = histogramKeySql bit for bit (boundaries, halves, signs)', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    const key = histogramKeyTwin(db);
    const values = [0, 1, 2.5, 2.49, 2.51, 5, 4.975, 4.985, 9.95, 9.99, 10, 0.0025, 0.00999, 1e-6, 1.01e-6, 999.5, 1000.5, 12345.678, 7.77e9, 5e11, 1e15];
    for (let i = 0; i < 2000; i++) values.push((((i * 7919) % 10007) / 97) * 10 ** ((i % 15) - 6));
    const stmt = db.prepare(`SELECT ${histogramKeySql('x')} FROM (SELECT ? AS x)`);
    for (const v of [...values, ...values.map((x) => -x)]) {
      stmt.bind([v]);
      stmt.step();
      const sql = stmt.get()[0] as number;
      stmt.reset();
      const js = key(v);
      if (js !== null) assert.equal(js, sql, `key(${v})`);
      else assert.ok(Math.abs(v) < 1e-6 && v !== 0, `${v}: JS defers only below 1e-6`);
    }
    stmt.free();
    db.close();
  });
});

describe('migrate keeps rollups exact through the JS sums', () => {
  test('sample corpus, then appends and a reordered rewrite: rollups equal a full rebuild after each run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-deltas-migrate-'));
    const dbPath = path.join(dir, 'telemetry.db');
    const now = Date.UTC(2026, 0, 20);
    try {
      const corpus = generateTelemetry({ outDir: dir, eventsPerSource: 120, seed: 3, now });
      const check = async () => {
        const snap = await openSnapshot(dbPath);
        try {
          await assertEqualsRebuild(snap);
        } finally {
          snap.close();
        }
      };
      await migrateSources(dbPath, [corpus.root], { tz: 'UTC' });
      await check();
      // appends (the fast path) to a few live files
      for (const kind of ['routing-metrics', 'skill-invocations', 'tool-usage']) {
        const f = corpus.files.find((x) => x.kind === kind && x.pending === 0 && !/\.\d+$/.test(x.path));
        if (f) appendTelemetryLines(f.path, kind, 25, { seed: 77, now: now + 3600_000 });
      }
      const second = await migrateSources(dbPath, [corpus.root], { tz: 'UTC' });
      assert.ok(second.sources.reduce((s, r) => s + r.inserted, 0) > 0);
      await check();
      // a rewrite with reordered lines plus one new line (full re-read, identity lookups)
      const routing = corpus.files.find((x) => x.kind === 'routing-metrics' && x.pending === 0)!;
      const lines = fs.readFileSync(routing.path, 'utf8').split('\n').filter(Boolean).reverse();
      fs.writeFileSync(routing.path, lines.join('\n') + '\n');
      appendTelemetryLines(routing.path, 'routing-metrics', 3, { seed: 78, now: now + 7200_000 });
      const third = await migrateSources(dbPath, [corpus.root], { tz: 'UTC' });
      assert.equal(third.sources.find((s) => s.path === routing.path)?.inserted, 3);
      await check();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
