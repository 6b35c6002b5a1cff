import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { describe, test } from 'node:test';
import { withWrite } from '../../src/core/db/database';
import { ensureSchema, MigrationFailedError } from '../../src/core/schema';
import { migrateFileUp } from '../../src/core/schema/fileOperations';
import { memoryDb, schemaDump, tempDir } from './helpers';

const GOOD_THEN_BROKEN = `-- adds a view and a table, then breaks
CREATE TABLE team_notes (id INTEGER PRIMARY KEY, note TEXT);
INSERT INTO team_notes (note) VALUES ('first; with a semicolon inside');
CREATE TABLE broken (a TEXT,, b TEXT);
CREATE TABLE never_created (x);
`;

describe('a failing user migration', () => {
  test('syntax error in its 3rd statement: file bytes unchanged, error names file + statement + SQLite message', async () => {
    const dir = tempDir('fail');
    const migrations = path.join(dir, 'migrations');
    fs.mkdirSync(migrations);
    const dbPath = path.join(dir, 'telemetry.db');
    // a managed database with data in it
    await migrateFileUp(dbPath, { userDir: migrations });
    await withWrite(dbPath, (db) => {
      db.run(`INSERT INTO tool_events (timestamp, tool, row_hash, row_seq) VALUES (1769423127, 'Bash', 42, 1)`);
    });
    const before = fs.readFileSync(dbPath);

    const file = path.join(migrations, 'V100__team_notes.sql');
    fs.writeFileSync(file, GOOD_THEN_BROKEN);
    const err = await migrateFileUp(dbPath, { userDir: migrations }).then(
      () => assert.fail('migration should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof MigrationFailedError, String(err));
    assert.equal(err.failure.location, file);
    assert.equal(err.failure.statementNumber, 3);
    assert.equal(err.failure.line, 4);
    assert.match(err.failure.statement, /CREATE TABLE broken/);
    assert.match(err.failure.sqliteMessage, /syntax error/);
    assert.ok(err.message.includes(file) && err.message.includes('statement 3'), err.message);
    assert.equal(err.exitCode, 1);

    assert.deepEqual(fs.readFileSync(dbPath), before, 'database file is byte-for-byte unchanged');
    assert.deepEqual(fs.readdirSync(dir).sort(), ['migrations', 'telemetry.db'], 'no temp or journal files left');
  });

  test('runtime error in the 3rd statement rolls the in-memory database back exactly', async () => {
    const dir = tempDir('fail-rt');
    fs.writeFileSync(
      path.join(dir, 'V100__bad_insert.sql'),
      `CREATE TABLE t1 (x);\nINSERT INTO tool_events (timestamp, tool, row_hash, row_seq) VALUES (1, 'Edit', 7, 1);\nINSERT INTO no_such_table VALUES (1);\n`,
    );
    const db = await memoryDb();
    ensureSchema(db); // built-ins only
    db.run(`INSERT INTO tool_events (timestamp, tool, row_hash, row_seq) VALUES (5, 'Bash', 1, 1)`);
    const schemaBefore = schemaDump(db);
    const dataBefore = JSON.stringify(db.exec('SELECT * FROM tool_events; SELECT * FROM schema_migrations'));
    assert.throws(
      () => ensureSchema(db, { userDir: dir }),
      (e: unknown) => e instanceof MigrationFailedError && e.failure.statementNumber === 3 && /no such table: no_such_table/.test(e.failure.sqliteMessage) && /INSERT INTO no_such_table/.test(e.failure.statement),
    );
    assert.equal(schemaDump(db), schemaBefore);
    assert.equal(JSON.stringify(db.exec('SELECT * FROM tool_events; SELECT * FROM schema_migrations')), dataBefore);
  });

  test('semicolons inside triggers and strings do not split statements', async () => {
    const dir = tempDir('trigger');
    fs.writeFileSync(
      path.join(dir, 'V100__audit.sql'),
      `CREATE TABLE audit (msg TEXT);\r\nCREATE TRIGGER trg_tool_audit AFTER INSERT ON tool_events BEGIN\r\n  INSERT INTO audit VALUES ('tool; ' || NEW.tool);\r\n  INSERT INTO audit VALUES ('done;');\r\nEND;\r\n`,
    );
    const db = await memoryDb();
    const r = ensureSchema(db, { userDir: dir });
    assert.ok(r.applied.includes('V100__audit'));
    db.run(`INSERT INTO tool_events (timestamp, tool, row_hash, row_seq) VALUES (5, 'Bash', 1, 1)`);
    assert.deepEqual(db.exec('SELECT msg FROM audit')[0].values, [['tool; Bash'], ['done;']]);
  });

  test('BEGIN/COMMIT inside a migration is refused with a clear message, nothing applied', async () => {
    const dir = tempDir('txn');
    fs.writeFileSync(path.join(dir, 'V100__txn.sql'), `BEGIN;\nCREATE TABLE x (a);\nCOMMIT;\n`);
    const db = await memoryDb();
    ensureSchema(db);
    const before = schemaDump(db);
    assert.throws(() => ensureSchema(db, { userDir: dir }), /statement 1 .*transaction of their own/s);
    assert.equal(schemaDump(db), before);
  });
});
