import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { describe, test } from 'node:test';
import { ensureSchema, MigrationFolderError, MigrationValidationError, migrationStatus } from '../../src/core/schema';
import { loadCatalog } from '../../src/core/schema/catalog';
import { readStatus } from '../../src/core/schema/fileOperations';
import { migrateDown, planRollback, repair } from '../../src/core/schema/runner';
import { memoryDb, scalar, tempDir } from './helpers';

const V100 = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);\nCREATE INDEX idx_notes_body ON notes(body);\n';

describe('checksums, validate, repair', () => {
  test('an edited applied migration is detected; the same file with CRLF line endings is not', async () => {
    const dir = tempDir('edit');
    const file = path.join(dir, 'V100__notes.sql');
    fs.writeFileSync(file, V100);
    const db = await memoryDb();
    ensureSchema(db, { userDir: dir });

    fs.writeFileSync(file, V100.replace(/\n/g, '\r\n'));
    assert.equal(migrationStatus(db, { userDir: dir }).find((r) => r.version === 100)!.state, 'applied');
    assert.deepEqual(ensureSchema(db, { userDir: dir }).applied, []);

    fs.writeFileSync(file, V100.replace('body TEXT', 'body TEXT, author TEXT'));
    const row = migrationStatus(db, { userDir: dir }).find((r) => r.version === 100)!;
    assert.equal(row.state, 'changed');
    assert.notEqual(row.checksum, row.currentChecksum);
    fs.writeFileSync(path.join(dir, 'V101__more.sql'), 'CREATE TABLE more (x);\n');
    assert.throws(
      () => ensureSchema(db, { userDir: dir }),
      (e: unknown) => e instanceof MigrationValidationError && /V100__notes was edited after it was applied/.test(e.message) && /repair/.test(e.message),
    );
    assert.equal(scalar(db, `SELECT count(*) FROM sqlite_master WHERE name = 'more'`), 0, 'validation failure migrates nothing');

    // repair accepts the deliberate edit; then the pending one applies
    assert.deepEqual(repair(db, loadCatalog(dir)), ['re-recorded checksum of V100__notes']);
    assert.deepEqual(ensureSchema(db, { userDir: dir }).applied, ['V101__more']);
  });

  test('a removed applied migration is "missing" and blocks up until repaired', async () => {
    const dir = tempDir('missing');
    fs.writeFileSync(path.join(dir, 'V100__notes.sql'), V100);
    const db = await memoryDb();
    ensureSchema(db, { userDir: dir });
    fs.rmSync(path.join(dir, 'V100__notes.sql'));
    assert.equal(migrationStatus(db, { userDir: dir }).find((r) => r.version === 100)!.state, 'missing');
    assert.throws(() => ensureSchema(db, { userDir: dir }), /V100__notes was applied but its file is gone/);
    assert.deepEqual(repair(db, loadCatalog(dir)), ['removed missing entry V100__notes']);
    ensureSchema(db, { userDir: dir });
  });

  test('a database migrated by a newer release is refused with "update Telemetry Lens", and repair keeps its entry', async () => {
    const db = await memoryDb();
    ensureSchema(db);
    db.run(`INSERT INTO schema_migrations (version, description, name, origin, checksum, applied_at, execution_ms, success) VALUES (42, 'future', 'V42__future', 'builtin', 'x', '2030-01-01T00:00:00Z', 1, 1)`);
    assert.equal(migrationStatus(db).find((r) => r.version === 42)!.state, 'missing');
    assert.throws(() => ensureSchema(db), /V42__future was applied by a newer Telemetry Lens than this one; update Telemetry Lens/);
    assert.deepEqual(repair(db, loadCatalog()), ['kept V42__future: applied by a newer Telemetry Lens']);
    assert.equal(scalar(db, `SELECT count(*) FROM schema_migrations WHERE version = 42`), 1);
  });

  test('a failed entry shows as failed and blocks until repaired', async () => {
    const dir = tempDir('failed');
    fs.writeFileSync(path.join(dir, 'V100__notes.sql'), V100);
    const db = await memoryDb();
    ensureSchema(db, { userDir: dir });
    db.run(`UPDATE schema_migrations SET success = 0 WHERE version = 100`);
    assert.equal(migrationStatus(db, { userDir: dir }).find((r) => r.version === 100)!.state, 'failed');
    assert.throws(() => ensureSchema(db, { userDir: dir }), /recorded as failed/);
  });

  test('status lists pending user migrations in version order with their state', async () => {
    const dir = tempDir('pending');
    fs.writeFileSync(path.join(dir, 'V101__b.sql'), 'CREATE TABLE b (x);');
    fs.writeFileSync(path.join(dir, 'V100__a.sql'), 'CREATE TABLE a (x);');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'not sql');
    fs.writeFileSync(path.join(dir, 'V102_typo.sql'), 'CREATE TABLE c (x);');
    const db = await memoryDb();
    ensureSchema(db);
    const status = migrationStatus(db, { userDir: dir });
    const user = status.filter((r) => r.origin === 'user');
    assert.deepEqual(user.map((r) => [r.name, r.state]), [['V100__a', 'pending'], ['V101__b', 'pending']]);
    assert.match(loadCatalog(dir).warnings.join('\n'), /ignored V102_typo.sql/);
  });

  test('user versions in the built-in range or duplicated are refused clearly', () => {
    const dir = tempDir('reserved');
    fs.writeFileSync(path.join(dir, 'V2__mine.sql'), 'SELECT 1;');
    assert.throws(() => loadCatalog(dir), (e: unknown) => e instanceof MigrationFolderError && /reserved for Telemetry Lens's built-in migrations/.test(e.message));
    const dup = tempDir('dup');
    fs.writeFileSync(path.join(dup, 'V100__a.sql'), 'SELECT 1;');
    fs.writeFileSync(path.join(dup, 'V100__b.sql'), 'SELECT 1;');
    assert.throws(() => loadCatalog(dup), /version 100 is also used by/);
  });

  test('a broken folder does not break status: the file is left out and named as a problem', async () => {
    const dir = tempDir('lenient');
    fs.writeFileSync(path.join(dir, 'V2__mine.sql'), 'SELECT 1;');
    fs.writeFileSync(path.join(dir, 'V100__ok.sql'), 'CREATE TABLE ok (x);');
    const db = await memoryDb();
    const rows = migrationStatus(db, { userDir: dir });
    assert.ok(rows.some((r) => r.name === 'V100__ok' && r.state === 'pending'));
    assert.ok(!rows.some((r) => r.description === 'mine'));
    const report = await readStatus(path.join(dir, 'none.db'), { userDir: dir });
    assert.match(report.problems.join('\n'), /V2__mine\.sql: versions below 100 are reserved/);
    assert.throws(() => ensureSchema(db, { userDir: dir }), MigrationFolderError);
  });
});

describe('down', () => {
  test('runs the newest applied migration\'s U script and forgets it', async () => {
    const dir = tempDir('down');
    fs.writeFileSync(path.join(dir, 'V100__notes.sql'), V100);
    fs.writeFileSync(path.join(dir, 'U100__notes.sql'), 'DROP INDEX idx_notes_body;\nDROP TABLE notes;\n');
    const db = await memoryDb();
    ensureSchema(db, { userDir: dir });
    assert.equal(migrateDown(db, loadCatalog(dir)), 'V100__notes');
    assert.equal(scalar(db, `SELECT count(*) FROM sqlite_master WHERE name = 'notes'`), 0);
    assert.equal(migrationStatus(db, { userDir: dir }).find((r) => r.version === 100)!.state, 'pending');
  });

  test('refuses, changing nothing, when the newest migration has no U script or nothing is applied', async () => {
    const dir = tempDir('no-undo');
    fs.writeFileSync(path.join(dir, 'V100__notes.sql'), V100);
    const db = await memoryDb();
    assert.throws(() => migrateDown(db, loadCatalog(dir)), /nothing to roll back/);
    ensureSchema(db, { userDir: dir });
    assert.throws(() => migrateDown(db, loadCatalog(dir)), /cannot roll back V100__notes: it has no undo \(U100\) script.*U100__notes\.sql/s);
    assert.equal(migrationStatus(db, { userDir: dir }).find((r) => r.version === 100)!.state, 'applied');
  });

  test('refuses to drop tables that hold rows unless forced, and says which', async () => {
    const dir = tempDir('drops');
    fs.writeFileSync(path.join(dir, 'V100__notes.sql'), V100);
    fs.writeFileSync(path.join(dir, 'U100__notes.sql'), '-- undo\nDROP TABLE IF EXISTS "notes";\n');
    const db = await memoryDb();
    ensureSchema(db, { userDir: dir });
    db.run(`INSERT INTO notes (body) VALUES ('a'), ('b')`);
    const catalog = loadCatalog(dir);
    assert.deepEqual(planRollback(db, catalog).drops, [{ table: 'notes', rows: 2 }]);
    assert.throws(() => migrateDown(db, catalog), /rolling back V100__notes would drop tables holding data: notes \(2 rows\)\. Nothing was changed; confirm with --force/);
    assert.equal(scalar(db, `SELECT count(*) FROM notes`), 2);
    assert.equal(migrateDown(db, catalog, { force: true }), 'V100__notes');
  });

  test('built-ins roll back to an empty schema one at a time', async () => {
    const db = await memoryDb();
    ensureSchema(db);
    const catalog = loadCatalog();
    db.run(`INSERT INTO tool_events (timestamp, tool, row_hash, row_seq) VALUES (1, 'Bash', 1, 1)`);
    // derived tables (rollups, watermarks) do not block; the record table does
    for (let i = catalog.migrations.length; i > 1; i--) migrateDown(db, catalog);
    assert.throws(() => migrateDown(db, catalog), /V1__telemetry_core would drop tables holding data: tool_events \(1 rows\)/);
    migrateDown(db, catalog, { force: true });
    assert.equal(scalar(db, `SELECT count(*) FROM sqlite_master WHERE name NOT IN ('schema_migrations', 'sqlite_sequence')`), 0);
    assert.throws(() => migrateDown(db, catalog), /nothing to roll back/);
  });
});
