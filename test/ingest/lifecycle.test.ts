/**
 * Row identity across a file's life: second run, append (with a genuine identical event),
 * rewrite with reorder, rotation, truncation, deletion, a line still being written, and
 * verify catching a row that went missing. Exact counts after every step.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { withWrite } from '../../src/core/db/database';
import { migrateSources, verifySources, type MigrateResult } from '../../src/core/ingest';
import { lines, pyCount, pyQuery, tempDir } from './helpers';

const T0 = 1769423127;
const rec = (i: number) => ({ ts: T0 + i, tool: 'Bash', command: `cmd ${i}` });
const sum = (r: MigrateResult, k: 'inserted' | 'present' | 'rejected' | 'pending') => r.sources.reduce((n, s) => n + s[k], 0);

describe('row identity through append, rewrite, rotate, truncate, delete', () => {
  const dir = tempDir('life');
  const db = path.join(dir, 'telemetry.db');
  const file = path.join(dir, 'logs', 'tool-usage.jsonl');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const run = () => migrateSources(db, [path.join(dir, 'logs')], { tz: 'UTC' });
  const rows = () => pyCount(db, 'tool_events');

  test('first run imports every line; second run inserts 0', async () => {
    fs.writeFileSync(file, lines(...Array.from({ length: 10 }, (_, i) => rec(i))));
    assert.equal(sum(await run(), 'inserted'), 10);
    const again = await run();
    assert.equal(sum(again, 'inserted'), 0);
    assert.equal(sum(again, 'present'), 10);
    assert.equal(rows(), 10);
    // nothing new: the database file is not rewritten at all (live ingest runs often)
    const st = fs.statSync(db);
    await run();
    const st2 = fs.statSync(db);
    assert.deepEqual([st2.ino, st2.mtimeMs], [st.ino, st.mtimeMs]);
  });

  test('append: only the new lines, a genuine identical event is kept', async () => {
    fs.appendFileSync(file, lines(rec(10), rec(11), rec(3), rec(12), rec(13)));
    const r = await run();
    assert.equal(sum(r, 'inserted'), 5);
    assert.equal(rows(), 15);
    assert.deepEqual(pyQuery(db, `SELECT row_seq FROM tool_events WHERE command = 'cmd 3' ORDER BY row_seq`), [{ row_seq: 1 }, { row_seq: 2 }]);
    assert.equal(sum(await run(), 'inserted'), 0);
  });

  test('rewrite with reorder (in place and by rename) inserts nothing', async () => {
    const content = fs.readFileSync(file, 'utf8').trimEnd().split('\n').reverse();
    fs.writeFileSync(file, content.join('\n') + '\n');
    assert.equal(sum(await run(), 'inserted'), 0);
    const tmp = file + '.tmp';
    fs.writeFileSync(tmp, [...content].sort().map((l) => JSON.stringify(JSON.parse(l), Object.keys(JSON.parse(l)).reverse())).join('\r\n') + '\r\n');
    fs.renameSync(tmp, file);
    assert.equal(sum(await run(), 'inserted'), 0, 'key order and line endings do not change identity');
    assert.equal(rows(), 15);
  });

  test('rotate: x.jsonl → x.jsonl.1 + new x.jsonl', async () => {
    fs.renameSync(file, file + '.1');
    fs.writeFileSync(file, lines(rec(20), rec(21), rec(22)));
    const r = await run();
    assert.equal(sum(r, 'inserted'), 3);
    assert.equal(rows(), 18);
    assert.equal(sum(await run(), 'inserted'), 0);
    // the rotated file kept its ledger entry under the new name
    assert.equal(pyCount(db, 'ingest_sources', `path = '${file}.1' AND line_count = 15`), 1);
  });

  test('truncate, then append after the truncation', async () => {
    fs.writeFileSync(file, lines(rec(20)));
    assert.equal(sum(await run(), 'inserted'), 0);
    assert.equal(rows(), 18);
    fs.appendFileSync(file, lines(rec(23), rec(24)));
    assert.equal(sum(await run(), 'inserted'), 2);
    assert.equal(rows(), 20);
  });

  test('a final line still being written stays pending until complete', async () => {
    const half = JSON.stringify(rec(30));
    fs.appendFileSync(file, half.slice(0, 15));
    const r = await run();
    assert.deepEqual([sum(r, 'inserted'), sum(r, 'pending')], [0, 1]);
    fs.appendFileSync(file, half.slice(15));
    // complete JSON but no newline yet: imported, and its newline later does not re-import it
    const r2 = await run();
    assert.deepEqual([sum(r2, 'inserted'), sum(r2, 'pending')], [1, 0]);
    fs.appendFileSync(file, '\n' + lines(rec(31)));
    assert.equal(sum(await run(), 'inserted'), 1);
    assert.equal(rows(), 22);
  });

  test('verify passes, then reports a row deleted from the database', async () => {
    const ok = await verifySources(db, [path.join(dir, 'logs')], { tz: 'UTC' });
    assert.equal(ok.ok, true);
    await withWrite(db, (d) => d.run(`DELETE FROM tool_events WHERE command = 'cmd 5'`));
    const bad = await verifySources(db, [path.join(dir, 'logs')], { tz: 'UTC' });
    assert.equal(bad.ok, false);
    assert.deepEqual(
      bad.sources.filter((s) => !s.ok).map((s) => [path.basename(s.path), s.missing]),
      [['tool-usage.jsonl.1', 1]],
    );
    // the append fast path trusts the ledger; a rescan re-reads every file and puts it back, once
    assert.equal(sum(await run(), 'inserted'), 0);
    assert.equal(sum(await migrateSources(db, [path.join(dir, 'logs')], { tz: 'UTC', rescan: true }), 'inserted'), 1);
    assert.equal(sum(await migrateSources(db, [path.join(dir, 'logs')], { tz: 'UTC', rescan: true }), 'inserted'), 0);
    assert.equal(rows(), 22);
  });

  test('delete the files: history stays, nothing changes', async () => {
    fs.rmSync(file);
    fs.rmSync(file + '.1');
    const r = await run();
    assert.equal(r.sources.length, 0);
    assert.equal(rows(), 22);
    assert.equal(pyCount(db, 'ingest_sources', 'missing_since IS NOT NULL'), pyCount(db, 'ingest_sources'));
  });
});
