/**
 * A database a hook script created and filled (plain seed DDL) is adopted by baseline; the
 * JSONL records it already holds are claimed (stream 0 → the file's stream) instead of
 * inserted again, and only the records it lacks are added.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { migrateSources } from '../../src/core/ingest';
import { lines, pyQuery, tempDir, write } from './helpers';

test('script-made database: adopted rows are claimed, not duplicated', async () => {
  const dir = tempDir('adopt');
  const db = path.join(dir, 'telemetry.db');
  const py = spawnSync(
    'python3',
    [
      '-c',
      `
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE tool_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, tool TEXT NOT NULL, session_id TEXT, success INTEGER)")
con.executemany("INSERT INTO tool_events (timestamp, tool, session_id, success) VALUES (?,?,?,?)",
  [(1769423127, "Bash", "s1", 1), (1769423128, "Read", "s1", 0), (1769423129, "Edit", None, 1), (1769400000, "Old", "s0", 1)])
con.commit()
`,
      db,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(py.status, 0, py.stderr);
  const logs = path.join(dir, 'logs');
  write(
    path.join(logs, 'tool-usage.jsonl'),
    lines(
      { ts: 1769423127, tool: 'Bash', session: 's1', success: true, model: 'sonnet' },
      { ts: 1769423128, tool: 'Read', session_id: 's1', success: 'false' },
      { ts: 1769423129, tool: 'Edit', success: 1 },
      { ts: 1769423130, tool: 'Grep', session_id: 's2', success: true },
      { ts: 1769423131, tool: 'Write', session_id: 's2', success: true },
    ),
  );
  const r = await migrateSources(db, [logs], { tz: 'UTC' });
  assert.ok(r.migrations.applied.includes('V1__telemetry_core'));
  assert.deepEqual([r.sources[0].inserted, r.sources[0].present], [2, 3]);
  const rows = pyQuery<{ id: number; tool: string; stream_id: number; model: string | null }>(db, 'SELECT id, tool, stream_id, model FROM tool_events ORDER BY id');
  assert.deepEqual(
    rows.map((x) => [x.id, x.tool, x.stream_id === 0 ? 'adopted' : 'stream', x.model]),
    [
      [1, 'Bash', 'stream', 'sonnet'], // claimed, and the column the script never wrote is filled in
      [2, 'Read', 'stream', null],
      [3, 'Edit', 'stream', null],
      [4, 'Old', 'adopted', null], // not in any file: stays adopted
      [5, 'Grep', 'stream', null],
      [6, 'Write', 'stream', null],
    ],
  );
  const again = await migrateSources(db, [logs], { tz: 'UTC' });
  assert.deepEqual([again.sources[0].inserted, again.sources[0].present], [0, 5]);
});
