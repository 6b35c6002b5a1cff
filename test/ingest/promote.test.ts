/**
 * Promotion of an inferred table to a known source (issue 10, src/core/ingest/promote.ts). A
 * database is built by today's code path — the file unknown, imported as an inferred table,
 * through appends, a rotation whose old file is then deleted (rows whose lines are gone) and a
 * row another program wrote — then the catalogue learns the file and migrate runs again. Exact
 * counts, the other program's row kept, every column kept, and the stream's rows equal to those of
 * a database that knew the source from the start. Kill -9 at random moments of the promoting run:
 * a re-run is exact. Runs on the engine TL_ENGINE names (the suite runs under wasm and native).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { auditSources, discoverSources, migrateSources, verifySources, type MigrateResult } from '../../src/core/ingest';
import { openSnapshot } from '../../src/core/db/database';
import { getDataSources } from '../../src/core/metrics/dataSources';
import { forgetWidgetSource, learnWidgetSource } from './promoteFixture';
import { lines, pyCount, pyQuery, tempDir } from './helpers';

const T0 = 1769423127;
const repoRoot = path.resolve(__dirname, '..', '..');
/** The Data Sources view's `knownFormat` of a table. */
async function knownFormat(db: string, table: string): Promise<boolean | undefined> {
  const snap = await openSnapshot(db);
  try {
    return getDataSources(snap).sources.find((s) => s.table === table)?.knownFormat;
  } finally {
    snap.close();
  }
}
const sum = (r: MigrateResult, k: 'inserted' | 'present' | 'rejected' | 'blank') => r.sources.reduce((n, s) => n + s[k], 0);

function python(script: string, ...args: string[]): string {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout;
}

/** The stream rows as content + identity (stream ids and row ids differ between databases). */
function streamRows(db: string): string[] {
  return pyQuery<Record<string, unknown>>(db, `SELECT timestamp, widget, size, ok, note, extra, row_hash, row_seq FROM widget_events WHERE stream_id <> 0`)
    .map((r) => JSON.stringify(r))
    .sort();
}

/**
 * The same life of one stream; the catalogue learns the file before `learnAt` (0 = from the start).
 * Steps: 1 first import; 2 rotation (the file moves to .1, a new file starts); 3 the rotated file is
 * deleted (its rows stay, their lines are gone); 4 an append, and the run that promotes.
 */
async function life(dir: string, learnAt: number, onStep?: (step: number, r: MigrateResult) => void): Promise<{ db: string; logs: string }> {
  const logs = path.join(dir, 'logs');
  const db = path.join(dir, 'telemetry.db');
  const file = path.join(logs, 'widget_events.jsonl');
  fs.mkdirSync(logs, { recursive: true });
  const run = async (step: number) => {
    if (step >= learnAt) learnWidgetSource();
    else forgetWidgetSource();
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    onStep?.(step, r);
    return r;
  };
  fs.writeFileSync(
    file,
    lines(
      { ts: T0, widget: 'a', size: 1, ok: true, color: 'red' },
      { ts: T0, widget: 'a', size: 1, ok: true, color: 'red' }, // a genuine identical event
      { ts: T0 + 1, name: 'b', size: 2, success: false },
      { ts: '2026-01-26T10:25:29Z', widget: 'c', note: 'n' },
    ),
  );
  await run(1);
  fs.renameSync(file, file + '.1');
  fs.writeFileSync(file, lines({ ts: T0, widget: 'a', size: 1, ok: true, color: 'red' }, { ts: T0 + 5, widget: 'd', meta: { x: 1 }, tags: ['p', 'q'] }) + '\n{not json\n');
  await run(2);
  fs.rmSync(file + '.1');
  await run(3);
  fs.appendFileSync(file, lines({ ts: T0 + 9, widget: 'e', size: 9 }));
  await run(4);
  return { db, logs };
}

describe('promotion of an inferred table to a known source', () => {
  after(() => forgetWidgetSource());

  test('a database made as inferred: the next migrate adopts the stream exactly', async () => {
    const dir = tempDir('promote');
    const results = new Map<number, MigrateResult>();
    let directId = 0;
    const { db, logs } = await life(dir, 4, (step, r) => {
      results.set(step, r);
      if (step === 1) {
        assert.equal(r.sources[0].kind, 'inferred', "today's code path: the file is unknown");
        // another program writes into the inferred table (it must give the identity columns: NOT NULL there)
        directId = Number(python(`import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\ncur=c.execute("INSERT INTO widget_events (timestamp, widget, color, row_hash, row_seq) VALUES (?, 'hook', 'blue', 777, 1)", (${T0 + 3},))\nc.commit()\nprint(cur.lastrowid)`, path.join(dir, 'telemetry.db')));
      }
    });
    assert.equal(sum(results.get(3)!, 'inserted'), 0);
    const promoting = results.get(4)!;
    assert.deepEqual(
      promoting.promoted?.map((p) => [p.kind, p.fromTable, p.toTable, p.fromLines, p.fromStored]),
      [['widget-events', 'widget_events', 'widget_events', 2, 4]],
      'two rows pair with lines on disk, four are mapped from their stored record (their file is gone)',
    );
    const s = promoting.sources[0];
    assert.deepEqual([s.kind, s.table, s.lines, s.inserted, s.present, s.rejected, s.blank], ['widget-events', 'widget_events', 5, 1, 2, 1, 1]);
    // no line lost, none twice: 4 rows of the deleted rotation + 2 lines of the file + the append + the other program's row
    assert.equal(pyCount(db, 'widget_events'), 8);
    assert.equal(pyCount(db, 'widget_events', 'stream_id <> 0'), 7);
    assert.equal(pyQuery(db, 'SELECT count(*) AS n FROM (SELECT 1 FROM widget_events GROUP BY stream_id, row_hash, row_seq HAVING count(*) > 1)')[0].n, 0);
    // the other program's row: untouched
    assert.deepEqual(pyQuery(db, `SELECT stream_id, widget, color, row_hash, row_seq FROM widget_events WHERE id = ${directId}`), [{ stream_id: 0, widget: 'hook', color: 'blue', row_hash: 777, row_seq: 1 }]);
    // additive: the inferred columns stay (with their values), the catalogue's are added, with its indexes
    const cols = pyQuery<{ name: string }>(db, `SELECT name FROM pragma_table_info('widget_events')`).map((c) => c.name);
    for (const c of ['color', 'name', 'success', 'meta', 'tags', 'widget', 'size', 'ok', 'note']) assert.ok(cols.includes(c), c);
    assert.equal(pyCount(db, 'widget_events', `color = 'red'`), 3, 'values of inferred columns are kept');
    const idx = pyQuery<{ name: string }>(db, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'widget_events'`).map((r) => r.name);
    for (const i of ['ux_widget_events_identity', 'idx_widget_events_timestamp', 'idx_widget_events_widget']) assert.ok(idx.includes(i), i);
    // the catalogue's mapping: aliases, booleans, extra
    assert.deepEqual(pyQuery(db, `SELECT widget, ok, extra FROM widget_events WHERE widget = 'b'`), [{ widget: 'b', ok: 0, extra: null }]);
    assert.deepEqual(pyQuery(db, `SELECT extra FROM widget_events WHERE widget = 'd'`), [{ extra: '{"meta":{"x":1},"tags":["p","q"]}' }]);
    // the ledger: the stream is known now, and the next run reads only appends
    assert.deepEqual(pyQuery(db, `SELECT kind, table_name FROM ingest_streams`), [{ kind: 'widget-events', table_name: 'widget_events' }]);
    const again = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.deepEqual([sum(again, 'inserted'), sum(again, 'present'), again.promoted], [0, 3, undefined]);
    const v = await verifySources(db, [logs], { tz: 'UTC' });
    assert.equal(v.ok, true, JSON.stringify(v.sources));
    const audit = await auditSources([logs], { tz: 'UTC', dbPath: db });
    assert.equal(audit.sources[0].newLines, 0);
    // a known source's table takes the users' inserts of its documented columns (writer contract):
    // the inferred table's NOT NULL identity columns were relaxed by the promotion (rows and ids kept)
    assert.deepEqual(pyQuery(db, `SELECT name, "notnull" FROM pragma_table_info('widget_events') WHERE name IN ('row_hash', 'row_seq') ORDER BY name`), [
      { name: 'row_hash', notnull: 0 },
      { name: 'row_seq', notnull: 0 },
    ]);
    const hookId = Number(python(`import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\ncur=c.execute("INSERT INTO widget_events (timestamp, widget) VALUES (${T0 + 50}, 'hook2')")\nc.commit()\nprint(cur.lastrowid)`, db));
    await migrateSources(db, [logs], { tz: 'UTC' });
    assert.deepEqual(pyQuery(db, `SELECT stream_id, row_hash IS NOT NULL AS has_identity, (SELECT count(*) FROM direct_rows WHERE table_name = 'widget_events' AND row_id = ${hookId}) AS listed FROM widget_events WHERE id = ${hookId}`), [
      { stream_id: 0, has_identity: 1, listed: 1 },
    ]);

    // as if the source had been known from the start: same rows, same identities
    const scratch = await life(tempDir('promote-scratch'), 0);
    assert.deepEqual(streamRows(db), streamRows(scratch.db));
    assert.equal(pyCount(db, 'widget_events'), 9);
    assert.equal(await knownFormat(db, 'widget_events'), true, 'the Data Sources view calls it a known format now');
  });

  test('a stream whose records lack the catalogue shape stays inferred (nothing becomes a reject)', async () => {
    const dir = tempDir('promote-misfit');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 'telemetry.db');
    const file = path.join(logs, 'widget_events.jsonl');
    fs.mkdirSync(logs);
    fs.writeFileSync(file, lines({ ts: T0, tool: 'Bash', decision: 'allow' }, { ts: T0 + 1, tool: 'Read', decision: 'deny' }));
    forgetWidgetSource();
    await migrateSources(db, [logs], { tz: 'UTC' });
    const before = pyQuery(db, 'SELECT * FROM widget_events ORDER BY id');
    learnWidgetSource();
    fs.appendFileSync(file, lines({ ts: T0 + 2, tool: 'Edit', decision: 'allow' }));
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal(r.promoted, undefined);
    assert.deepEqual([r.sources[0].kind, r.sources[0].inserted, r.sources[0].present, r.sources[0].rejected], ['inferred', 1, 2, 0]);
    assert.deepEqual(pyQuery(db, 'SELECT * FROM widget_events ORDER BY id LIMIT 2'), before);
    assert.equal((await verifySources(db, [logs], { tz: 'UTC' })).ok, true);
    assert.equal(await knownFormat(db, 'widget_events'), false);
    // the refusal costs one row per run and writes nothing: a run with nothing new leaves the file as it was
    const st = fs.statSync(db);
    const idle = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.deepEqual([idle.sources[0].kind, idle.sources[0].inserted], ['inferred', 0]);
    const st2 = fs.statSync(db);
    assert.deepEqual([st2.ino, st2.mtimeMs, st2.size], [st.ino, st.mtimeMs, st.size]);
    // a new stream of the known name in that other shape is inferred from its first run too
    const other = path.join(dir, 'other');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'widget_events.jsonl'), lines({ ts: T0, tool: 'Bash', decision: 'allow' }));
    const fresh = await migrateSources(path.join(dir, 'fresh.db'), [other], { tz: 'UTC' });
    assert.deepEqual([fresh.sources[0].kind, fresh.sources[0].table, fresh.sources[0].inserted, fresh.sources[0].rejected], ['inferred', 'widget_events', 1, 0]);
    // and one in the catalogue's shape is known, in a table made from the catalogue entry
    const known = path.join(dir, 'known');
    fs.mkdirSync(known);
    fs.writeFileSync(path.join(known, 'widget_events.jsonl'), lines({ ts: T0, widget: 'a', ok: 'true' }));
    const k = await migrateSources(path.join(dir, 'known.db'), [known], { tz: 'UTC' });
    assert.deepEqual([k.sources[0].kind, k.sources[0].inserted], ['widget-events', 1]);
    assert.deepEqual(pyQuery(path.join(dir, 'known.db'), 'SELECT widget, ok FROM widget_events'), [{ widget: 'a', ok: 1 }]);
    // excludes: a known name is always read, but one in another program's shape is excluded like any unknown file
    const found = await discoverSources([dir], { exclude: ['**/logs', '**/other', '**/known'] });
    assert.deepEqual([found.sources.map((x) => path.basename(path.dirname(x.path))), found.excludedFiles], [['known'], 2]);
  });

  test('kill -9 at random moments of the promoting run: a re-run gives exact counts and identities', async () => {
    const TRIALS = Number(process.env.TL_KILL_TRIALS ?? 6);
    const N = 20_000;
    const dir = tempDir('promote-kill');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const rec = (i: number) => ({ ts: T0 + (i % 5000), widget: `w${i % 300}`, size: i % 7, ok: i % 2 === 0, color: i % 3 ? 'red' : 'green' });
    fs.writeFileSync(path.join(logs, 'widget_events.jsonl'), lines(...Array.from({ length: N }, (_, i) => rec(i))));
    const base = path.join(dir, 'inferred.db');
    forgetWidgetSource();
    await migrateSources(base, [logs], { tz: 'UTC' });
    assert.equal(pyCount(base, 'widget_events'), N);
    // the database a source known from the start gives (identities to compare with)
    learnWidgetSource();
    const scratch = path.join(dir, 'scratch.db');
    await migrateSources(scratch, [logs], { tz: 'UTC' });
    const expected = streamRows(scratch);
    const child = path.join(dir, 'promote-child.ts');
    fs.writeFileSync(
      child,
      `import { learnWidgetSource } from ${JSON.stringify(path.join(repoRoot, 'test/ingest/promoteFixture'))};
import { migrateSources } from ${JSON.stringify(path.join(repoRoot, 'src/core/ingest'))};
learnWidgetSource();
migrateSources(process.argv[2], [process.argv[3]], { tz: 'UTC' }).then((r) => process.stdout.write(JSON.stringify({ promoted: r.promoted?.length ?? 0 })));
`,
    );
    const runChild = (db: string, killAfterMs: number | null): Promise<{ killed: boolean; ms: number }> =>
      new Promise((resolve) => {
        const started = Date.now();
        const p = spawn(process.execPath, ['--import', 'tsx', child, db, logs], { cwd: repoRoot, stdio: 'ignore', env: process.env });
        const timer = killAfterMs === null ? null : setTimeout(() => p.kill('SIGKILL'), killAfterMs);
        p.on('exit', (code, signal) => {
          if (timer) clearTimeout(timer);
          resolve({ killed: signal === 'SIGKILL' || code !== 0, ms: Date.now() - started });
        });
      });
    const copyDb = (to: string) => {
      for (const side of ['', '-wal', '-shm']) if (fs.existsSync(base + side)) fs.copyFileSync(base + side, to + side);
    };
    const probeDb = path.join(dir, 'probe.db');
    copyDb(probeDb);
    const probe = await runChild(probeDb, null);
    assert.equal(probe.killed, false);
    assert.deepEqual(pyQuery(probeDb, 'SELECT kind FROM ingest_streams'), [{ kind: 'widget-events' }], 'the uninterrupted run promotes');
    let killed = 0;
    const states = { inferred: 0, promoted: 0 };
    for (let t = 0; t < TRIALS; t++) {
      const db = path.join(dir, `t${t}.db`);
      copyDb(db);
      // spread over the run and a little beyond (start-up times vary): some kills land after the write
      const out = await runChild(db, Math.floor(((t + 0.5) / TRIALS) * probe.ms * 1.2));
      if (out.killed) killed++;
      assert.equal(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])`, db).trim(), 'ok', `trial ${t}: integrity`);
      // after the kill: the stream is either still inferred with every row, or promoted with every row
      const kind = pyQuery<{ kind: string }>(db, 'SELECT kind FROM ingest_streams')[0].kind;
      assert.ok(['inferred', 'widget-events'].includes(kind));
      states[kind === 'inferred' ? 'inferred' : 'promoted']++;
      assert.equal(pyCount(db, 'widget_events'), N, `trial ${t}: rows after the kill (${kind})`);
      learnWidgetSource();
      const r = await migrateSources(db, [logs], { tz: 'UTC' });
      assert.deepEqual([r.sources[0].kind, r.sources[0].inserted, r.sources[0].present], ['widget-events', 0, N], `trial ${t}`);
      assert.equal(pyCount(db, 'widget_events'), N);
      assert.deepEqual(streamRows(db), expected, `trial ${t}: identities as if known from the start`);
    }
    console.log(`promotion kills: ${killed} of ${TRIALS} runs killed (uninterrupted run ${probe.ms} ms, engine ${process.env.TL_ENGINE ?? 'auto'}); state found after the kill: ${states.inferred} still inferred, ${states.promoted} promoted`);
    assert.ok(killed > 0, 'some kills landed inside the run');
  });
});
