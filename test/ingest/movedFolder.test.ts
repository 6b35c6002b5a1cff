/**
 * A telemetry folder that moves: renamed (same inode), or copied elsewhere and the old copy
 * removed. Row identity includes the stream, and a stream was keyed by its path, so before this
 * rule every line came in a second time. Exact counts after every step; two live copies stay
 * two sources.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { migrateSources, verifySources, type MigrateResult } from '../../src/core/ingest';
import { lines, pyCount, pyQuery, tempDir } from './helpers';

const T0 = 1769423127;
const tool = (i: number) => ({ ts: T0 + i, tool: 'Bash', command: `cmd ${i}` });
const perm = (i: number) => ({ timestamp: T0 + i, agent_id: `agent-${i % 3}`, permission_level: 'write', event_type: 'grant' });
const sum = (r: MigrateResult, k: 'inserted' | 'present') => r.sources.reduce((n, s) => n + s[k], 0);

describe('a moved telemetry folder keeps its rows (no second import)', () => {
  const dir = tempDir('moved');
  const db = path.join(dir, 'telemetry.db');
  const folder = (name: string) => path.join(dir, name, 'logs');
  const run = (name: string) => migrateSources(db, [folder(name)], { tz: 'UTC' });
  const counts = () => [pyCount(db, 'tool_events'), pyCount(db, 'permission_events')];

  test('renamed folder (same inode): nothing inserted, appends after the move come in once', async () => {
    fs.mkdirSync(folder('a'), { recursive: true });
    fs.writeFileSync(path.join(folder('a'), 'tool-usage.jsonl'), lines(...Array.from({ length: 20 }, (_, i) => tool(i))));
    fs.writeFileSync(path.join(folder('a'), 'permission_events.jsonl'), lines(...Array.from({ length: 7 }, (_, i) => perm(i))));
    assert.equal(sum(await run('a'), 'inserted'), 27);
    fs.renameSync(path.join(dir, 'a'), path.join(dir, 'b'));
    const r = await run('b');
    assert.equal(sum(r, 'inserted'), 0);
    assert.deepEqual(counts(), [20, 7]);
    fs.appendFileSync(path.join(folder('b'), 'tool-usage.jsonl'), lines(tool(20), tool(21)));
    assert.equal(sum(await run('b'), 'inserted'), 2);
    assert.deepEqual(counts(), [22, 7]);
    // one stream per file, keyed by where it is now
    assert.deepEqual(
      pyQuery<{ stream_key: string }>(db, `SELECT stream_key FROM ingest_streams ORDER BY stream_key`).map((r) => path.relative(dir, r.stream_key)),
      [path.join('b', 'logs', 'permission_events.jsonl'), path.join('b', 'logs', 'tool-usage.jsonl')],
    );
  });

  test('copied elsewhere and the old copy removed: nothing inserted; verify finds every row', async () => {
    fs.cpSync(path.join(dir, 'b'), path.join(dir, 'c'), { recursive: true });
    fs.rmSync(path.join(dir, 'b'), { recursive: true });
    assert.equal(sum(await run('c'), 'inserted'), 0);
    assert.deepEqual(counts(), [22, 7]);
    const v = await verifySources(db, [folder('c')], { tz: 'UTC' });
    assert.equal(v.ok, true, JSON.stringify(v).slice(0, 400));
  });

  test('two live copies are two sources: a copy beside the original is imported as its own', async () => {
    fs.cpSync(path.join(dir, 'c'), path.join(dir, 'd'), { recursive: true });
    assert.equal(sum(await run('d'), 'inserted'), 29);
    assert.equal(sum(await run('c'), 'inserted'), 0);
    assert.deepEqual(counts(), [44, 14]);
  });
});
