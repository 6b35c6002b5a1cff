import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { collectUserQuery } from '../../src/core/query/runUserQuery';
import { pythonDb } from './helpers';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

const BIG = ['9007199254740993', '-9007199254740993', '9223372036854775807', '-9223372036854775808', '9007199254740992', '12345678901234567'];

describe('integers beyond 2^53 keep every digit (python3 sqlite3 wrote them)', () => {
  const db = pythonDb(0, `con.execute("CREATE TABLE big (i INTEGER, r REAL, label TEXT)")
con.executemany("INSERT INTO big VALUES (?,?,?)", [(int(v), 1e20, v) for v in ${JSON.stringify(BIG)}] + [(42, -0.5, 'small')])`);

  test('the runner returns bigint for unsafe integers, numbers for the rest (REAL stays a number)', async () => {
    const r = await collectUserQuery(db, 'SELECT i, r, label FROM big ORDER BY rowid');
    assert.deepEqual(r.values.map((row) => String(row[0])), [...BIG, '42']);
    assert.equal(typeof r.values[0][0], 'bigint');
    assert.equal(r.values[6][0], 42);
    assert.equal(r.values[0][1], 1e20);
  });

  test('query --format json: python reads back the very integers it stored', async () => {
    const j = await cli('query', '--db', db, 'SELECT i, r, label FROM big ORDER BY rowid', '--format', 'json');
    assert.equal(j.code, 0, j.err);
    const check = spawnSync('python3', ['-c', `import json,sqlite3,sys
rows=json.loads(sys.stdin.read())
want=sqlite3.connect(sys.argv[1]).execute("SELECT i, r, label FROM big ORDER BY rowid").fetchall()
assert [(x["i"], x["r"], x["label"]) for x in rows] == want, (rows, want)
print("same")`, db], { input: j.out, encoding: 'utf8' });
    assert.equal(check.stdout.trim(), 'same', check.stderr);
  });

  test('query --format csv and table print every digit', async () => {
    const c = await cli('query', '--db', db, 'SELECT i FROM big ORDER BY rowid', '--format', 'csv');
    assert.deepEqual(c.out.trimEnd().split('\r\n'), ['i', ...BIG, '42']);
    const t = await cli('query', '--db', db, 'SELECT i FROM big ORDER BY rowid');
    for (const v of BIG) assert.ok(t.out.split('\n').includes(v), v);
  });
});
