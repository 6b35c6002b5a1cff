import assert from 'node:assert/strict';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { rebuildRollups } from '../../src/core/metrics';
import { rollupTableDefinitions } from '../../src/core/rollups/specs';

/**
 * Deep-compares, treating numbers as equal within `relative` (default 1e-9: sums of decimal
 * fractions in another order).
 */
export function assertClose(actual: unknown, expected: unknown, path = '$', relative = 1e-9): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected)), `${path}: ${actual} ≠ ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal((actual as unknown[]).length, expected.length, `${path}: length ${JSON.stringify(actual)}`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${path}[${i}]`, relative));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: not an object`);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`, relative);
    return;
  }
  assert.equal(actual, expected, path);
}

/** Every rollup table's rows, numbers rounded to 1e-6 and sorted, for comparing two databases. */
export function rollupContents(db: Database): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const { table } of rollupTableDefinitions()) {
    const rows = db.exec(`SELECT * FROM ${table}`)[0]?.values ?? [];
    out[table] = rows.map((r) => r.map((v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v))).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  }
  return out;
}

/** A copy of `db` whose rollups were rebuilt from scratch: the reference for incremental maintenance. */
export async function rebuiltCopy(db: Database): Promise<Database> {
  const SQL = await loadSqlJs();
  const copy = new SQL.Database(db.export());
  rebuildRollups(copy);
  return copy;
}
