import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { formatQueryResult, toCsv, toMarkdownTable } from '../../src/core/query/queryFormat';
import { runReadOnlyQuery } from '../../src/core/query/readOnlyQuery';
import { python, tempDir } from './helpers';

describe('query results as CSV, Markdown, JSON and text (real sql.js results)', () => {
  const db = path.join(tempDir(), 'fmt.db');
  python(
    `import sqlite3,sys\ncon=sqlite3.connect(sys.argv[1])\ncon.execute("CREATE TABLE t (name TEXT, n INTEGER, x REAL, b BLOB)")\ncon.executemany("INSERT INTO t VALUES (?,?,?,?)", [('plain', 1, 1.5, None), ('comma, "quoted"\\nnewline | pipe', None, -2.25, bytes([0, 255]))])\ncon.commit()`,
    db,
  );

  test('CSV follows RFC 4180: quotes around commas/quotes/newlines, doubled quotes, NULL empty, CRLF', async () => {
    const r = await runReadOnlyQuery(db, 'SELECT name, n, x, b FROM t ORDER BY rowid');
    assert.equal(toCsv(r), 'name,n,x,b\r\nplain,1,1.5,\r\n"comma, ""quoted""\nnewline | pipe",,-2.25,00ff\r\n');
  });

  test('Markdown table escapes pipes and newlines so every row stays one table row', async () => {
    const r = await runReadOnlyQuery(db, 'SELECT name, n FROM t ORDER BY rowid');
    const lines = toMarkdownTable(r).trim().split('\n');
    assert.equal(lines.length, 4);
    assert.equal(lines[3], '| comma, "quoted" newline \\| pipe | NULL |');
  });

  test('JSON is an array of row objects; text table counts rows', async () => {
    const r = await runReadOnlyQuery(db, 'SELECT name, n FROM t ORDER BY rowid');
    assert.deepEqual(JSON.parse(formatQueryResult(r, 'json')), [{ name: 'plain', n: 1 }, { name: 'comma, "quoted"\nnewline | pipe', n: null }]);
    assert.match(formatQueryResult(r, 'table'), /\(2 rows\)$/);
  });
});
