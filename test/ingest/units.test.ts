/** Row identity hash, timestamp forms, rotation names, inferred names, CLI contract, cancellation. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { setDefaultEngine } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import type { SqlValue } from '../../src/core/db/database';
import { RawInsert } from '../../src/core/ingest/rawInsert';
import { TableWriter } from '../../src/core/ingest/tableWriter';
import type { TableMapper } from '../../src/core/ingest/mappers';
import { forEachDecodedRow, KIND_INT, KIND_NULL, KIND_REAL, RowBatchEncoder } from '../../src/core/ingest/lineRows';
import { migrateSources } from '../../src/core/ingest';
import { baseFileName } from '../../src/core/formats/catalogue';
import { inferredTableName } from '../../src/core/ingest/inferred';
import { canonicalJson, hash53, quotedColumnNames, rowContentHash, rowContentHashAt, rowContentHashSorted } from '../../src/core/formats/rowIdentity';
import { parseTimestamp } from '../../src/core/formats/timestamps';
import { lines, pyCount, tempDir, write } from './helpers';

// values recorded when the hash was introduced: changing them would orphan every stored row_hash
const PINNED = [3338908027751811, 5088421781090899, 3683854099661500];

describe('rowContentHash', () => {
  test('ignores key order and NULLs, sees extra, is a non-negative 53-bit integer', () => {
    const a = rowContentHash({ b: 'x', a: 1, c: null }, { z: [1, { y: 2, x: 1 }] });
    const b = rowContentHash({ a: 1, b: 'x' }, { z: [1, { x: 1, y: 2 }] });
    assert.equal(a, b);
    assert.notEqual(a, rowContentHash({ a: 1, b: 'x' }, null));
    assert.equal(rowContentHash({ a: 1 }, {}), rowContentHash({ a: 1 }, null));
    assert.ok(Number.isSafeInteger(a) && a >= 0);
  });
  test('hash53 is pinned (stored in databases: must never change across versions or machines)', () => {
    assert.equal(hash53(''), hash53(''));
    assert.notEqual(hash53('a'), hash53('a\u0000'));
    assert.notEqual(hash53('ab'), hash53('ba'));
    const long = 'ü'.repeat(100_000);
    assert.equal(hash53(long), hash53(long));
    assert.deepEqual([hash53(''), hash53('abc'), hash53('[{"a":1},null]')], PINNED);
  });
  test('the sorted fast path equals the generic function', () => {
    const cols = ['timestamp', 'query_id', 'dq_score', 'accuracy', 'reasoning'];
    const sorted = [...cols].sort();
    const row = { timestamp: 1769423127, query_id: 'q"1', dq_score: 0.5, accuracy: null, reasoning: 'é\u0000' };
    for (const extra of [null, { b: 1, a: 'x' }]) {
      assert.equal(rowContentHashSorted(sorted, quotedColumnNames(sorted), row, extra), rowContentHash(row, extra));
      assert.equal(rowContentHashSorted(sorted, quotedColumnNames(sorted), row, extra, extra ? canonicalJson(extra) : null), rowContentHash(row, extra));
      const flat = [7, ...cols.map((c) => row[c as keyof typeof row])];
      assert.equal(rowContentHashAt(sorted.map((c) => cols.indexOf(c)), quotedColumnNames(sorted), flat, 1, extra ? canonicalJson(extra) : null), rowContentHash(row, extra));
    }
  });
  test('canonicalJson sorts keys the same whether or not it met that key order before', () => {
    const a = { b: 1, a: { d: 'x', c: [{ f: 1, e: 2 }] } };
    const b = { a: { c: [{ e: 2, f: 1 }], d: 'x' }, b: 1 };
    const c = { b: 1, c: 2 }; // same count as `a`, other keys
    for (let i = 0; i < 3; i++) {
      assert.equal(canonicalJson(a), '{"a":{"c":[{"e":2,"f":1}],"d":"x"},"b":1}');
      assert.equal(canonicalJson(b), canonicalJson(a));
      assert.equal(canonicalJson(c), '{"b":1,"c":2}');
      assert.equal(canonicalJson({ 'q"': 1, u: undefined, '': null }), '{"":null,"q\\"":1}');
    }
  });
});

describe('timestamps', () => {
  const tz = 'Europe/Berlin'; // UTC+1 in January, +2 in July
  const cases: [unknown, number | undefined][] = [
    [1769423127, 1769423127],
    [1769423127.99, 1769423127],
    [1769423127999, 1769423127],
    ['1769423127', 1769423127],
    ['2026-01-28T05:30:00Z', 1769578200],
    ['2026-01-28T05:30:00.123456+0130', 1769578200 - 5400],
    ['2026-01-28T05:30:00', 1769578200 - 3600],
    ['2026-07-01T12:00:00', Date.UTC(2026, 6, 1, 10) / 1000],
    ['2026-01-28 05:30:00 -0800', 1769578200 + 8 * 3600],
    ['2026-01-28', Date.UTC(2026, 0, 27, 23) / 1000],
    ['2026-02-30', undefined],
    ['soon', undefined],
    [true, undefined],
    [{}, undefined],
  ];
  for (const [input, expected] of cases) test(`${JSON.stringify(input)} → ${expected}`, () => assert.equal(parseTimestamp(input, tz), expected));
});

describe('names', () => {
  test('rotation suffixes share one stream name', () => {
    for (const n of ['tool-usage.jsonl', 'Tool-Usage.jsonl.1', 'tool-usage-2026-01-28.jsonl', 'tool-usage.jsonl-20260128']) assert.equal(baseFileName(n), 'tool-usage.jsonl', n);
  });
  test('inferred table names are sanitised and never take a known name', () => {
    assert.equal(inferredTableName('big-events.jsonl'), 'big_events');
    assert.equal(inferredTableName('Permission Events.jsonl'), 'permission_events');
    assert.equal(inferredTableName('x"; DROP TABLE t; --.jsonl'), 'x___drop_table_t____');
    assert.equal(inferredTableName('routing_metrics_events.jsonl'), 'routing_metrics_events_jsonl');
    assert.equal(inferredTableName('ingest_sources.jsonl'), 'ingest_sources_jsonl');
  });
});

describe('CLI audit / migrate / verify', () => {
  const dir = tempDir('cli');
  const logs = path.join(dir, 'logs');
  const db = path.join(dir, 't.db');
  write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: 1769423127, tool: 'Bash' }, 'oops', { ts: 1769423128, tool: 'Read' }));
  const capture = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) }, out, err };
  };

  test('migrate --json prints the docs/architecture.md object; the default output names rejects by file:line', async () => {
    const c = capture();
    assert.equal(await runCli(['migrate', '--db', db, logs, '--json', '--tz', 'UTC'], c.io), 0);
    const r = JSON.parse(c.out.join(''));
    assert.deepEqual(Object.keys(r).slice(0, 5), ['database', 'migrations', 'sources', 'tables', 'durationMs']);
    assert.deepEqual(r.sources[0], { path: path.join(logs, 'tool-usage.jsonl'), kind: 'tool-usage', table: 'tool_events', lines: 3, inserted: 2, present: 0, rejected: 1, blank: 0, pending: 0 });
    assert.equal(r.tables.tool_events, 2);
    const t = capture();
    assert.equal(await runCli(['migrate', '--db', db, logs], t.io), 0);
    assert.match(t.out.join('\n'), /inserted 0, already present 2, rejected 1/);
    fs.appendFileSync(path.join(logs, 'tool-usage.jsonl'), 'still bad\n');
    const u = capture();
    assert.equal(await runCli(['migrate', '--db', db, logs], u.io), 0);
    assert.match(u.out.join('\n'), /tool-usage\.jsonl:4: json/);
  });

  test('verify exits 0, then 1 when a source line is not in the database', async () => {
    assert.equal(await runCli(['verify', '--db', db, logs], capture().io), 0);
    fs.appendFileSync(path.join(logs, 'tool-usage.jsonl'), JSON.stringify({ ts: 1769423129, tool: 'Edit' }) + '\n');
    const c = capture();
    assert.equal(await runCli(['verify', '--db', db, logs, '--json'], c.io), 1);
    assert.equal(JSON.parse(c.out.join('')).sources[0].missing, 1);
  });

  test('audit --json shows new lines; usage errors exit 2', async () => {
    const c = capture();
    assert.equal(await runCli(['audit', '--db', db, logs, '--json'], c.io), 0);
    const a = JSON.parse(c.out.join(''));
    assert.equal(a.sources[0].newLines, 1);
    assert.equal(a.sources[0].liveness, 'frozen');
    assert.equal(await runCli(['migrate', logs], capture().io), 2);
    assert.equal(await runCli(['migrate', '--db', db], capture().io), 2);
    assert.equal(await runCli(['audit', logs, '--tz', 'Nowhere/Land'], capture().io), 2);
  });

  test('migrate creates the database folder; verify without a database says so (exit 1)', async () => {
    const fresh = path.join(dir, 'new', 'deeper', 't.db');
    assert.equal(await runCli(['migrate', '--db', fresh, logs], capture().io), 0);
    assert.ok(fs.existsSync(fresh));
    const c = capture();
    assert.equal(await runCli(['verify', '--db', path.join(dir, 'missing.db'), logs], c.io), 1);
    assert.match(c.err.join(''), /no database at .*missing\.db \(run migrate first\)/);
  });
});

describe('cancellation', () => {
  // the all-or-nothing write is the wasm engine's guarantee; the native engine commits whole
  // chunks and a re-run is exact (test/native/killBackfill.test.ts, and the test below)
  test('wasm: an aborted migrate leaves the database exactly as it was', async () => {
    setDefaultEngine('wasm');
    try {
      await abortedWasmRun();
    } finally {
      setDefaultEngine(undefined);
    }
  });

  async function abortedWasmRun(): Promise<void> {
    const dir = tempDir('abort');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: 1769423127, tool: 'Bash' }));
    await migrateSources(db, [logs], { tz: 'UTC' });
    const before = fs.readFileSync(db);
    write(path.join(logs, 'routing-metrics.jsonl'), Array.from({ length: 200_000 }, (_, i) => JSON.stringify({ ts: 1769423127 + i, query_id: `q${i}` }) + '\n').join(''));
    const controller = new AbortController();
    const run = migrateSources(db, [logs], {
      tz: 'UTC',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'read' && p.bytesDone > 1_000_000) controller.abort();
      },
    });
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
    assert.deepEqual(fs.readFileSync(db), before);
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal(r.sources.find((s) => s.kind === 'routing-metrics')!.inserted, 200_000);
    assert.equal(pyCount(db, 'routing_metrics_events'), 200_000);
  }

  test('an aborted migrate on the engine in use leaves whole rows only; the re-run imports every line exactly once', async () => {
    const dir = tempDir('abort-any');
    const logs = path.join(dir, 'logs');
    const db = path.join(dir, 't.db');
    write(path.join(logs, 'tool-usage.jsonl'), lines({ ts: 1769423127, tool: 'Bash' }));
    await migrateSources(db, [logs], { tz: 'UTC' });
    write(path.join(logs, 'routing-metrics.jsonl'), Array.from({ length: 200_000 }, (_, i) => JSON.stringify({ ts: 1769423127 + i, query_id: `q${i}` }) + '\n').join(''));
    const controller = new AbortController();
    const run = migrateSources(db, [logs], {
      tz: 'UTC',
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'read' && p.bytesDone > 1_000_000) controller.abort();
      },
    });
    await assert.rejects(run, (e: Error) => e.name === 'AbortError');
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    const s = r.sources.find((x) => x.kind === 'routing-metrics')!;
    assert.equal(s.inserted + s.present, 200_000);
    assert.equal(pyCount(db, 'routing_metrics_events'), 200_000);
  });
});

describe('RowBatchEncoder', () => {
  test('round-trips every value kind through the encoded batch, across growth', () => {
    const rows: SqlValue[][] = [];
    for (let i = 0; i < 20_000; i++) {
      rows.push([i, 'haiku', 'ü', 'x'.repeat(i % 7 === 0 ? 3000 : 20), i % 3 === 0 ? null : i + 0.5, -0, 2 ** 40 + i, 'abc\u00e9defghijklmnopqrstu', 'long ascii text that is longer than the short limit', '']);
    }
    const enc = new RowBatchEncoder(10);
    for (let i = 0; i < rows.length; i++) enc.add(i + 1, rows[i], 0, i * 7);
    const { batch } = enc.take();
    assert.equal(batch.rows, rows.length);
    const out = new Array<SqlValue>(10);
    let seen = 0;
    forEachDecodedRow(batch, out, (i) => {
      assert.equal(i, seen++);
      assert.deepEqual(out, rows[i]);
      assert.ok(Object.is(out[5], -0));
      assert.deepEqual([batch.lines[i], batch.hashes[i]], [i + 1, i * 7]);
      assert.equal(batch.kinds[i * 10 + 6], KIND_REAL); // beyond int32: bound as a double
    });
    assert.equal(seen, rows.length);
    assert.deepEqual([batch.kinds[0], batch.kinds[4], batch.kinds[1]], [KIND_INT, KIND_NULL, 5]);
  });
});

describe('RawInsert', () => {
  test('an empty string is bound as text, not NULL, even when it is all a call holds', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, a, b, source_id, source_line, extra, stream_id, row_hash, row_seq)');
    const ins = new RawInsert(SQL, db, 'INSERT INTO t (a, b) VALUES (?, ?)', 2);
    ins.run(['', 1]);
    ins.free();
    // the worker-batch path: texts bound from the batch's bytes copied into WASM memory (none here)
    const mapper: TableMapper = { table: 't', columns: ['a', 'b'], timeColumn: null, map: () => assert.fail(), hash: () => 0, adoptHash: null };
    const writer = new TableWriter(SQL, db, mapper);
    const enc = new RowBatchEncoder(3);
    enc.add(5, ['', 2, ''], 0, 2 ** 40);
    const { batch } = enc.take();
    assert.equal(batch.used, 0);
    writer.addBatch(batch, new Float64Array([1]), 9, 3);
    writer.free();
    assert.deepEqual(db.exec('SELECT a, typeof(a), b, source_id, source_line, extra, stream_id, row_hash, row_seq FROM t ORDER BY id')[0].values, [
      ['', 'text', 1, null, null, null, null, null, null],
      ['', 'text', 2, 3, 5, '', 9, 2 ** 40, 1],
    ]);
  });
  test('binds through the C API and stores exactly what Statement.run stores', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE t (a, b, c, d)');
    db.run('CREATE TABLE ref (a, b, c, d)');
    const ins = new RawInsert(SQL, db, 'INSERT INTO t VALUES (?, ?, ?, ?), (?, ?, ?, ?)', 8);
    assert.equal(ins.native, true);
    const vals = ['é\u0000x', 1.5, null, 2 ** 40 + 3, 'ünï "q"', -7, '', 'z'.repeat(100_000)];
    ins.run(vals);
    ins.free();
    db.prepare('INSERT INTO ref VALUES (?, ?, ?, ?), (?, ?, ?, ?)').run(vals);
    const dump = (t: string) => db.exec(`SELECT a, b, c, d, typeof(a), typeof(b), typeof(c), typeof(d) FROM ${t} ORDER BY rowid`)[0].values;
    assert.deepEqual(dump('t'), dump('ref'));
    assert.deepEqual(dump('t')[0].slice(0, 4), ['é\u0000x', 1.5, null, 2 ** 40 + 3]);
    assert.throws(() => {
      const bad = new RawInsert(SQL, db, 'INSERT INTO t (a) VALUES (?)', 1);
      db.run('CREATE UNIQUE INDEX u ON t(a)');
      bad.run(['ünï "q"']);
    }, /UNIQUE constraint failed/);
    db.close();
  });
});

describe('HashCounter', () => {
  test('counts occurrences exactly through growth', async () => {
    const { HashCounter } = await import('../../src/core/ingest/hashCounter');
    const c = new HashCounter(4);
    const ref = new Map<number, number>();
    let x = 12345;
    for (let i = 0; i < 50_000; i++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      const h = (x % 20_000) * 2 ** 21 + (x & 7); // collide on the low bits on purpose
      const n = (ref.get(h) ?? 0) + 1;
      ref.set(h, n);
      assert.equal(c.increment(h), n);
    }
    assert.equal(c.distinct, ref.size);
    assert.equal(c.increment(0), (ref.get(0) ?? 0) + 1);
    assert.equal(c.increment(2 ** 53 - 1), 1);
    assert.equal(c.increment(2 ** 53 - 1), 2);
  });
});
