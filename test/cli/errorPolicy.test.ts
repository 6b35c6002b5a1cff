/**
 * One error policy (issue 12): a one-line message naming the file and what to do, the exit
 * code by class (usage 2, check failed 1, could not write 3), the stack only with --debug;
 * mistyped paths are errors; FIFOs and folders named like sources are reported, never hang;
 * `report --out` never overwrites the database, and says that it embeds raw rows.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { cli } from './helpers';
import { describeError } from '../../src/core/db/errors';
import { lines, tempDir, write } from '../ingest/helpers';

const T0 = 1769423127;

describe('CLI error policy', () => {
  const dir = tempDir('policy');
  const logs = path.join(dir, 'logs');
  const db = path.join(dir, 'telemetry.db');
  write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: T0, tool: 'Bash', command: 'echo SECRET-COMMAND-42' }));

  test('a mistyped path is a usage error naming it, for verify, migrate and audit', async () => {
    assert.equal((await cli(['migrate', '--db', db, logs])).code, 0);
    const typo = path.join(dir, 'logz');
    for (const argv of [['verify', '--db', db, typo], ['migrate', '--db', db, typo], ['audit', typo], ['verify', '--db', db, logs, typo]]) {
      const r = await cli(argv);
      assert.equal(r.code, 2, argv.join(' '));
      assert.ok(r.err.includes(typo), r.err);
      assert.equal(r.err.trim().split('\n').length, 1);
      assert.doesNotMatch(r.out, /every source is in the database/);
    }
  });

  test('a FIFO and a folder named *.jsonl are reported, and the run does not hang', async () => {
    const d = tempDir('fifo');
    const l = path.join(d, 'logs');
    write(path.join(l, 'tool-usage.jsonl'), lines({ ts: T0, tool: 'Bash' }));
    assert.equal(spawnSync('mkfifo', [path.join(l, 'pipe.jsonl')]).status, 0);
    fs.mkdirSync(path.join(l, 'archive.jsonl'));
    const r = await cli(['migrate', '--db', path.join(d, 't.db'), l]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /pipe\.jsonl is a named pipe \(FIFO\)/);
    assert.match(r.out, /archive\.jsonl is a folder/);
    assert.match(r.out, /inserted 1\b/);
    const explicit = await cli(['audit', path.join(l, 'pipe.jsonl')]);
    assert.equal(explicit.code, 0);
    assert.match(explicit.out, /named pipe/);
  });

  test('an unexpected failure is one line without a stack; --debug adds the stack', async () => {
    const notDb = write(path.join(dir, 'notes.txt'), 'this is not a database, just a long enough text file '.repeat(40));
    const r = await cli(['health', '--db', notDb]);
    assert.equal(r.code, 2);
    assert.equal(r.err.trim().split('\n').length, 1, r.err);
    assert.doesNotMatch(r.err, /\n\s+at /);
    assert.match(r.err, /SQLite database/);
    const d = await cli(['health', '--db', notDb, '--debug']);
    assert.equal(d.code, 2);
    assert.match(d.err, /\n\s+at /);
  });

  test('system errors map to the contract: disk full, permission, read-only file system exit 3 naming the file', () => {
    for (const code of ['ENOSPC', 'EDQUOT', 'EACCES', 'EPERM', 'EROFS']) {
      const e = Object.assign(new Error(`${code}: failed, write '/data/t.db.tmp-1'`), { code, path: '/data/t.db.tmp-1' });
      const r = describeError(e);
      assert.equal(r.exitCode, 3, code);
      assert.ok(r.message.includes('/data/t.db.tmp-1'));
      assert.ok(!r.message.includes('\n'));
    }
    assert.equal(describeError(new Error('boom\n    at x (y.js:1:1)')).exitCode, 1);
    assert.equal(describeError(new Error('boom\n    at x (y.js:1:1)')).message.includes('\n'), false);
  });

  test('a read-only folder for a new database exits 3 (not 1)', { skip: process.getuid?.() === 0 ? 'root writes read-only folders' : false }, async () => {
    const d = tempDir('rofolder');
    fs.chmodSync(d, 0o555);
    const r = await cli(['migrate', '--db', path.join(d, 't.db'), logs]);
    assert.equal(r.code, 3, r.err);
  });

  test('report --out refuses the database, another SQLite file and a source; says it embeds rows; --no-rows leaves them out', async () => {
    const before = fs.readFileSync(db);
    for (const out of [db, path.join(logs, 'tool-usage.jsonl'), path.join(logs, 'report.jsonl')]) {
      const r = await cli(['report', '--db', db, '--out', out]);
      assert.equal(r.code, 2, out);
      assert.equal(r.err.trim().split('\n').length, 1);
    }
    const other = path.join(dir, 'other.db');
    fs.copyFileSync(db, other);
    assert.equal((await cli(['report', '--db', db, '--out', other])).code, 2);
    const link = path.join(dir, 'db-link.html');
    fs.symlinkSync(db, link);
    assert.equal((await cli(['report', '--db', db, '--out', link])).code, 2);
    assert.deepEqual(fs.readFileSync(db), before);
    assert.deepEqual(fs.readFileSync(other), before);

    const html = path.join(dir, 'report.html');
    const withRows = await cli(['report', '--db', db, '--out', html]);
    assert.equal(withRows.code, 0, withRows.err);
    assert.match(withRows.out, /embeds the newest \d+ raw rows/);
    assert.ok(fs.readFileSync(html, 'utf8').includes('SECRET-COMMAND-42'));
    const noRows = await cli(['report', '--db', db, '--out', html, '--no-rows']);
    assert.equal(noRows.code, 0, noRows.err);
    assert.ok(!fs.readFileSync(html, 'utf8').includes('SECRET-COMMAND-42'));
  });
});
