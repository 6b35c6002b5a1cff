/**
 * Bookkeeping (issue 12): `migrations down` refuses to drop the ingest ledger while event
 * rows still point into it, and tables named rollup… that are not Telemetry Lens's rollups
 * are event tables like any other (no LIKE 'rollup_%' without ESCAPE).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cli } from '../cli/helpers';
import { migrateSources } from '../../src/core/ingest';
import { lines, pyCount, pyQuery, tempDir, write } from '../ingest/helpers';

const T0 = 1769423127;

describe('bookkeeping guards', () => {
  test('migrations down keeps the ingest ledger while event rows reference it', async () => {
    const dir = tempDir('down');
    const db = path.join(dir, 't.db');
    const empty = path.join(dir, 'no-migrations');
    write(path.join(dir, 'logs', 'tool-usage.jsonl'), lines({ ts: T0, tool: 'Bash' }));
    await migrateSources(db, [path.join(dir, 'logs')]);
    // V6 (ordered identity index), V5 (Claude Code usage), V4 (writer contract) and V3 (rollups: derived data) roll back
    for (const v of [6, 5, 4, 3]) {
      const down = await cli(['migrations', 'down', '--db', db, '--dir', empty]);
      assert.equal(down.code, 0, `V${v} rolls back: ${down.out}${down.err}`);
    }
    const r = await cli(['migrations', 'down', '--db', db, '--dir', empty]);
    assert.equal(r.code, 1, r.out + r.err);
    assert.match(r.err, /ingest_s(ources|treams)/);
    assert.equal(r.err.trim().split('\n').length, 1);
    assert.equal(pyCount(db, 'ingest_sources'), 1);
    assert.equal(pyCount(db, 'ingest_streams'), 1);
    assert.equal(pyCount(db, 'schema_migrations', 'version = 2'), 1);
  });

  test("a table named rollups… of the user's data is an event table with rollups", async () => {
    const dir = tempDir('rollupname');
    const db = path.join(dir, 't.db');
    write(path.join(dir, 'logs', 'rollups.jsonl'), lines({ ts: T0, job: 'nightly' }, { ts: T0 + 60, job: 'hourly' }));
    const r = await migrateSources(db, [path.join(dir, 'logs')]);
    assert.equal(r.sources[0].table, 'rollups');
    assert.equal(pyQuery<{ n: number }>(db, `SELECT sum(events) AS n FROM rollup_event_hour WHERE table_name = 'rollups'`)[0].n, 2);
    const h = await cli(['health', '--db', db, '--json']);
    assert.match(h.out, /"rollups"/);
  });
});
