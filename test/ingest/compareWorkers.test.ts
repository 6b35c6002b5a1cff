/**
 * audit and verify can parse files on parse workers (split at line boundaries): the result must
 * be exactly the main-thread result — rows, matched/missing, rejects (first by line), blank,
 * pending, first/last event — on a messy file with an inferred sibling.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { auditSources, migrateSources, verifySources } from '../../src/core/ingest';
import { HashCounter } from '../../src/core/ingest/hashCounter';
import { tempDir, write } from './helpers';

const MAIN_ONLY = {};
const WORKERS = { workerMinBytes: 1, splitMinBytes: 1, parseWorkers: 3 };

function messyRouting(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (i % 997 === 5) out.push('{"ts": broken');
    else if (i % 1499 === 7) out.push('');
    else if (i % 2003 === 9) out.push('[1,2,3]');
    else if (i % 50 === 0) out.push(JSON.stringify({ ts: 1769423127, model: 'haiku' })); // genuine duplicates
    else out.push(JSON.stringify({ ts: 1769423127 + i, query_hash: `q${i}`, model: ['haiku', 'sonnet'][i % 2], dq: (i % 100) / 100 }));
  }
  return out.join('\n') + '\n{"ts":1769423999,"query_ha'; // a half-written last line: pending
}

describe('compare on parse workers', () => {
  test('audit and verify give the same result on workers as on the main thread', async () => {
    const dir = tempDir('cmpworkers');
    const logs = path.join(dir, 'logs');
    const file = write(path.join(logs, 'routing-metrics.jsonl'), messyRouting(20_000));
    write(path.join(logs, 'hook-events.jsonl'), Array.from({ length: 3000 }, (_, i) => JSON.stringify({ ts: 1769423127 + i, hook: i % 3 ? 'pre' : 'post', n: i }) + '\n').join(''));
    const db = path.join(dir, 't.db');
    // import only part of the big file, so some rows are matched and some missing
    const full = fs.readFileSync(file);
    fs.writeFileSync(file, full.subarray(0, full.indexOf(10, Math.floor(full.length / 2)) + 1));
    await migrateSources(db, [logs], { tz: 'UTC' });
    fs.writeFileSync(file, full);

    // no database: every row is new (this thread skips hashing then)
    const fresh = await auditSources([logs], { tz: 'UTC', ...MAIN_ONLY });
    assert.deepEqual(await auditSources([logs], { tz: 'UTC', ...WORKERS }), fresh);
    assert.ok(fresh.sources.every((s) => s.newLines === s.rows && s.rows > 0));

    const here = await auditSources([logs], { dbPath: db, tz: 'UTC', ...MAIN_ONLY });
    const there = await auditSources([logs], { dbPath: db, tz: 'UTC', ...WORKERS });
    assert.deepEqual(there, here);
    const big = here.sources.find((s) => s.path === file)!;
    assert.ok(big.newLines > 5000 && big.rows - big.newLines > 5000, JSON.stringify(big));
    assert.equal(big.pending, 1);
    assert.ok(big.rejected >= 30 && big.blank >= 10);
    // broken JSON at i % 997 == 5, arrays at i % 2003 == 9 (line = i + 1): the first five by line
    assert.deepEqual(big.sampleRejects.map((r) => r.line), [6, 10, 1003, 2000, 2013]);
    assert.equal(big.lines, 20_001);

    const vHere = await verifySources(db, [logs], { tz: 'UTC', ...MAIN_ONLY });
    const vThere = await verifySources(db, [logs], { tz: 'UTC', ...WORKERS });
    assert.deepEqual(vThere, vHere);
    assert.equal(vHere.ok, false);
    await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal((await verifySources(db, [logs], { tz: 'UTC', ...WORKERS })).ok, true);
  });
});

describe('HashCounter add/take (unclaimed copies)', () => {
  test('agrees with a Map over 200k random 53-bit hashes, through growth', () => {
    const counter = new HashCounter(4);
    const ref = new Map<number, number>();
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const hashes = Array.from({ length: 50_000 }, () => next() * 4194304 + (next() % 4194304));
    for (const h of hashes) {
      const n = 1 + (next() % 3);
      counter.add(h, n);
      ref.set(h, (ref.get(h) ?? 0) + n);
    }
    counter.add(12345, 0);
    assert.equal(counter.take(12345), false, 'adding 0 copies adds none');
    let agree = 0;
    for (let i = 0; i < 200_000; i++) {
      const h = i % 5 === 0 ? next() * 4194304 : hashes[next() % hashes.length];
      const left = ref.get(h) ?? 0;
      if (left > 0) ref.set(h, left - 1);
      assert.equal(counter.take(h), left > 0);
      agree++;
    }
    assert.equal(agree, 200_000);
    assert.equal(counter.distinct, new Set(hashes).size);
  });
});
