/**
 * Every value arrives as it was: a table a script made (python3 sqlite3) with awkward values —
 * tabs, newlines, backslashes, quotes, emoji, 17-digit doubles, 2^53-1, blobs, JSON and non-JSON
 * text in `extra`, text and fractions in INTEGER columns — synced, then read back from PostgreSQL
 * and compared value by value with what python3 reads locally.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startPgCluster, type PgCluster } from './pgCluster';
import { cli, python, tempDir } from './helpers';
import { dayNumberOf, dayOf, dayText } from '../../src/core/team/dialect';

describe('sync: values', () => {
  let pg: PgCluster;
  let dir: string;
  before(async () => {
    pg = await startPgCluster();
    dir = tempDir('values');
  });
  after(() => {
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('awkward values round-trip exactly; misfits are kept in extra', async () => {
    const db = path.join(dir, 'v.db');
    python(
      `
import sqlite3, sys, json
con = sqlite3.connect(sys.argv[1])
con.execute("""CREATE TABLE odd_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER, name TEXT, score REAL, n INTEGER, payload BLOB,
  extra TEXT, stream_id INTEGER NOT NULL DEFAULT 0, row_hash INTEGER, row_seq INTEGER)""")
rows = [
  (1795000000, "tab\\there", 0.1 + 0.2, 9007199254740991, b"\\x00\\x01\\xff", json.dumps({"k": "v\\nw", "n": [1, 2]}), None),
  (1795000001, "line\\nbreak\\r\\nand \\\\ backslash \\\\N", 1e300, -42, None, None, 7),
  (1795000002, "quote ' \\" emoji \\U0001F600 \\u00e9", -2.5e-310, 0, b"", "not json", None),
  (1795000003, None, None, None, None, None, None),
  (1795000004, "\\\\.", 3.0, "abc", None, json.dumps({"keep": True}), None),
  ("2026-11-01", "text time", 1.5, 1.5, None, None, None),
]
for r in rows:
    con.execute("INSERT INTO odd_events (timestamp, name, score, n, payload, extra, row_hash, row_seq) VALUES (?,?,?,?,?,?,?,1)", r)
con.commit()
`,
      db,
    );
    const r = await cli('sync', '--db', db, '--to', pg.url, '--machine', 'v', '--json');
    assert.equal(r.code, 0, r.out + r.err);
    const json = JSON.parse(r.out);
    const odd = json.tables.find((t: { table: string }) => t.table === 'odd_events');
    assert.deepEqual([odd.sent, odd.inserted], [6, 6]);
    // python's view of the local rows, and PostgreSQL's of the team rows, as JSON
    const local = JSON.parse(
      python(
        `
import sqlite3, sys, json
con = sqlite3.connect(sys.argv[1])
out = []
for r in con.execute("SELECT id, timestamp, name, score, n, payload, extra, row_hash FROM odd_events ORDER BY id"):
    out.append([r[0], r[1], r[2], r[3], r[4], None if r[5] is None else r[5].hex(), r[6], r[7]])
print(json.dumps(out))
`,
        db,
      ),
    );
    const team = JSON.parse(
      pg.psql(`SELECT json_agg(json_build_array(id, "timestamp", name, score, n, encode(payload, 'hex'), extra, row_hash) ORDER BY id) FROM odd_events WHERE machine = 'v'`).trim(),
    );
    assert.equal(team.length, 6);
    for (let i = 0; i < 4; i++) {
      const [id, ts, name, score, n, payload, extra, hash] = local[i];
      assert.deepEqual(team[i].slice(0, 4), [id, ts, name, score], `row ${id}`);
      assert.equal(team[i][4], n);
      assert.equal(team[i][5], payload);
      // jsonb: same document (key order/spacing may differ); non-JSON text kept as extra_as_stored
      if (extra === 'not json') assert.deepEqual(team[i][6], { extra_as_stored: 'not json' });
      else assert.deepEqual(team[i][6], extra === null ? null : JSON.parse(extra));
      assert.equal(team[i][7], hash);
    }
    // text in an INTEGER column, a fraction in an INTEGER column, text in the time column: NULL there, value kept in extra
    assert.equal(team[4][4], null);
    assert.deepEqual(team[4][6], { keep: true, n_as_stored: 'abc' });
    assert.equal(team[5][1], null);
    assert.deepEqual(team[5][6], { timestamp_as_stored: '2026-11-01', n_as_stored: 1.5 });
    assert.equal(odd.keptInExtra, 4);
    assert.equal(json.validation.ok, true);
  });

  test('validation days: integer day numbers in both dialects are exactly SQLite\'s date(), edges included', async () => {
    const times = [-62167219200, -62167219199, -86401, -86400, -86399, -1, 0, 1, 86399, 86400, 951782400, 1795000000, 4102444799, 253402300799];
    const sqlite = JSON.parse(
      python(
        `
import sqlite3, sys, json
con = sqlite3.connect(':memory:')
ts = json.loads(sys.argv[1])
print(json.dumps([con.execute("WITH x(t) AS (SELECT ?) SELECT date(t, 'unixepoch'), " + sys.argv[2] + " FROM x", (t,)).fetchone() for t in ts]))
`,
        JSON.stringify(times),
        dayNumberOf.sqlite('"t"'),
      ),
    ) as [string, number][];
    const pgDays = pg
      .psql(`SELECT ${dayNumberOf.postgres('t')} || '|' || ${dayOf.postgres('t')} FROM unnest(ARRAY[${times.join(',')}]::bigint[]) WITH ORDINALITY AS x(t, i) ORDER BY i`)
      .trim()
      .split('\n');
    times.forEach((t, i) => {
      const [date, sqliteNumber] = sqlite[i];
      const [pgNumber, pgText] = pgDays[i].split('|');
      assert.equal(dayText(sqliteNumber), date, `sqlite ${t}`);
      assert.equal(dayText(pgNumber), date, `postgres ${t}`);
      // the text path (time columns that are not bigint) has no year 0: PostgreSQL calls it 1 BC
      if (t >= -62135596800) assert.equal(pgText, date, `postgres text ${t}`);
      else assert.equal(pgText, '0001-01-01');
    });
  });
});
