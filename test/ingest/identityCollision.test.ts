/**
 * Two different events whose 53-bit content hashes collide (found in compareWorkers' data:
 * hash53 mixes 32-bit words, and two lines differing by +100 in the time and in the query number
 * give the same hash). With V6's ordered identity index the copies are counted per (time, hash),
 * as the index holds them: appending a copy of one of them, a new event, then re-running and
 * rescanning, inserts exactly the new lines and never trips the UNIQUE index. Both engines.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { migrateSources } from '../../src/core/ingest';
import { lines, pyCount, pyQuery, tempDir, write } from './helpers';

const A = { ts: 1769426622, query_hash: 'q3495', model: 'sonnet', dq: 0.95 };
const B = { ts: 1769426722, query_hash: 'q3595', model: 'sonnet', dq: 0.95 };

function noFailures(r: { issues: { problem: string; message: string }[] }): void {
  assert.deepEqual(r.issues.filter((i) => i.problem === 'not-imported').map((i) => i.message), []);
}

describe('identity: two events whose content hashes collide', () => {
  test('counted apart by time: re-reads insert exactly the new lines', async () => {
    const dir = tempDir('collision');
    const logs = path.join(dir, 'logs');
    const file = write(path.join(logs, 'routing-metrics.jsonl'), lines({ ts: 1769426000, query_hash: 'q0', model: 'opus' }, A, B));
    const db = path.join(dir, 't.db');
    const first = await migrateSources(db, [logs], { tz: 'UTC' });
    noFailures(first);
    assert.equal(first.sources[0].inserted, 3);
    // the premise: same hash, different events
    const rows = pyQuery<{ h: number; n: number; t: number }>(db, `SELECT row_hash AS h, count(*) AS n, count(DISTINCT timestamp) AS t FROM routing_metrics_events WHERE query_id IN ('q3495', 'q3595') GROUP BY row_hash`);
    assert.deepEqual(rows.map((r) => [r.n, r.t]), [[2, 2]], 'the two events share one content hash');

    // a second copy of B and a new event: the append meets content the stream has → full re-read by identity
    fs.appendFileSync(file, lines(B, { ts: 1769427000, query_hash: 'q-new', model: 'haiku' }));
    const second = await migrateSources(db, [logs], { tz: 'UTC' });
    noFailures(second);
    assert.equal(second.sources[0].inserted, 2);
    assert.equal(second.sources[0].present, 3);
    assert.equal(pyCount(db, 'routing_metrics_events'), 5);
    assert.equal(pyCount(db, 'routing_metrics_events', `query_id = 'q3595'`), 2);
    assert.equal(pyCount(db, 'routing_metrics_events', `query_id = 'q3495'`), 1);

    const again = await migrateSources(db, [logs], { tz: 'UTC' });
    noFailures(again);
    assert.equal(again.sources[0].inserted, 0);
    const rescan = await migrateSources(db, [logs], { tz: 'UTC', rescan: true });
    noFailures(rescan);
    assert.equal(rescan.sources[0].inserted, 0);
    assert.equal(rescan.sources[0].present, 5);
    assert.equal(pyCount(db, 'routing_metrics_events'), 5);
  });
});
