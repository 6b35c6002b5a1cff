/**
 * Engine parity (issue 11): the same corpus migrated by the native and the wasm engine gives
 * identical tables, counts, reconciliation and metrics (the whole static-report payload), and
 * an incremental second run agrees too. Runs in the Node 22 pass (both engines load there).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { openSnapshot, setDefaultEngine, type SqlDatabase } from '../../src/core/db/database';
import { buildReportData } from '../../src/core/dashboard/reportData';
import * as sample from '../../src/sample';
import { requireNative, tempDir } from './helpers';

const NOW_MS = Date.UTC(2026, 5, 1, 12);

async function migrate(engine: 'native' | 'wasm', db: string, src: string): Promise<Record<string, unknown>> {
  let out = '';
  let err = '';
  const code = await runCli(['migrate', '--db', db, '--engine', engine, '--json', '--tz', 'UTC', src], { out: (t) => (out += t), err: (t) => (err += t) });
  setDefaultEngine(undefined);
  assert.equal(code, 0, err);
  const r = JSON.parse(out) as Record<string, unknown>;
  assert.equal((r.engine as { name: string }).name, engine, 'the --json output names the engine that ran');
  return r;
}

/** Every table's rows in rowid order; run-time stamps (when, how long) left out. */
function dump(db: SqlDatabase): Record<string, unknown[][]> {
  const volatile = /^(first_seen_at|last_seen_at|applied_at|duration_ms|execution_time_ms|created_at|updated_at|last_ingest_at|ingested_at|missing_since|last_run_at|execution_ms)$/;
  const out: Record<string, unknown[][]> = {};
  const tables = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")[0].values.map((r) => String(r[0]));
  for (const t of tables) {
    const cols = db.exec(`SELECT name FROM pragma_table_info('${t}')`)[0].values.map((r) => String(r[0])).filter((c) => !(t.startsWith('ingest_') || t === 'schema_migrations') || !volatile.test(c));
    // a WITHOUT ROWID table has no rowid: its rows in the order of every column instead
    const withoutRowid = /WITHOUT\s+ROWID/i.test(String(db.exec(`SELECT sql FROM sqlite_master WHERE name = '${t}'`)[0]?.values[0]?.[0] ?? ''));
    const order = withoutRowid ? cols.map((_, i) => String(2 * i + 1)).join(', ') : 'rowid';
    const r = db.exec(`SELECT ${cols.map((c) => `"${c}", typeof("${c}")`).join(', ')} FROM "${t}" ORDER BY ${order}`);
    out[t] = r[0]?.values ?? [];
  }
  return out;
}

/** The first differing rows per table (readable failures instead of a 1000-row dump). */
function tableDiff(a: Record<string, unknown[][]>, b: Record<string, unknown[][]>): string[] {
  const out: string[] = [];
  for (const t of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[t] ?? [];
    const y = b[t] ?? [];
    if (x.length !== y.length) out.push(`${t}: ${x.length} rows native, ${y.length} wasm`);
    const i = x.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(y[k]));
    if (i >= 0) out.push(`${t} row ${i}: native ${JSON.stringify(x[i])} wasm ${JSON.stringify(y[i])}`);
  }
  return out;
}

function withoutRunFacts(r: Record<string, unknown>): unknown {
  const { durationMs: _d, engine: _e, database: _db, ...rest } = r;
  return rest;
}

async function readBoth(native: string, wasm: string): Promise<{ n: SqlDatabase; w: SqlDatabase }> {
  return { n: await openSnapshot(native, { engine: 'native' }), w: await openSnapshot(wasm, { engine: 'wasm' }) };
}

describe('engine parity: native and wasm give the same database', () => {
  test('same corpus → identical tables (values and types), counts, reconciliation and report metrics; then an incremental run agrees', async () => {
    requireNative();
    const dir = tempDir('tl-parity-');
    const src = path.join(dir, 'home');
    sample.generateTelemetry({ outDir: src, eventsPerSource: 400, seed: 7, now: NOW_MS });
    const nativeDb = path.join(dir, 'native.db');
    const wasmDb = path.join(dir, 'wasm.db');
    const rn = await migrate('native', nativeDb, src);
    const rw = await migrate('wasm', wasmDb, src);
    assert.deepEqual(withoutRunFacts(rn), withoutRunFacts(rw), 'migrate --json (sources, tables, rejects) agree');

    let { n, w } = await readBoth(nativeDb, wasmDb);
    try {
      assert.deepEqual(tableDiff(dump(n), dump(w)), [], 'every table, row by row');
      const opts = { databaseLabel: 'parity', nowSeconds: NOW_MS / 1000, timeZone: 'UTC' };
      assert.deepEqual(buildReportData(n, opts), buildReportData(w, opts), 'every dashboard tab for every preset');
    } finally {
      n.close();
      w.close();
    }

    // an incremental run: new lines in one file, and a rewritten one
    const routing = fs.readdirSync(path.join(src, '.claude', 'data')).find((f) => f.startsWith('routing'))!;
    fs.appendFileSync(path.join(src, '.claude', 'data', routing), `{"ts":${NOW_MS / 1000 - 60},"query_hash":"parity","model":"opus","complexity":0.5,"latency_ms":7}\n{"broken\n`);
    const rn2 = await migrate('native', nativeDb, src);
    const rw2 = await migrate('wasm', wasmDb, src);
    assert.deepEqual(withoutRunFacts(rn2), withoutRunFacts(rw2), 'incremental migrate --json agree');
    ({ n, w } = await readBoth(nativeDb, wasmDb));
    try {
      assert.deepEqual(tableDiff(dump(n), dump(w)), [], 'every table after the incremental run');
      const opts = { databaseLabel: 'parity', nowSeconds: NOW_MS / 1000, timeZone: 'UTC' };
      assert.deepEqual(buildReportData(n, opts), buildReportData(w, opts), 'metrics after the incremental run');
    } finally {
      n.close();
      w.close();
    }
  });
});
