/**
 * Released built-in migrations and row identities are stored in users' databases: editing a
 * built-in migration makes every existing database refuse to migrate ("changed"), and changing
 * the content hash makes the next import duplicate every row. These pins fail first, so a change
 * becomes a new migration (V4…) or a deliberate, documented identity migration instead.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowContentHash } from '../../src/core/ingest/rowIdentity';
import { builtinMigrations } from '../../src/core/schema/builtin';
import { resolveBuiltin } from '../../src/core/schema/catalog';

const RELEASED: Record<string, string> = {
  V1__telemetry_core: '41305059b5ed6a909096134401a34ce3b3a6ad678a940c3c46843b9e1b9e494e',
  V2__ingest_bookkeeping: '51574c39850c3ded625e304abc7a4f144c79dff59f9ac182744e22eb7ac866e2',
  V3__metrics_rollups: 'e1cce39f26829ab570c210341b19d99c7d2500dde3fb1f20572b9807e3011877',
};

test('released built-in migrations keep their checksums (add a new migration instead of editing one)', () => {
  for (const [name, checksum] of Object.entries(RELEASED)) {
    const m = builtinMigrations.find((b) => resolveBuiltin(b).name === name);
    assert.ok(m, `built-in ${name} was removed`);
    assert.equal(resolveBuiltin(m).checksum, checksum, `${name} was edited after release`);
  }
});

test('row identity of a known record is pinned (stored as row_hash in every database)', () => {
  const router = { timestamp: 1769423127, query_id: 'a1b2c3', predicted_model: 'sonnet', dq_score: 0.81, complexity: 0.42, latency_ms: 12 };
  assert.equal(rowContentHash(router, null), 5229263976150910);
  const summary = { timestamp: 1769423127, error_pattern: 'unknown', success: 1 };
  assert.equal(rowContentHash(summary, { ok: 12, warn: 2, note: 'é\u0000' }), 8510742933086831);
});
