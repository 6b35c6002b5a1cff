import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { withWrite } from '../../src/core/db/database';
import { catchUpDirectWrites } from '../../src/core/ingest/directRows';
import { pyQuery, tempDir } from '../ingest/helpers';

describe('catchUpDirectWrites: a column and the users\' name for it fill each other', () => {
  test('each side takes the other where it is empty, in one pass; rows with both or neither are left alone', async () => {
    const db = path.join(tempDir('tl-alias-'), 'telemetry.db');
    // seed 000's tool_events (tool_name) with the catalogue's `tool` column beside it, written by python as the hooks do
    const py = spawnSync('python3', ['-c', `
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("CREATE TABLE tool_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, tool_name TEXT, tool TEXT, session_id TEXT, success INTEGER)")
c.executemany("INSERT INTO tool_events (timestamp, tool_name, tool) VALUES (?, ?, ?)",
  [(1, 'Bash', None), (2, None, 'Read'), (3, 'Edit', 'Write'), (4, None, None)])
c.commit()
`, db]);
    assert.equal(py.status, 0, py.stderr.toString());
    const changed = await withWrite(db, (d) => catchUpDirectWrites(d));
    assert.equal(changed, 2);
    const rows = pyQuery<{ timestamp: number; tool_name: string | null; tool: string | null }>(db, 'SELECT timestamp, tool_name, tool FROM tool_events ORDER BY timestamp');
    assert.deepEqual(
      rows.map((r) => [r.timestamp, r.tool_name, r.tool]),
      [
        [1, 'Bash', 'Bash'],
        [2, 'Read', 'Read'],
        [3, 'Edit', 'Write'],
        [4, null, null],
      ],
    );
    assert.equal(await withWrite(db, (d) => catchUpDirectWrites(d)), 0, 'a second run finds nothing to fill');
  });
});
