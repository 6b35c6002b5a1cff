/**
 * Must show (issue 11): 10 lines appended to the source of a ≥ 50 MB database, then `migrate`
 * on the native engine writes under 2 MB (the CLI process's own /proc/self/io write_bytes),
 * where the wasm engine rewrites the whole file. The first migrate (a 300k-line backfill)
 * also warms tsx's compile cache, so the measured run writes only what SQLite writes.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import * as sample from '../../src/sample';
import { pyScalar, python, requireNative, routingLines, runCliProcess, tempDir } from './helpers';

describe('a small ingest into a big database', () => {
  test('native: 10 new lines into a ≥ 50 MB database write < 2 MB; every line once, integrity ok', async () => {
    requireNative();
    if (!fs.existsSync('/proc/self/io')) throw new Error('this test measures /proc/self/io (Linux)');
    const dir = tempDir('tl-smallwrite-');
    const logs = path.join(dir, 'logs');
    fs.mkdirSync(logs);
    const source = path.join(logs, 'routing-metrics.jsonl');
    sample.writeBigRoutingMetrics(source, 300_000, { seed: 3, now: Date.UTC(2026, 5, 1) });
    const db = path.join(dir, 'big.db');
    const first = await runCliProcess(['migrate', '--db', db, '--engine', 'native', logs]);
    assert.equal(first.code, 0, first.stderr);
    const size = fs.statSync(db).size + (fs.existsSync(`${db}-wal`) ? fs.statSync(`${db}-wal`).size : 0);
    assert.ok(size >= 50 << 20, `database is ${(size / 1048576).toFixed(1)} MB`);

    fs.appendFileSync(source, routingLines(10_000_000, 10));
    const small = await runCliProcess(['migrate', '--db', db, '--engine', 'native', '--json', logs], { measureIo: true });
    assert.equal(small.code, 0, small.stderr);
    assert.ok(small.writeBytes !== null, 'the child reported its write_bytes');
    const report = JSON.parse(small.stdout) as { sources: { inserted: number }[] };
    assert.equal(report.sources.reduce((n, s) => n + s.inserted, 0), 10);
    console.log(`native: 10 lines into a ${(size / 1048576).toFixed(1)} MB database wrote ${(small.writeBytes! / 1024).toFixed(0)} KiB in ${small.ms.toFixed(0)} ms (process incl. start-up)`);
    assert.ok(small.writeBytes! < 2 << 20, `wrote ${small.writeBytes} bytes`);
    assert.equal(pyScalar(db, 'SELECT count(*) FROM routing_metrics_events'), 300_010);
    assert.equal(python(`import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])`, db).trim(), 'ok');
  });
});
