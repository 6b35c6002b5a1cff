import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { sqlAfterOptions } from '../../src/cli/commands/query';
import { assertReadStatement } from '../../src/core/query/readOnlyGuard';
import { splitStatements } from '../../src/core/query/sqlText';
import { pythonDb } from './helpers';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

const allowed = (sql: string) => {
  try {
    for (const s of splitStatements(sql)) assertReadStatement(s);
    return true;
  } catch {
    return false;
  }
};

describe('read-only guard: an allow-list on SQLite tokens', () => {
  test('statements split at top-level semicolons only (strings, quoted names and comments keep theirs)', () => {
    const parts = splitStatements(`SELECT ';' AS "a;b", [c;d] -- x;y\n; /* ; */ ; SELECT 2;`).map((s) => s.text.trim());
    assert.deepEqual(parts, [`SELECT ';' AS "a;b", [c;d] -- x;y`, 'SELECT 2']);
    assert.deepEqual(splitStatements('-- only a comment\n/* and another */'), []);
  });

  test('quoted, bracketed, schema-qualified or parenthesised pragma settings do not slip through', () => {
    for (const sql of [
      `PRAGMA "journal_mode"='delete'`,
      `PRAGMA main."writable_schema"=1`,
      'PRAGMA journal_mode(delete)',
      'PRAGMA [user_version](7)',
      'PRAGMA `query_only` = 0',
      'PRAGMA "wal_checkpoint"',
      'PRAGMA main.[optimize]',
      'PRAGMA incremental_vacuum',
      'PRAGMA shrink_memory',
      'PRAGMA writable_schema',
      'PRAGMA table_info(t); PRAGMA case_sensitive_like = 1',
      'EXPLAIN PRAGMA writable_schema = 1',
      'EXPLAIN QUERY PLAN DELETE FROM t',
      '/* hidden */ DELETE FROM t',
      '-- hidden\nUPDATE t SET n = 0',
      'SELECT 1; DROP TABLE t',
      'ATTACH DATABASE "x.db" AS x',
      'VACUUM',
      'VACUUM INTO "copy.db"',
      'REINDEX',
      'ANALYZE',
      'BEGIN',
      'CREATE TEMP TABLE x (a)',
      'PRAGMA table_info = ?',
    ]) {
      assert.equal(allowed(sql), false, sql);
    }
  });

  test('reads pass: SELECT/WITH/VALUES, EXPLAIN of a read, reporting and naming pragmas however quoted', () => {
    for (const sql of [
      'SELECT 1',
      '  -- top rows\nSELECT * FROM t',
      'WITH x AS (SELECT 1) SELECT * FROM x',
      'VALUES (1, 2)',
      'EXPLAIN QUERY PLAN SELECT * FROM t WHERE n = 1',
      'PRAGMA "user_version"',
      'PRAGMA main.journal_mode',
      'PRAGMA table_info("t")',
      'PRAGMA main.table_info = t',
      'PRAGMA integrity_check(10)',
      'PRAGMA [index_list](t)',
      'SELECT 1; SELECT 2',
    ]) {
      assert.equal(allowed(sql), true, sql);
    }
  });

  test('SQL that starts with -- is the SQL argument, not an option; `--` ends options', () => {
    assert.deepEqual(sqlAfterOptions(['--db', 'a.db', '-- top\nSELECT 1', '--format', 'csv'], ['db', 'format']), ['--db', 'a.db', '--format', 'csv', '--', '-- top\nSELECT 1']);
    assert.deepEqual(sqlAfterOptions(['--db', 'a.db', '--comment\nSELECT 1'], ['db']), ['--db', 'a.db', '--', '--comment\nSELECT 1']);
    assert.deepEqual(sqlAfterOptions(['--db', 'a.db', '--', '--format'], ['db']), ['--db', 'a.db', '--', '--format']);
    assert.deepEqual(sqlAfterOptions(['--db', '--odd name.db', 'SELECT 1'], ['db']), ['--db', '--odd name.db', 'SELECT 1']);
  });
});

describe('CLI query: the guard end to end on a real database', () => {
  const db = pythonDb(3);

  test('comment-first SQL runs; refused statements exit 2 with one line and leave the file byte-identical', async () => {
    const ok = await cli('query', '--db', db, '-- how many\nSELECT COUNT(*) AS n FROM t', '--format', 'json');
    assert.equal(ok.code, 0, ok.err);
    assert.deepEqual(JSON.parse(ok.out), [{ n: 3 }]);
    const dashdash = await cli('query', '--db', db, '--format', 'csv', '--', '--n\nSELECT 7 AS n');
    assert.equal(dashdash.code, 0, dashdash.err);
    assert.equal(dashdash.out.trimEnd(), 'n\r\n7');
    const before = fs.readFileSync(db);
    for (const sql of [`PRAGMA "journal_mode"='delete'`, `PRAGMA main."writable_schema"=1`, 'PRAGMA journal_mode(wal)', 'SELECT 1; DELETE FROM t']) {
      const r = await cli('query', '--db', db, sql);
      assert.equal(r.code, 2, sql);
      assert.equal(r.err.trim().split('\n').length, 1, sql);
      assert.match(r.err, /read-only/, sql);
    }
    assert.ok(before.equals(fs.readFileSync(db)), 'file unchanged');
  });

  test('a write hidden behind WITH is refused from its compiled program, before any statement runs', async () => {
    const r = await cli('query', '--db', db, 'SELECT 1; WITH x AS (SELECT 1) DELETE FROM t');
    assert.equal(r.code, 2);
    assert.match(r.err, /SQLite compiles this statement to a write \("WITH x AS \(SELECT 1\) DELETE FROM t"\)/);
  });
});
