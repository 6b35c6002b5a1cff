import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { readStatus } from '../../src/core/schema/fileOperations';
import { resolveMigrationsFolder } from '../../src/core/schema/migrationsFolder';
import { statusMarkdown } from '../../src/core/schema/statusMarkdown';
import { tempDir } from './helpers';
import { pythonQuery } from './seedFixture';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

describe('migrations CLI', () => {
  test('status → up --to → up → edit → validate fails (exit 1) → repair → down, with --json', async () => {
    const dir = tempDir('cli');
    const mig = path.join(dir, 'migrations');
    fs.mkdirSync(mig);
    const db = path.join(dir, 't.db');
    fs.writeFileSync(path.join(mig, 'V100__notes.sql'), 'CREATE TABLE notes (x TEXT);\n');
    fs.writeFileSync(path.join(mig, 'U100__notes.sql'), 'DROP TABLE notes;\n');
    const base = ['--db', db, '--dir', mig];

    let r = await cli('migrations', 'status', ...base, '--json');
    assert.equal(r.code, 0);
    const before = JSON.parse(r.out);
    assert.equal(before.exists, false);
    assert.ok(before.rows.every((x: { state: string }) => x.state === 'pending'));

    r = await cli('migrations', 'up', ...base, '--to', '1', '--json');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).applied, ['V1__telemetry_core']);

    r = await cli('migrations', 'up', ...base);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /V100__notes/);
    assert.deepEqual(pythonQuery(db, `SELECT count(*) FROM sqlite_master WHERE name = 'notes'`), [[1]], 'python sqlite3 reads the written file');

    r = await cli('migrations', 'status', ...base);
    assert.match(r.out, /100\s+notes\s+user\s+applied/);

    fs.writeFileSync(path.join(mig, 'V100__notes.sql'), 'CREATE TABLE notes (x TEXT, y TEXT);\n');
    r = await cli('migrations', 'validate', ...base);
    assert.equal(r.code, 1);
    assert.match(r.err, /V100__notes was edited after it was applied/);
    r = await cli('migrations', 'up', ...base);
    assert.equal(r.code, 1);

    r = await cli('migrations', 'repair', ...base);
    assert.equal(r.code, 0);
    assert.match(r.out, /re-recorded checksum of V100__notes/);
    r = await cli('migrations', 'validate', ...base);
    assert.equal(r.code, 0, r.err);

    r = await cli('migrations', 'down', ...base, '--json');
    assert.equal(r.code, 0, r.err);
    assert.equal(JSON.parse(r.out).rolledBack, 'V100__notes');
    assert.deepEqual(pythonQuery(db, `SELECT count(*) FROM sqlite_master WHERE name = 'notes'`), [[0]]);
  });

  test('usage errors exit 2; down without an undo script exits 1 with a clear message', async () => {
    assert.equal((await cli('migrations')).code, 2);
    assert.equal((await cli('migrations', 'sideways', '--db', 'x.db')).code, 2);
    assert.equal((await cli('migrations', 'status')).code, 2);
    assert.equal((await cli('migrations', 'status', '--db', 'x.db', '--to', '3')).code, 2);
    const dir = tempDir('cli-down');
    const mig = path.join(dir, 'm');
    fs.mkdirSync(mig);
    fs.writeFileSync(path.join(mig, 'V100__keep.sql'), 'CREATE TABLE keep (x);');
    const db = path.join(dir, 't.db');
    assert.equal((await cli('migrations', 'up', '--db', db, '--dir', mig)).code, 0);
    let r = await cli('migrations', 'down', '--db', db, '--dir', mig);
    assert.equal(r.code, 1);
    assert.match(r.err, /cannot roll back V100__keep: it has no undo \(U100\) script/);
    fs.writeFileSync(path.join(mig, 'U100__keep.sql'), 'DROP TABLE keep;');
    const { withWrite } = await import('../../src/core/db/database');
    await withWrite(db, (d) => d.run('INSERT INTO keep VALUES (1)'));
    const before = fs.readFileSync(db);
    r = await cli('migrations', 'down', '--db', db, '--dir', mig);
    assert.equal(r.code, 1);
    assert.match(r.err, /would drop tables holding data: keep \(1 rows\)/);
    assert.deepEqual(fs.readFileSync(db), before);
    r = await cli('migrations', 'down', '--db', db, '--dir', mig, '--force');
    assert.equal(r.code, 0, r.err);
    assert.equal((await cli('migrations', 'up', '--db', db, '--dir', mig, '--force')).code, 2);
  });
});

describe('presentation helpers', () => {
  test('migrations folder: relative to the workspace, ~ and ${workspaceFolder} expanded, none without a workspace', () => {
    assert.equal(resolveMigrationsFolder(undefined, '/ws'), path.join('/ws', '.telemetry', 'migrations'));
    assert.equal(resolveMigrationsFolder('db/migrations', '/ws'), path.join('/ws', 'db', 'migrations'));
    assert.equal(resolveMigrationsFolder('${workspaceFolder}/m', '/ws'), path.join('/ws', 'm'));
    assert.equal(resolveMigrationsFolder('~/m', undefined), path.join(os.homedir(), 'm'));
    assert.equal(resolveMigrationsFolder('/abs/m', undefined), '/abs/m');
    assert.equal(resolveMigrationsFolder('.telemetry/migrations', undefined), undefined);
    assert.equal(resolveMigrationsFolder('', '/ws'), undefined);
  });

  test('status markdown is a table with one row per migration and escapes pipes', async () => {
    const dir = tempDir('md');
    fs.writeFileSync(path.join(dir, 'V100__a_b.sql'), 'CREATE TABLE ab (x);');
    const report = await readStatus(path.join(dir, 'none.db'), { userDir: dir });
    const md = statusMarkdown({ ...report, problems: ['a | b'] });
    assert.match(md, /^# Telemetry schema migrations/);
    assert.match(md, /\| Version \| Description \| Type \| State \|/);
    assert.match(md, /\| 100 \| a_b \| user \| pending \|/);
    assert.match(md, /- a \\\| b/);
    assert.equal(md.split('\n').filter((l) => /^\| \d+ \|/.test(l)).length, report.rows.length);
  });
});
