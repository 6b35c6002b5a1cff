import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { hookSnippetCommand } from '../../src/cli/commands/hookSnippet';
import { UsageError } from '../../src/core/db/errors';
import { migrateSources } from '../../src/core/ingest/migrate';
import { pyCount, pyQuery, tempDir } from '../ingest/helpers';

async function snippet(argv: string[]): Promise<string> {
  let out = '';
  const code = await hookSnippetCommand.run(argv, { out: (t) => (out += t + '\n'), err: () => {} });
  assert.equal(code, 0);
  return out;
}

describe('hook-snippet: lines that write one event straight into a table', () => {
  test('the python and bash snippets run against a real Telemetry Lens database and write one row each, in WAL', async () => {
    const dir = tempDir('snippet');
    const db = path.join(dir, 'claude.db');
    await migrateSources(db, [dir], { tz: 'UTC' });
    for (const table of ['git_events', 'tool_events', 'session_outcome_events', 'routing_metrics_events', 'self_heal_events']) {
      const py = await snippet([table, '--lang', 'python', '--db', db]);
      assert.match(py, /busy_timeout/);
      const r = spawnSync('python3', ['-c', py], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const sh = await snippet([table, '--lang', 'bash', '--db', db]);
      const b = spawnSync('bash', ['-c', sh], { encoding: 'utf8' });
      assert.equal(b.status, 0, b.stderr);
      assert.equal(pyCount(db, table), 2, table);
      await migrateSources(db, [dir], { tz: 'UTC' }); // and Telemetry Lens keeps working with them
    }
    assert.deepEqual(pyQuery(db, 'PRAGMA journal_mode'), [{ journal_mode: 'wal' }]);
    const node = await snippet(['git_events', '--lang', 'node']);
    assert.match(node, /INSERT INTO git_events \(timestamp, event_type/);
  });

  test('usage errors name the problem (exit 2)', async () => {
    await assert.rejects(hookSnippetCommand.run(['nope'], { out: () => {}, err: () => {} }), (e: unknown) => e instanceof UsageError && /unknown table nope/.test(String(e)));
    await assert.rejects(hookSnippetCommand.run(['git_events', '--lang', 'ruby'], { out: () => {}, err: () => {} }), UsageError);
  });
});
