import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { ensureSchema, migrationStatus } from '../../src/core/schema';
import { loadCatalog } from '../../src/core/schema/catalog';
import { migrateDown } from '../../src/core/schema/runner';
import { memoryDb, rows, scalar } from './helpers';

function schemaObjects(db: Database): Map<string, string> {
  return new Map(rows(db, `SELECT type || ' ' || name AS k, sql FROM sqlite_master WHERE sql IS NOT NULL`).map((r) => [String(r.k), String(r.sql)]));
}

describe('baseline: the shapes scripts leave behind', () => {
  test('an adopted table keeps its own columns and indexes and gains every column and index of a fresh one', async () => {
    const fresh = await memoryDb();
    ensureSchema(fresh);
    const adopted = await memoryDb();
    adopted.run(`CREATE TABLE git_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, event_type TEXT NOT NULL, repo TEXT, branch TEXT, commit_hash TEXT, message TEXT, files_changed INTEGER, additions INTEGER, deletions INTEGER)`);
    adopted.run(`CREATE INDEX idx_git_timestamp ON git_events(timestamp)`);
    adopted.run(`INSERT INTO git_events (timestamp, event_type, repo) VALUES (1769600000, 'commit', 'a')`);
    assert.equal(ensureSchema(adopted).baselined, true);
    const want = schemaObjects(fresh);
    const got = schemaObjects(adopted);
    for (const [k, sql] of want) if (!k.startsWith('table git_events')) assert.equal(got.get(k), sql, k);
    assert.ok(got.has('index idx_git_timestamp'), "the script's own index stays");
    const cols = (db: Database) => rows(db, `SELECT name FROM pragma_table_info('git_events')`).map((r) => String(r.name));
    assert.deepEqual(cols(adopted).slice(0, 10), ['id', 'timestamp', 'event_type', 'repo', 'branch', 'commit_hash', 'message', 'files_changed', 'additions', 'deletions']);
    for (const c of cols(fresh)) assert.ok(cols(adopted).includes(c), `git_events.${c}`);
    // the script's insert (seed 000's git hook) still works
    adopted.run(`INSERT INTO git_events (timestamp, event_type, repo, branch, commit_hash, message, files_changed) VALUES (1769600001, 'commit', 'a', 'main', 'abc', 'm', 1)`);
  });

  test('views over adopted tables keep working; unknown columns and values stay as the script stored them', async () => {
    const db = await memoryDb();
    db.run(`CREATE TABLE self_heal_events (id INTEGER PRIMARY KEY AUTOINCREMENT, timestamp INTEGER NOT NULL, error_pattern TEXT, fix_applied TEXT, success INTEGER NOT NULL, host TEXT)`);
    db.run(`INSERT INTO self_heal_events (timestamp, error_pattern, fix_applied, success, host) VALUES (1, NULL, 'retry', 1, 'laptop'), (2, 'git_lock', NULL, 0, NULL)`);
    db.run(`CREATE VIEW heal_rate AS SELECT avg(success) AS rate, count(*) AS n FROM self_heal_events`);
    db.run(`DELETE FROM self_heal_events WHERE id = 2`);
    db.run(`INSERT INTO self_heal_events (timestamp, error_pattern, success) VALUES (3, 'npm', 1)`);
    ensureSchema(db);
    assert.deepEqual(rows(db, `SELECT * FROM heal_rate`), [{ rate: 1, n: 2 }]);
    const adopted = rows(db, `SELECT id, timestamp, error_pattern, fix_applied, host, extra FROM self_heal_events ORDER BY id`);
    assert.deepEqual(adopted, [
      { id: 1, timestamp: 1, error_pattern: null, fix_applied: 'retry', host: 'laptop', extra: null },
      { id: 3, timestamp: 3, error_pattern: 'npm', fix_applied: null, host: null, extra: null },
    ]);
    // AUTOINCREMENT never reuses an id: the old high-water mark (3) carries over
    db.run(`INSERT INTO self_heal_events (timestamp, success, row_hash, row_seq) VALUES (9, 1, 1, 1)`);
    assert.equal(scalar(db, `SELECT max(id) FROM self_heal_events`), 4);
  });

  test('a hand-made schema_migrations alone is kept aside, and V1 stays reversible', async () => {
    const db = await memoryDb();
    db.run(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY)`);
    db.run(`INSERT INTO schema_migrations VALUES (1), (2)`);
    const r = ensureSchema(db);
    assert.equal(r.baselined, true);
    assert.deepEqual(rows(db, `SELECT version FROM schema_migrations_pre_baseline`), [{ version: 1 }, { version: 2 }]);
    assert.equal(migrationStatus(db).find((x) => x.version === 1)!.baseline, false);
    const catalog = loadCatalog();
    for (let i = catalog.migrations.length; i > 0; i--) migrateDown(db, catalog);
    assert.equal(scalar(db, `SELECT count(*) FROM sqlite_master WHERE name = 'tool_events'`), 0);
  });

  test('an unrelated table is left alone and not adopted', async () => {
    const db = await memoryDb();
    db.run(`CREATE TABLE permission_events (id INTEGER PRIMARY KEY, timestamp TEXT NOT NULL, agent_id TEXT)`);
    db.run(`INSERT INTO permission_events VALUES (1, '2025-10-21T12:00:00', 'gemma')`);
    const before = String(scalar(db, `SELECT sql FROM sqlite_master WHERE name = 'permission_events'`));
    const r = ensureSchema(db);
    assert.equal(r.baselined, false);
    assert.equal(scalar(db, `SELECT sql FROM sqlite_master WHERE name = 'permission_events'`), before);
    assert.deepEqual(rows(db, `SELECT * FROM permission_events`), [{ id: 1, timestamp: '2025-10-21T12:00:00', agent_id: 'gemma' }]);
  });
});
