/**
 * Two machines' databases into one real PostgreSQL: synced, re-synced, appended (JSONL + rows a
 * hook wrote straight into SQLite + a new key in an inferred table), synced again — exact counts
 * per machine and table, nothing twice, identical events of two machines both kept, the password
 * never printed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { appendTelemetryLines, generateTelemetry } from '../../src/sample';
import { startPgCluster, type PgCluster } from './pgCluster';
import { cli, localDigest, python, pyQuery, rowCounts, tempDir, type TableDigest } from './helpers';

const NOW = Date.UTC(2026, 10, 20, 12);

describe('sync: two machines', () => {
  let pg: PgCluster;
  let dir: string;
  before(async () => {
    pg = await startPgCluster();
    dir = tempDir('two');
  });
  after(() => {
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The same digest as localDigest, over the team's rows of one machine (one psql call). */
  function teamDigest(machine: string): Record<string, TableDigest> {
    const tables = pg.psql(`SELECT table_name FROM team_tables WHERE kind = 'event' ORDER BY 1`).trim().split('\n').filter(Boolean);
    const sql = tables
      .map((t) => `SELECT '${t}', count(*), coalesce(sum(id), 0), coalesce(string_agg(stream_id || ':' || coalesce(row_hash::text, '') || ':' || row_seq, ',' ORDER BY id), '') FROM "${t}" WHERE machine = '${machine}'`)
      .join(' UNION ALL ');
    const out: Record<string, TableDigest> = {};
    for (const line of pg.psql(sql).trim().split('\n')) {
      const [t, n, idSum, identities] = line.split('|');
      if (Number(n) > 0) out[t] = { rows: Number(n), idSum: Number(idSum), identities };
    }
    return out;
  }

  /** The team's rows of `machine` are the local rows, one for one: same ids, same content identities. */
  function assertSameRows(db: string, machine: string): Record<string, TableDigest> {
    const local = localDigest(db);
    assert.deepEqual(teamDigest(machine), local);
    return local;
  }

  test('synced, re-synced, appended and synced again: exact per machine and table', async () => {
    // two machines with the same telemetry (same generator seed and clock): identical events
    const srcA = path.join(dir, 'a');
    const srcB = path.join(dir, 'b');
    generateTelemetry({ outDir: srcA, eventsPerSource: 60, seed: 5, now: NOW });
    generateTelemetry({ outDir: srcB, eventsPerSource: 60, seed: 5, now: NOW });
    const dbA = path.join(dir, 'a.db');
    const dbB = path.join(dir, 'b.db');
    assert.equal((await cli('migrate', '--db', dbA, srcA)).code, 0);
    assert.equal((await cli('migrate', '--db', dbB, srcB)).code, 0);
    assert.deepEqual(rowCounts(localDigest(dbA)), rowCounts(localDigest(dbB)));

    const first = await cli('sync', '--db', dbA, '--to', pg.url, '--machine', 'alpha', '--json');
    assert.equal(first.code, 0, first.err);
    const firstJson = JSON.parse(first.out);
    assert.equal(firstJson.validation.ok, true);
    assert.deepEqual(firstJson.migrations.applied, ['V1__team_core']);
    assert.equal((await cli('sync', '--db', dbB, '--to', pg.url, '--machine', 'beta')).code, 0);
    const initial = assertSameRows(dbA, 'alpha');
    assertSameRows(dbB, 'beta');

    // re-sync: nothing sent, nothing added
    const again = JSON.parse((await cli('sync', '--db', dbA, '--to', pg.url, '--machine', 'alpha', '--json')).out);
    for (const t of again.tables.filter((x: { kind: string }) => x.kind === 'event')) assert.deepEqual([t.table, t.sent, t.inserted], [t.table, 0, 0]);
    assert.equal((await cli('sync', '--db', dbB, '--to', pg.url, '--machine', 'beta')).code, 0);
    assert.deepEqual(teamDigest('alpha'), initial);

    // append: 7 JSONL events on alpha (incremental: exactly 7 sent) ...
    const routing = path.join(srcA, '.claude', 'data', 'routing-metrics.jsonl');
    appendTelemetryLines(routing, 'routing-metrics', 7, { seed: 99, now: NOW + 3600_000 });
    const perm = path.join(srcA, '.claude', 'logs', 'permission_events.jsonl');
    fs.appendFileSync(perm, JSON.stringify({ timestamp: '2026-11-20T13:00:00Z', tool: 'Bash', decision: 'allow', risk_level: 'high' }) + '\n');
    assert.equal((await cli('migrate', '--db', dbA, srcA)).code, 0);
    // ... and on beta, rows a hook wrote straight into SQLite (python3 sqlite3), one with text in an INTEGER column
    const hashNullable = pyQuery<{ notnull: number }>(dbB, `SELECT "notnull" FROM pragma_table_info('tool_events') WHERE name = 'row_hash'`)[0].notnull === 0;
    python(
      `
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
nullable = sys.argv[2] == '1'
for i, (ts, tool, ec) in enumerate([(1795600000, 'Bash', 0), (1795600060, 'Edit', 'n/a'), (1795600120, 'Bash', 0)]):
    if nullable:
        con.execute("INSERT INTO tool_events (timestamp, tool, exit_code) VALUES (?, ?, ?)", (ts, tool, ec))
    else:  # the schema still asks hooks for identity values: give placeholders, as a hook would have to
        con.execute("INSERT INTO tool_events (timestamp, tool, exit_code, row_hash, row_seq) VALUES (?, ?, ?, 0, ?)", (ts, tool, ec, 1000 + i))
con.commit()
`,
      dbB,
      hashNullable ? '1' : '0',
    );
    const a2 = JSON.parse((await cli('sync', '--db', dbA, '--to', pg.url, '--machine', 'alpha', '--json')).out);
    const routingResult = a2.tables.find((t: { table: string }) => t.table === 'routing_metrics_events');
    assert.equal(routingResult.sent, 7);
    assert.equal(routingResult.inserted, 7);
    assert.equal(a2.tables.find((t: { table: string }) => t.table === 'permission_events').sent, 1);
    const b2 = JSON.parse((await cli('sync', '--db', dbB, '--to', pg.url, '--machine', 'beta', '--json')).out);
    const toolResult = b2.tables.find((t: { table: string }) => t.table === 'tool_events');
    assert.deepEqual([toolResult.sent, toolResult.inserted, toolResult.keptInExtra], [3, 3, 1]);
    assert.equal(b2.validation.ok, true);

    const afterA = assertSameRows(dbA, 'alpha');
    const afterB = assertSameRows(dbB, 'beta');
    assert.equal(afterA.routing_metrics_events.rows, initial.routing_metrics_events.rows + 7);
    assert.equal(afterB.tool_events.rows, initial.tool_events.rows + 3);
    // identical events of the two machines: both kept
    const both = pg.psql(`SELECT count(*) FROM (SELECT row_hash FROM routing_metrics_events WHERE row_hash IN (SELECT row_hash FROM routing_metrics_events WHERE machine = 'alpha' INTERSECT SELECT row_hash FROM routing_metrics_events WHERE machine = 'beta') GROUP BY row_hash, row_seq, stream_id HAVING count(DISTINCT machine) = 2) x`).trim();
    assert.equal(Number(both), initial.routing_metrics_events.rows, 'identical events of the two machines: both kept');
    // the new inferred column arrived, with its value; the misfit kept in extra
    assert.equal(pg.psql(`SELECT risk_level FROM permission_events WHERE machine = 'alpha' AND risk_level IS NOT NULL`).trim(), 'high');
    assert.equal(pg.psql(`SELECT extra->>'exit_code_as_stored' FROM tool_events WHERE machine = 'beta' AND extra ? 'exit_code_as_stored'`).trim(), 'n/a');
    // JSONB + GIN index on extra, BRIN on time
    const idx = pg.psql(`SELECT indexdef FROM pg_indexes WHERE tablename = 'routing_metrics_events' ORDER BY 1`);
    assert.match(idx, /USING gin \(extra jsonb_path_ops\)/);
    assert.match(idx, /USING brin \("timestamp"\)/);
    assert.equal(pg.psql(`SELECT data_type FROM information_schema.columns WHERE table_name = 'self_heal_events' AND column_name = 'context'`).trim(), 'jsonb');
  });

  test('a lost watermark: everything is sent again through staging + ON CONFLICT, nothing is added', async () => {
    const db = path.join(dir, 'a.db');
    const before = localDigest(db);
    pg.psql(`UPDATE team_watermarks SET last_id = 0 WHERE machine = 'alpha'`);
    const r = await cli('sync', '--db', db, '--to', pg.url, '--machine', 'alpha', '--json', '--batch-rows', '100');
    assert.equal(r.code, 0, r.err);
    const json = JSON.parse(r.out);
    for (const t of json.tables.filter((x: { kind: string }) => x.kind === 'event')) {
      assert.equal(t.sent, before[t.table]?.rows ?? 0, t.table);
      assert.equal(t.inserted, 0, t.table);
    }
    assert.deepEqual(teamDigest('alpha'), before);
  });

  test('a mismatch (rows deleted locally after a sync) exits 1 naming table and day', async () => {
    const db = path.join(dir, 'a.db');
    const victim = pyQuery<{ id: number; day: string }>(db, `SELECT id, date(timestamp, 'unixepoch') AS day FROM git_events ORDER BY id LIMIT 1`)[0];
    python(`import sqlite3, sys\ncon = sqlite3.connect(sys.argv[1])\ncon.execute("DELETE FROM git_events WHERE id = ?", (int(sys.argv[2]),))\ncon.commit()`, db, String(victim.id));
    const r = await cli('sync', '--db', db, '--to', pg.url, '--machine', 'alpha');
    assert.equal(r.code, 1);
    assert.match(r.out, new RegExp(`git_events ${victim.day}: local \\d+, team \\d+`));
  });

  test('validation: every day by default; --quick-validation (totals + the days a run touched) catches a row moved into a touched day only', async () => {
    const db = path.join(dir, 'a.db');
    // the previous test deleted a local row: the team keeps it; start from a clean state
    const stale = pg.psql(`SELECT id FROM git_events WHERE machine = 'alpha'`).trim().split('\n').map(Number);
    const localIds = new Set(pyQuery<{ id: number }>(db, 'SELECT id FROM git_events').map((r) => r.id));
    pg.psql(`DELETE FROM git_events WHERE machine = 'alpha' AND id IN (${stale.filter((id) => !localIds.has(id)).join(',') || 'NULL'})`);
    assert.equal((await cli('sync', '--db', db, '--to', pg.url, '--machine', 'alpha')).code, 0);

    const routing = path.join(dir, 'a', '.claude', 'data', 'routing-metrics.jsonl');
    appendTelemetryLines(routing, 'routing-metrics', 1, { seed: 501, now: NOW + 6 * 86400_000 });
    assert.equal((await cli('migrate', '--db', db, path.join(dir, 'a'))).code, 0);
    const fresh = pyQuery<{ id: number; t: number; day: string }>(db, `SELECT id, timestamp AS t, date(timestamp, 'unixepoch') AS day FROM routing_metrics_events ORDER BY id DESC LIMIT 1`)[0];
    const victim = pyQuery<{ id: number; t: number; day: string }>(db, `SELECT id, timestamp AS t, date(timestamp, 'unixepoch') AS day FROM routing_metrics_events WHERE date(timestamp, 'unixepoch') <> '${fresh.day}' ORDER BY id LIMIT 1`)[0];
    // the team's copy of an old row is moved into the new row's day: totals still agree
    pg.psql(`UPDATE routing_metrics_events SET "timestamp" = ${fresh.t} WHERE machine = 'alpha' AND id = ${victim.id}`);
    const r = await cli('sync', '--db', db, '--to', pg.url, '--machine', 'alpha', '--json', '--quick-validation');
    assert.equal(r.code, 1, r.out);
    const v = JSON.parse(r.out).validation;
    assert.deepEqual(
      v.mismatches.filter((m: { table: string }) => m.table === 'routing_metrics_events').map((m: { day: string; local: number; team: number }) => [m.day, m.local - m.team]).sort(),
      [[fresh.day, -1], [victim.day, 1]].sort(),
    );
    // moved between two days no run touched: the totals cannot see it, the full comparison does
    const other = pyQuery<{ t: number; day: string }>(db, `SELECT timestamp AS t, date(timestamp, 'unixepoch') AS day FROM routing_metrics_events WHERE date(timestamp, 'unixepoch') NOT IN ('${fresh.day}', '${victim.day}') ORDER BY id LIMIT 1`)[0];
    pg.psql(`UPDATE routing_metrics_events SET "timestamp" = ${other.t} WHERE machine = 'alpha' AND id = ${victim.id}`);
    assert.equal((await cli('sync', '--db', db, '--to', pg.url, '--machine', 'alpha', '--quick-validation')).code, 0);
    const full = await cli('sync', '--db', db, '--to', pg.url, '--machine', 'alpha');
    assert.equal(full.code, 1);
    assert.match(full.out, new RegExp(`routing_metrics_events ${victim.day}: local \\d+, team \\d+`));
    assert.match(full.out, new RegExp(`routing_metrics_events ${other.day}: local \\d+, team \\d+`));
    pg.psql(`UPDATE routing_metrics_events SET "timestamp" = ${victim.t} WHERE machine = 'alpha' AND id = ${victim.id}`);
    assert.equal((await cli('sync', '--db', db, '--to', pg.url, '--machine', 'alpha')).code, 0);
    // the old flag still works (it is the default)
    assert.equal((await cli('sync', '--db', db, '--to', pg.url, '--machine', 'alpha', '--full-validation')).code, 0);
  });

  test('the password never appears: text, --json, connection errors', async () => {
    const db = path.join(dir, 'b.db');
    for (const flags of [[], ['--json']]) {
      const r = await cli('sync', '--db', db, '--to', pg.url, '--machine', 'beta', ...flags);
      assert.equal(r.code, 0, r.err);
      assert.ok(!(r.out + r.err).includes(pg.password), 'password printed');
      assert.ok((r.out + r.err).includes(`tl_sync:***@127.0.0.1:${pg.port}`));
    }
    const wrong = pg.url.replace(encodeURIComponent(pg.password), 'Wrong-Secret-123');
    const bad = await cli('sync', '--db', db, '--to', wrong, '--machine', 'beta', '--json');
    assert.equal(bad.code, 3);
    assert.match(bad.err, /password authentication failed/);
    assert.ok(!(bad.out + bad.err).includes('Wrong-Secret-123'));
    // sslmode is honoured: this server has no TLS, so requiring it must fail (not silently fall back)
    const ssl = await cli('sync', '--db', db, '--to', `${pg.url}?sslmode=require`, '--machine', 'beta');
    assert.equal(ssl.code, 3);
    assert.match(ssl.err, /SSL/i);
    assert.ok(!(ssl.out + ssl.err).includes(pg.password));
  });
});
