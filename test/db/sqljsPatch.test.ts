import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';
import type { Database, SqlJsStatic } from 'sql.js';
import { isSqlJsPatched, loadSqlJs, memoryFile, openImage } from '../../src/core/db/sqljs';
import { patchSqlJsSource } from '../../src/core/db/sqljsPatch';
import { openSnapshot, withWrite } from '../../src/core/db/database';

const fill = (db: Database, n: number) =>
  db.run(`WITH RECURSIVE s(v) AS (SELECT 1 UNION ALL SELECT v + 1 FROM s WHERE v < ${n}) INSERT INTO t SELECT NULL, printf('row %08d of the test table', v) FROM s`);

/** Bytes where two images differ, beyond what export()'s backup bumps: change counter (24..27), schema cookie (40..43), version-valid-for (92..95). */
function differing(a: Uint8Array, b: Uint8Array): number[] {
  assert.equal(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(i >= 24 && i < 28) && !(i >= 40 && i < 44) && !(i >= 92 && i < 96)) out.push(i);
  return out;
}

test('the pinned sql.js build takes the in-memory file patch', async () => {
  const src = fs.readFileSync(require.resolve('sql.js/dist/sql-wasm.js'), 'utf8');
  const patched = patchSqlJsSource(src);
  assert.ok(patched, 'patch found its places: a sql.js upgrade needs sqljsPatch.ts looked at');
  assert.ok(patched.includes('__tlFile') && patched.includes('__tlOwn'));
  assert.equal(patchSqlJsSource('module.exports = function initSqlJs() {}'), null, 'an unknown build is left alone');
  await loadSqlJs();
  assert.equal(isSqlJsPatched(), true);
});

test('the in-memory file is the committed database: same pages as export()', async () => {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT); CREATE INDEX t_text ON t (text)');
  fill(db, 20_000);
  const file = memoryFile(db)!;
  const direct = new Uint8Array(file.bytes());
  assert.deepEqual(differing(direct, db.export()), []);
  db.close();
});

test('an owned image is used without a copy, and reserved room absorbs growth without reallocation', async () => {
  const SQL = await loadSqlJs();
  const seed = new SQL.Database();
  seed.run('CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)');
  fill(seed, 1000);
  const image = new Uint8Array(seed.export());
  seed.close();

  const db = openImage(SQL, image);
  const file = memoryFile(db)!;
  assert.equal(file.bytes().buffer, image.buffer, 'sql.js kept our array');
  file.reserve(8 << 20);
  assert.equal(file.capacity(), 8 << 20);
  const room = file.bytes().buffer;
  db.run('DELETE FROM t');
  fill(db, 30_000);
  assert.ok(file.bytes().length > image.length && file.bytes().length < 8 << 20);
  assert.equal(file.bytes().buffer, room, 'no reallocation inside the reserved room');
  assert.deepEqual(db.exec('SELECT count(*), sum(id) FROM t')[0].values, [[30_000, (30_000 * 30_001) / 2]]);
  assert.equal(db.exec('PRAGMA integrity_check')[0].values[0][0], 'ok');
  db.close();
});

test('plain sql.js (another build) has no in-memory file: callers fall back to export()', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const plain = (await (require('sql.js/dist/sql-wasm.js') as (c: object) => Promise<SqlJsStatic>)({ wasmBinary: fs.readFileSync(require.resolve('sql.js/dist/sql-wasm.wasm')) })) as SqlJsStatic;
  const db = new plain.Database();
  assert.equal(memoryFile(db), null);
  db.close();
});

test('a write-back straight from the in-memory file is a database python3 sqlite3 reads, WAL mode kept', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-memfile-'));
  const dbPath = path.join(dir, 'w.db');
  const py = (code: string) => spawnSync('python3', ['-c', code, dbPath], { encoding: 'utf8' });
  const made = py(`import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA journal_mode=WAL'); c.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)'); c.commit(); c.close()`);
  assert.equal(made.status, 0, made.stderr);
  for (let round = 1; round <= 3; round++) await withWrite(dbPath, (db) => fill(db as unknown as Database, 5000 * round), { forceWrite: true, engine: 'wasm' });
  const check = py(`import sqlite3,sys
c=sqlite3.connect(sys.argv[1]); print(c.execute('PRAGMA integrity_check').fetchone()[0], c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('SELECT count(*) FROM t').fetchone()[0])`);
  assert.equal(check.status, 0, check.stderr);
  assert.equal(check.stdout.trim(), `ok wal ${5000 + 10_000 + 15_000}`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a snapshot read from disk opens with room to grow in place (no copy of the image per write)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-memroom-'));
  const dbPath = path.join(dir, 'r.db');
  const SQL = await loadSqlJs();
  const seed = new SQL.Database();
  seed.run('CREATE TABLE t (id INTEGER PRIMARY KEY, text TEXT)');
  fill(seed, 50_000);
  fs.writeFileSync(dbPath, seed.export());
  seed.close();
  const db = (await openSnapshot(dbPath, { engine: 'wasm' })) as unknown as Database;
  const file = memoryFile(db)!;
  const size = file.bytes().length;
  assert.equal(size, fs.statSync(dbPath).size);
  assert.ok(file.capacity() >= size + (1 << 20), `capacity ${file.capacity()} for ${size} bytes`);
  const room = file.bytes().buffer;
  fill(db, 5000);
  assert.ok(file.bytes().length > size);
  assert.equal(file.bytes().buffer, room, 'grew inside the room');
  assert.deepEqual(db.exec('SELECT count(*) FROM t')[0].values, [[55_000]]);
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
