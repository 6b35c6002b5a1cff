/**
 * Bad input is quarantined or reported, never a crash, and every valid line around it is
 * imported: invalid JSON, arrays/scalars, NUL bytes, a 5 MB line, binary junk named .jsonl,
 * empty files, unreadable files, a folder named like a source.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { auditSources, migrateSources } from '../../src/core/ingest';
import { lines, pyCount, pyQuery, tempDir, write } from './helpers';

const T0 = 1769423127;
const ok = (i: number) => ({ ts: T0 + i, tool: 'Bash', command: `ok ${i}` });

function junk(bytes: number, seed: number): Buffer {
  const b = Buffer.alloc(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

describe('bad input', () => {
  const dir = tempDir('bad');
  const logs = path.join(dir, 'logs');
  const db = path.join(dir, 'telemetry.db');
  const big = JSON.stringify({ ts: T0, tool: 'Big', pad: 'x'.repeat(5 * 1024 * 1024) });
  write(
    path.join(logs, 'tool-usage.jsonl'),
    lines(ok(1), '{"ts": 1769423127, "tool": "Bash"', ok(2), '[1,2]', '42', '"text"', 'null', ok(3), `{"ts":${T0},"tool":"nul\u0000"}`, ok(4), big, ok(5)),
  );
  write(path.join(logs, 'junk.jsonl'), junk(1 << 20, 42));
  write(path.join(logs, 'empty.jsonl'), '');
  fs.symlinkSync(path.join(dir, 'does-not-exist.jsonl'), path.join(logs, 'gone.jsonl'));
  fs.mkdirSync(path.join(logs, 'folder.jsonl'));
  const locked = write(path.join(logs, 'locked.jsonl'), lines(ok(9)));
  fs.chmodSync(locked, 0o000);
  const isRoot = process.getuid?.() === 0; // root reads mode-000 files anyway

  test('migrate quarantines, reports and imports every valid line', async () => {
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    const tool = r.sources.find((s) => s.path.endsWith('tool-usage.jsonl'))!;
    assert.deepEqual([tool.lines, tool.inserted, tool.rejected, tool.blank, tool.pending], [12, 5, 7, 0, 0]);
    assert.deepEqual(pyQuery(db, `SELECT command FROM tool_events ORDER BY source_line`).map((x) => x.command), ['ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5']);
    const rejects = pyQuery<{ line: number; reason: string; raw_len: number; raw_bytes: number }>(
      db,
      `SELECT line, reason, length(raw) AS raw_len, raw_bytes FROM ingest_rejects r JOIN ingest_sources s ON s.id = r.source_id WHERE s.path LIKE '%tool-usage.jsonl' ORDER BY line`,
    );
    assert.deepEqual(rejects.map((x) => [x.line, x.reason]), [
      [2, 'json'],
      [4, 'not-object'],
      [5, 'not-object'],
      [6, 'not-object'],
      [7, 'not-object'],
      [9, 'nul'],
      [11, 'too-long'],
    ]);
    const long = rejects.find((x) => x.reason === 'too-long')!;
    assert.ok(long.raw_len <= 4096, 'raw text is capped');
    assert.equal(long.raw_bytes, Buffer.byteLength(big));

    const junkResult = r.sources.find((s) => s.path.endsWith('junk.jsonl'))!;
    assert.equal(junkResult.lines, junkResult.inserted + junkResult.present + junkResult.rejected + junkResult.blank + junkResult.pending);
    assert.ok(junkResult.rejected > 100, 'binary junk is quarantined line by line');
    assert.ok(pyCount(db, 'ingest_rejects', `source_id = (SELECT id FROM ingest_sources WHERE path LIKE '%junk.jsonl')`) <= 1000, 'stored rejects per source are capped');
    const empty = r.sources.find((s) => s.path.endsWith('empty.jsonl'))!;
    assert.deepEqual([empty.lines, empty.inserted], [0, 0]);

    assert.ok(r.issues.some((i) => i.path.endsWith('gone.jsonl') && i.problem === 'unreadable'), JSON.stringify(r.issues));
    if (!isRoot) assert.ok(r.issues.some((i) => i.path.endsWith('locked.jsonl') && i.problem === 'unreadable'));
    assert.ok(!r.sources.some((s) => s.path.endsWith('folder.jsonl')));
  });

  test('a second run adds no rows and no duplicate rejects', async () => {
    const before = pyCount(db, 'ingest_rejects');
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal(r.sources.reduce((n, s) => n + s.inserted, 0), 0);
    assert.equal(pyCount(db, 'ingest_rejects'), before);
  });

  test('audit samples rejects with file and line, writes nothing', async () => {
    const size = fs.statSync(db).size;
    const a = await auditSources([path.join(logs, 'tool-usage.jsonl')], { dbPath: db, sampleRejects: 3 });
    assert.deepEqual(a.sources[0].sampleRejects.map((s) => [s.line, s.reason]), [
      [2, 'json'],
      [4, 'not-object'],
      [5, 'not-object'],
    ]);
    assert.equal(a.sources[0].newLines, 0);
    assert.equal(fs.statSync(db).size, size);
  });

  test('an unknown time zone is a clear error before anything is read', async () => {
    await assert.rejects(migrateSources(db, [logs], { tz: 'Mars/Olympus' }), /unknown time zone 'Mars\/Olympus'/);
  });
});
