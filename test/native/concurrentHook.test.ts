/**
 * Must show (issue 11): a python hook commits every 20 ms in WAL mode while `migrate` runs 20
 * cycles on the same file. Native: every cycle succeeds, no hook row is lost, integrity ok.
 * Wasm (same run, --engine wasm): each cycle succeeds or exits 3, nothing lost.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { hookResult, HOOK_WRITER, pyScalar, python, pythonBackground, requireNative, routingLines, runCliProcess, tempDir } from './helpers';

async function cyclesBesideHook(engine: 'native' | 'wasm'): Promise<{ codes: (number | null)[]; hook: ReturnType<typeof hookResult>; db: string; lines: number; stderr: string[] }> {
  const dir = tempDir(`tl-hook-${engine}-`);
  const db = path.join(dir, 'shared.db');
  const source = path.join(dir, 'logs', 'routing-metrics.jsonl');
  fs.mkdirSync(path.dirname(source));
  const py = pythonBackground(HOOK_WRITER, db);
  await py.ready;
  const codes: (number | null)[] = [];
  const stderr: string[] = [];
  let lines = 0;
  try {
    for (let cycle = 0; cycle < 20; cycle++) {
      fs.appendFileSync(source, routingLines(lines, 50));
      lines += 50;
      const r = await runCliProcess(['migrate', '--db', db, '--engine', engine, '--json', path.dirname(source)]);
      codes.push(r.code);
      if (r.code !== 0) stderr.push(r.stderr.trim());
    }
  } finally {
    py.child.stdin.end();
  }
  const done = await py.exited;
  return { codes, hook: hookResult(done.stdout), db, lines, stderr };
}

describe('migrate beside a python hook committing every 20 ms (WAL)', () => {
  test('native: 20 of 20 cycles succeed, every hook row is there, integrity ok, WAL kept', async () => {
    requireNative();
    const { codes, hook, db, lines, stderr } = await cyclesBesideHook('native');
    console.log('native cycles', codes.join(','), 'hook', JSON.stringify(hook));
    assert.deepEqual(codes, new Array(20).fill(0), stderr.join('\n'));
    assert.ok(hook.committed > 20, `the hook kept writing (${hook.committed})`);
    assert.equal(hook.failed, 0, 'no hook insert failed');
    assert.equal(pyScalar(db, 'SELECT count(*) FROM hook_rows'), hook.committed, 'every hook row is there');
    assert.equal(pyScalar(db, 'SELECT count(*) FROM routing_metrics_events'), lines, 'every line imported once');
    assert.equal(python(`import sqlite3,sys\nc=sqlite3.connect(sys.argv[1]); print(c.execute('PRAGMA integrity_check').fetchone()[0], c.execute('PRAGMA journal_mode').fetchone()[0])`, db).trim(), 'ok wal');
  });

  test('wasm: each cycle succeeds or exits 3, nothing lost', async () => {
    const { codes, hook, db, lines, stderr } = await cyclesBesideHook('wasm');
    console.log('wasm cycles', codes.join(','), 'hook', JSON.stringify(hook));
    for (const c of codes) assert.ok(c === 0 || c === 3, `exit ${c}: ${stderr.join('\n')}`);
    assert.equal(hook.failed, 0, 'no hook insert failed');
    assert.equal(pyScalar(db, 'SELECT count(*) FROM hook_rows'), hook.committed, 'every hook row is there');
    const imported = pyScalar(db, "SELECT count(*) FROM sqlite_master WHERE name = 'routing_metrics_events'") ? pyScalar(db, 'SELECT count(*) FROM routing_metrics_events') : 0;
    // the last successful cycle imported everything appended up to it; no line twice
    const lastOk = codes.lastIndexOf(0);
    assert.equal(imported, lastOk < 0 ? 0 : (lastOk + 1) * 50);
    assert.ok(imported <= lines);
    assert.equal(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])`, db).trim(), 'ok');
  });
});
