/** listRejects: the engine's reader of the quarantine, paged and filtered by source. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { listRejects, migrateSources } from '../../src/core/ingest';
import { lines, pyCount, tempDir, write } from './helpers';

describe('listRejects', () => {
  test('pages through the rejects of a real import by path and line; filters by source; cuts raw text', async () => {
    const dir = tempDir('rejects');
    const logs = path.join(dir, 'logs');
    const git = write(path.join(logs, 'git-activity.jsonl'), lines({ ts: 1769423127, type: 'commit' }, 'not json', { ts: 'soon', type: 'commit' }, `{"long":"${'y'.repeat(3000)}`, { ts: 1769423128 }));
    const tool = write(path.join(logs, 'tool-usage.jsonl'), lines('[1,2]', { ts: 1769423127, tool: 'Bash' }));
    const db = path.join(dir, 't.db');
    await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal(pyCount(db, 'ingest_rejects'), 4);

    const snap = await openSnapshot(db);
    try {
      const all = listRejects(snap);
      assert.equal(all.total, 4);
      assert.deepEqual(all.rows.map((r) => [path.basename(r.path), r.line, r.reason, r.format]), [
        ['git-activity.jsonl', 2, 'json', 'jsonl'],
        ['git-activity.jsonl', 3, 'timestamp', 'jsonl'],
        ['git-activity.jsonl', 4, 'json', 'jsonl'],
        ['tool-usage.jsonl', 1, 'not-object', 'jsonl'],
      ]);
      const long = all.rows[2];
      assert.equal(long.raw.length, 1000);
      assert.equal(long.rawBytes, Buffer.byteLength(`{"long":"${'y'.repeat(3000)}`));
      assert.ok(long.lastSeenAt >= long.firstSeenAt && long.firstSeenAt > 1_700_000_000);
      assert.match(all.rows[1].detail ?? '', /soon/);

      const page2 = listRejects(snap, { limit: 2, offset: 2 });
      assert.equal(page2.total, 4);
      assert.deepEqual(page2.rows, all.rows.slice(2, 4));
      const onlyTool = listRejects(snap, { source: tool, rawChars: 3 });
      assert.equal(onlyTool.total, 1);
      assert.deepEqual(onlyTool.rows.map((r) => [r.path, r.raw]), [[tool, '[1,']]);
      assert.equal(listRejects(snap, { source: git }).total, 3);
      assert.equal(listRejects(snap, { source: path.join(logs, 'none.jsonl') }).total, 0);
    } finally {
      snap.close();
    }
  });

  test('a database never migrated has no rejects', async () => {
    const SQL = await loadSqlJs();
    const empty = new SQL.Database();
    try {
      assert.deepEqual(listRejects(empty), { rows: [], total: 0 });
    } finally {
      empty.close();
    }
  });
});
