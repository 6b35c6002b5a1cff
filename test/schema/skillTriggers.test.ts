import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { ensureSchema } from '../../src/core/schema';
import { memoryDb, rows } from './helpers';

let hash = 1;
function invoke(db: Database, skill: string, at: number, completed: 0 | 1, duration: number | null, session: string | null = null): void {
  db.run(
    `INSERT INTO skill_invocation (skill_name, invoked_at, completed, duration_seconds, session_id, row_hash, row_seq) VALUES (?, ?, ?, ?, ?, ?, 1)`,
    [skill, at, completed, duration, session, hash++],
  );
}

function metrics(db: Database, skill: string): Record<string, unknown> {
  return rows(db, `SELECT * FROM skill_metrics WHERE skill_name = ?`, [skill])[0];
}

describe('skill_metrics / session_skill triggers', () => {
  test('insert: totals, completion rate and average duration (hand-computed)', async () => {
    const db = await memoryDb();
    ensureSchema(db);
    // crackerjack-run: 3 completed (100 s, 165.3 s, 40 s), 2 abandoned (no duration)
    invoke(db, 'crackerjack-run', 1000, 1, 100, 's1');
    invoke(db, 'crackerjack-run', 1100, 0, null, 's1');
    invoke(db, 'crackerjack-run', 900, 1, 165.3, 's2');
    invoke(db, 'crackerjack-run', 1300, 0, null, null);
    invoke(db, 'crackerjack-run', 1200, 1, 40, 's1');
    // lint: 1 abandoned only
    invoke(db, 'lint', 500, 0, null, 's2');

    const cj = metrics(db, 'crackerjack-run');
    assert.equal(cj.total_invocations, 5);
    assert.equal(cj.completed_invocations, 3);
    assert.equal(cj.abandoned_invocations, 2);
    assert.equal(cj.completion_rate, 60); // 3 / 5
    assert.ok(Math.abs((cj.avg_duration_seconds as number) - 101.76666666666667) < 1e-9); // (100 + 165.3 + 40) / 3
    assert.equal(cj.first_invoked, 900);
    assert.equal(cj.last_invoked, 1300);

    const lint = metrics(db, 'lint');
    assert.equal(lint.total_invocations, 1);
    assert.equal(lint.completed_invocations, 0);
    assert.equal(lint.abandoned_invocations, 1);
    assert.equal(lint.completion_rate, 0);
    assert.equal(lint.avg_duration_seconds, null); // nothing completed: no average, not 0

    const sessions = rows(db, `SELECT session_id, skill_name, invocation_count, completed_count, total_duration_seconds, first_invoked_at, last_invoked_at FROM session_skill ORDER BY session_id, skill_name`);
    assert.deepEqual(sessions, [
      { session_id: 's1', skill_name: 'crackerjack-run', invocation_count: 3, completed_count: 2, total_duration_seconds: 140, first_invoked_at: 1000, last_invoked_at: 1200 },
      { session_id: 's2', skill_name: 'crackerjack-run', invocation_count: 1, completed_count: 1, total_duration_seconds: 165.3, first_invoked_at: 900, last_invoked_at: 900 },
      { session_id: 's2', skill_name: 'lint', invocation_count: 1, completed_count: 0, total_duration_seconds: 0, first_invoked_at: 500, last_invoked_at: 500 },
    ]);
  });

  test('delete and update keep the aggregates equal to a recount', async () => {
    const db = await memoryDb();
    ensureSchema(db);
    invoke(db, 'a', 10, 1, 10, 's');
    invoke(db, 'a', 20, 1, 30, 's');
    invoke(db, 'a', 30, 0, null, 's');
    invoke(db, 'b', 40, 1, 5, 't');
    db.run(`DELETE FROM skill_invocation WHERE invoked_at = 10`);
    // a: 2 left (1 completed of 30 s, 1 abandoned)
    let a = metrics(db, 'a');
    assert.deepEqual([a.total_invocations, a.completed_invocations, a.abandoned_invocations, a.completion_rate, a.avg_duration_seconds, a.first_invoked, a.last_invoked], [2, 1, 1, 50, 30, 20, 30]);
    // the abandoned one completes after 12 s: 2 of 2, avg (30 + 12) / 2 = 21
    db.run(`UPDATE skill_invocation SET completed = 1, duration_seconds = 12 WHERE invoked_at = 30`);
    a = metrics(db, 'a');
    assert.deepEqual([a.total_invocations, a.completed_invocations, a.abandoned_invocations, a.completion_rate, a.avg_duration_seconds], [2, 2, 0, 100, 21]);
    // moving b's only invocation to skill a removes b entirely
    db.run(`UPDATE skill_invocation SET skill_name = 'a', session_id = 's' WHERE invoked_at = 40`);
    assert.equal(metrics(db, 'b'), undefined);
    a = metrics(db, 'a');
    assert.deepEqual([a.total_invocations, a.completed_invocations, a.avg_duration_seconds, a.first_invoked, a.last_invoked], [3, 3, (30 + 12 + 5) / 3, 20, 40]);
    assert.deepEqual(rows(db, `SELECT session_id, skill_name, invocation_count FROM session_skill ORDER BY 1, 2`), [{ session_id: 's', skill_name: 'a', invocation_count: 3 }]);
    db.run(`DELETE FROM skill_invocation`);
    assert.equal(rows(db, `SELECT * FROM skill_metrics`).length, 0);
    assert.equal(rows(db, `SELECT * FROM session_skill`).length, 0);
  });
});
