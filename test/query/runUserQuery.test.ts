import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { collectUserQuery, QueryCancelledError, QueryTimeoutError, runUserQuery } from '../../src/core/query/runUserQuery';
import { NEVER_ENDING, NEVER_ENDING_ROWS, noChildrenLeft, pythonDb } from './helpers';

describe('user SQL runs in a child process with a time limit, a row cap and cancel (real sql.js)', () => {
  const db = pythonDb(1000);

  test('a recursive CTE that never ends is stopped at the time limit, and its process is gone', async () => {
    await assert.rejects(runUserQuery(db, NEVER_ENDING, { timeoutMs: 1500 }), (e: unknown) => {
      assert.ok(e instanceof QueryTimeoutError, String(e));
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /1\.5 s time limit/);
      return true;
    });
    assert.deepEqual(await noChildrenLeft(), []);
  });

  test('the row cap hands over N rows and counts the rest ("N more rows")', async () => {
    const r = await collectUserQuery(db, 'SELECT n, s FROM t ORDER BY n', { maxRows: 10 });
    assert.deepEqual(r.columns, ['n', 's']);
    assert.equal(r.values.length, 10);
    assert.deepEqual(r.values[9], [9, 'row 9']);
    assert.deepEqual(r.more, { rows: 990, exact: true });
    const all = await collectUserQuery(db, 'SELECT n FROM t');
    assert.equal(all.values.length, 1000);
    assert.equal(all.more, null);
  });

  test('an endless result under a row cap returns its first rows, the count of the rest marked inexact', async () => {
    const r = await collectUserQuery(db, NEVER_ENDING_ROWS, { maxRows: 5, countMoreMs: 300, timeoutMs: 20_000 });
    assert.deepEqual(r.values, [[1], [2], [3], [4], [5]]);
    assert.equal(r.more?.exact, false);
    assert.ok(r.more!.rows > 0);
  });

  test('cancel stops a running query (exit code 130) and leaves no process behind', async () => {
    const cancel = new AbortController();
    // columns arrive once the statement is prepared: from then on SQLite is stepping
    const running = runUserQuery(db, NEVER_ENDING, { timeoutMs: 0, signal: cancel.signal, onColumns: () => void setTimeout(() => cancel.abort(), 300) });
    await assert.rejects(running, (e: unknown) => e instanceof QueryCancelledError && e.exitCode === 130);
    assert.deepEqual(await noChildrenLeft(), []);
  });

  test('a slow receiver holds the query back: rows arrive in bounded batches, in order', async () => {
    const batches: number[] = [];
    let next = 1;
    const outcome = await runUserQuery(db, NEVER_ENDING_ROWS.replace('SELECT x FROM c', 'SELECT x FROM c LIMIT 3000'), {
      onRows: async (rows) => {
        for (const [x] of rows) assert.equal(x, next++);
        batches.push(rows.length);
        await new Promise((r) => setTimeout(r, 20));
      },
    });
    assert.equal(outcome.rows, 3000);
    assert.ok(batches.length >= 3 && Math.max(...batches) <= 500, `batches ${batches}`);
  });

  test('SQL errors and refused writes are one-line usage errors (exit 2)', async () => {
    await assert.rejects(runUserQuery(db, 'SELECT * FROM nowhere'), (e: Error & { exitCode?: number }) => e.exitCode === 2 && /no such table: nowhere/.test(e.message));
    await assert.rejects(runUserQuery(db, 'DELETE FROM t'), (e: Error & { exitCode?: number }) => e.exitCode === 2 && /read-only/.test(e.message));
  });
});
