/** auditSources reports reading progress (the Migrate JSONL preview shows it on big files). */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { auditSources, migrateSources, type IngestProgress } from '../../src/core/ingest';
import { lines, tempDir, write } from './helpers';

describe('auditSources onProgress', () => {
  test('bytes grow monotonically to the total; new rows found so far; inferred files count twice; an imported file counts from its offset', async () => {
    const dir = tempDir('auditprog');
    const n = 60_000; // ~12 MB: several 4 MiB reads
    const big = write(path.join(dir, 'routing-metrics.jsonl'), Array.from({ length: n }, (_, i) => JSON.stringify({ ts: 1769423127 + i, query_hash: `q${i}`, model: 'haiku', reasoning: 'x'.repeat(150) }) + '\n').join(''));
    const inferred = write(path.join(dir, 'hook-events.jsonl'), lines({ ts: 1769423127, hook: 'pre' }, { ts: 1769423128, hook: 'post' }));
    const db = path.join(dir, 't.db');
    await migrateSources(db, [inferred], { tz: 'UTC' }); // the inferred file is already imported…
    const imported = fs.statSync(inferred).size;
    fs.appendFileSync(inferred, lines({ ts: 1769423129, hook: 'stop' })); // …and has one new line: only it is read
    const events: IngestProgress[] = [];
    const report = await auditSources([dir], { dbPath: db, tz: 'UTC', onProgress: (p) => events.push({ ...p }) });

    const total = fs.statSync(big).size + 2 * (fs.statSync(inferred).size - imported);
    assert.equal(events[0].phase, 'discover');
    const reads = events.filter((e) => e.phase === 'read');
    assert.ok(reads.filter((e) => e.path === big).length >= 3, `several events while reading the big file (${reads.length})`);
    assert.ok(reads.some((e) => e.path === inferred));
    for (let i = 1; i < reads.length; i++) {
      assert.ok(reads[i].bytesDone >= reads[i - 1].bytesDone, 'bytes never go back');
      assert.ok(reads[i].rowsInserted >= reads[i - 1].rowsInserted, 'new rows never go back');
    }
    assert.ok(reads.every((e) => e.bytesTotal === total && e.bytesDone <= total));
    assert.equal(reads.at(-1)!.bytesDone, total);
    const last = events.at(-1)!;
    assert.deepEqual(last, { phase: 'done', bytesDone: total, bytesTotal: total, rowsInserted: n + 1 });
    assert.deepEqual(report.sources.map((s) => s.newLines).sort((a, b) => a - b), [1, n]);
    // while reading the big file the count of new rows is partial, not 0 until the end
    assert.ok(reads.some((e) => e.path === big && e.rowsInserted > 0 && e.rowsInserted < n));
  });
});
