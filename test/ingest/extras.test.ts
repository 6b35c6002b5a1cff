/**
 * Inferred tables growing across runs, symlink loops, skill_metrics.json totals in verify,
 * and a CLI migrate killed (SIGKILL) mid-backfill: the re-run gives the exact result.
 */
import { setDefaultEngine } from '../../src/core/db/database';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { discoverSources, migrateSources, verifySources } from '../../src/core/ingest';
import { lines, pyCount, pyQuery, tempDir, write } from './helpers';

describe('inferred tables grow', () => {
  test('a key first seen in a later run adds a column; earlier rows stay as they were', async () => {
    const dir = tempDir('grow');
    const file = write(path.join(dir, 'logs', 'hook-events.jsonl'), lines({ ts: 1769423127, hook: 'pre' }));
    const db = path.join(dir, 't.db');
    await migrateSources(db, [path.dirname(file)], { tz: 'UTC' });
    fs.appendFileSync(file, lines({ ts: 1769423128, hook: 'post', 'exit code': 2, detail: { why: 'x' } }));
    const r = await migrateSources(db, [path.dirname(file)], { tz: 'UTC' });
    assert.equal(r.sources[0].inserted, 1);
    assert.deepEqual(pyQuery(db, 'SELECT timestamp, hook, exit_code, detail FROM hook_events ORDER BY source_line'), [
      { timestamp: 1769423127, hook: 'pre', exit_code: null, detail: null },
      { timestamp: 1769423128, hook: 'post', exit_code: 2, detail: '{"why":"x"}' },
    ]);
    assert.equal((await verifySources(db, [path.dirname(file)], { tz: 'UTC' })).ok, true);
  });
});

describe('discovery', () => {
  test('a symlink loop is reported, not followed forever; node_modules and .git are skipped', async () => {
    const dir = tempDir('loop');
    write(path.join(dir, 'a', 'tool-usage.jsonl'), lines({ ts: 1, tool: 'x' }));
    write(path.join(dir, 'a', 'node_modules', 'pkg', 'x.jsonl'), lines({ a: 1 }));
    write(path.join(dir, 'a', '.git', 'y.jsonl'), lines({ a: 1 }));
    fs.symlinkSync(dir, path.join(dir, 'a', 'back-to-root'));
    const found = await discoverSources([dir]);
    assert.deepEqual(found.sources.map((s) => path.relative(dir, s.path)), ['a/tool-usage.jsonl']);
    assert.ok(found.issues.some((i) => i.problem === 'symlink-loop'), JSON.stringify(found.issues));
  });
});

describe('verify: skill_metrics.json totals', () => {
  test('agreeing totals pass; a wrong total is reported with both values', async () => {
    const dir = tempDir('skills');
    const doc = (completed: number) => ({
      invocations: [
        { skill_name: 'lint', invoked_at: '2025-02-10T12:00:00Z', completed: true, duration_seconds: 4 },
        { skill_name: 'lint', invoked_at: '2025-02-10T13:00:00Z', completed: false, duration_seconds: null },
      ],
      skills: { lint: { total_invocations: 2, completed_invocations: completed, abandoned_invocations: 1 } },
    });
    const file = write(path.join(dir, 'data', 'skill_metrics.json'), JSON.stringify(doc(1)));
    const db = path.join(dir, 't.db');
    await migrateSources(db, [path.dirname(file)], { tz: 'UTC' });
    assert.equal((await verifySources(db, [path.dirname(file)])).ok, true);
    fs.writeFileSync(file, JSON.stringify(doc(2)));
    const v = await verifySources(db, [path.dirname(file)]);
    assert.equal(v.ok, false);
    assert.deepEqual(v.skillTotals, [{ path: file, skill: 'lint', field: 'completed_invocations', document: 2, database: 1 }]);
  });
});

describe('crash safety', () => {
  // the all-or-nothing write is the wasm engine's guarantee (the native engine commits whole
  // chunks; its kill test is test/native/killBackfill.test.ts)
  test('SIGKILL during a CLI backfill (wasm) leaves the previous database; the re-run is exact', { timeout: 120_000 }, async () => {
    setDefaultEngine('wasm');
    try {
      await killDuringBackfill();
    } finally {
      setDefaultEngine(undefined);
    }
  });
});

async function killDuringBackfill(): Promise<void> {
  {
    const dir = tempDir('kill');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: 1769423127, tool: 'Bash' }));
    await migrateSources(db, [logs], { tz: 'UTC' });
    const before = fs.readFileSync(db);
    const n = 300_000;
    write(path.join(logs, 'routing-metrics.jsonl'), Array.from({ length: n }, (_, i) => JSON.stringify({ ts: 1769423127 + i, query_id: `q${i}`, model: 'haiku' }) + '\n').join(''));
    const root = path.resolve(__dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/cli/main.ts'), 'migrate', '--engine', 'wasm', '--db', db, logs], { cwd: root, stdio: 'ignore' });
    // kill it while it holds the write lock, i.e. in the middle of the backfill
    const exited = new Promise((r) => child.on('exit', r));
    for (let i = 0; i < 600 && !fs.existsSync(`${db}.lock`); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(fs.existsSync(`${db}.lock`), 'the CLI took the write lock');
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGKILL');
    await exited;
    assert.ok(fs.readFileSync(db).equals(before), 'the killed run left the database byte-identical');
    // the killed holder's lock file may remain: the storage engine breaks it (dead pid)
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal(pyCount(db, 'routing_metrics_events'), n);
    assert.equal(pyCount(db, 'tool_events'), 1);
    assert.equal(r.sources.find((s) => s.kind === 'routing-metrics')!.inserted, n);
  }
}
