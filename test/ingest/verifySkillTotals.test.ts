/**
 * verify's skill_metrics.json totals: the document's `skills` totals are compared with the rows
 * imported from that document's stream, so skill-invocations.jsonl feeding the same table is no
 * mismatch (sample data verifies with exit 0), while a real disagreement still exits 1.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { generateTelemetry } from '../../src/sample/generateTelemetry';
import { pyQuery, tempDir } from './helpers';

/** Another program (python3's sqlite3) changes the database. */
function pyExec(db: string, sql: string): void {
  const r = spawnSync('python3', ['-c', 'import sqlite3, sys\ncon = sqlite3.connect(sys.argv[1])\ncon.execute(sys.argv[2])\ncon.commit()\ncon.close()', db, sql], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

const capture = () => {
  const out: string[] = [];
  return { io: { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) }, out };
};

describe('verify: skill_metrics.json totals vs its own imported rows', () => {
  const dir = tempDir('skilltotals');
  const corpus = generateTelemetry({ outDir: dir, eventsPerSource: 120, seed: 11, now: Date.parse('2026-01-28T12:00:00Z') });
  const db = path.join(dir, 't.db');
  const docPath = corpus.files.find((f) => f.kind === 'skill-metrics')!.path;

  test('a clean sample import verifies with exit 0, though skill-invocations.jsonl feeds the same table', async () => {
    assert.equal(await runCli(['migrate', '--db', db, corpus.root, '--tz', 'UTC'], capture().io), 0);
    // the premise: the derived skill_metrics counts more than the document's own invocations
    const doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));
    const derived = pyQuery<{ n: number }>(db, 'SELECT sum(total_invocations) AS n FROM skill_metrics')[0].n;
    assert.ok(derived > doc.invocations.length, `derived ${derived} vs document ${doc.invocations.length}`);
    const c = capture();
    assert.equal(await runCli(['verify', '--db', db, corpus.root, '--tz', 'UTC', '--json'], c.io), 0);
    const v = JSON.parse(c.out.join(''));
    assert.equal(v.ok, true);
    assert.deepEqual(v.skillTotals, []);
    assert.ok(v.sources.some((s: { path: string }) => s.path === docPath));
    const text = capture();
    assert.equal(await runCli(['verify', '--db', db, corpus.root, '--tz', 'UTC'], text.io), 0);
    assert.match(text.out.join('\n'), /every source is in the database/);
  });

  test('a document total that disagrees with its invocations exits 1 and names both values', async () => {
    const doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));
    const skill = Object.keys(doc.skills).sort()[0];
    const own = doc.invocations.filter((i: { skill_name: string }) => i.skill_name === skill).length;
    assert.equal(doc.skills[skill].total_invocations, own, 'the generator writes totals of its own invocations');
    doc.skills[skill].total_invocations = own + 1;
    fs.writeFileSync(docPath, JSON.stringify(doc));
    const c = capture();
    assert.equal(await runCli(['verify', '--db', db, corpus.root, '--tz', 'UTC', '--json'], c.io), 1);
    const v = JSON.parse(c.out.join(''));
    assert.deepEqual(v.skillTotals, [{ path: docPath, skill, field: 'total_invocations', document: own + 1, database: own }]);
    assert.ok(v.sources.every((s: { ok: boolean }) => s.ok), 'every row is still there: only the total disagrees');
    const text = capture();
    assert.equal(await runCli(['verify', '--db', db, corpus.root, '--tz', 'UTC'], text.io), 1);
    assert.match(text.out.join('\n'), new RegExp(`skill ${skill} total_invocations: document says ${own + 1}, database has ${own}`));
    assert.match(text.out.join('\n'), /rows imported from the document's own stream/);
  });

  test("a row of the document deleted from the database: its totals disagree too (exit 1)", async () => {
    const doc = JSON.parse(fs.readFileSync(docPath, 'utf8'));
    const skill = Object.keys(doc.skills).sort()[0];
    doc.skills[skill].total_invocations -= 1; // back to the truth
    fs.writeFileSync(docPath, JSON.stringify(doc));
    assert.equal(await runCli(['verify', '--db', db, corpus.root, '--tz', 'UTC'], capture().io), 0);
    const [{ sid }] = pyQuery<{ sid: number }>(db, `SELECT id AS sid FROM ingest_streams WHERE stream_key = '${docPath.replace(/'/g, "''")}'`);
    pyExec(db, `DELETE FROM skill_invocation WHERE id = (SELECT min(id) FROM skill_invocation WHERE stream_id = ${sid} AND skill_name = '${skill}')`);
    const c = capture();
    assert.equal(await runCli(['verify', '--db', db, corpus.root, '--tz', 'UTC', '--json'], c.io), 1);
    const v = JSON.parse(c.out.join(''));
    assert.equal(v.sources.find((s: { path: string }) => s.path === docPath).missing, 1);
    const total = v.skillTotals.find((m: { skill: string; field: string }) => m.skill === skill && m.field === 'total_invocations');
    assert.deepEqual(total, { path: docPath, skill, field: 'total_invocations', document: doc.skills[skill].total_invocations, database: doc.skills[skill].total_invocations - 1 });
  });
});
