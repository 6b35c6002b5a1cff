/**
 * Released built-in migrations and row identities are stored in users' databases: editing a
 * built-in migration makes every existing database refuse to migrate ("changed"), and changing
 * the content hash makes the next import duplicate every row. These pins fail first, so a change
 * becomes a new migration (V4…) or a deliberate, documented identity migration instead.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rowContentHash } from '../../src/core/formats/rowIdentity';
import { builtinMigrations } from '../../src/core/schema/builtin';
import { resolveBuiltin } from '../../src/core/schema/catalog';

const RELEASED: Record<string, string> = {
  V1__telemetry_core: '41305059b5ed6a909096134401a34ce3b3a6ad678a940c3c46843b9e1b9e494e',
  V2__ingest_bookkeeping: '51574c39850c3ded625e304abc7a4f144c79dff59f9ac182744e22eb7ac866e2',
  V3__metrics_rollups: 'e1cce39f26829ab570c210341b19d99c7d2500dde3fb1f20572b9807e3011877',
  V4__writer_contract: 'f30947d6c63c6b7507056184ed60935211c8917d080b7f843441a691b0f2a70f',
  V5__claude_code_usage: 'ddf168ebbf5e46f6d34411ac71e46f821ce9092c268a54de4a23518a11814201',
  V6__ordered_identity: '01f740b1e917f792b7492c11c7223ce75893af4b05ab0d1257d4161681cbd2b2',
};

test('released built-in migrations keep their checksums (add a new migration instead of editing one)', () => {
  for (const [name, checksum] of Object.entries(RELEASED)) {
    const m = builtinMigrations.find((b) => resolveBuiltin(b).name === name);
    assert.ok(m, `built-in ${name} was removed`);
    assert.equal(resolveBuiltin(m).checksum, checksum, `${name} was edited after release`);
  }
});

/** sha256 of each released migration's `up` and `down` text, as shipped. */
const RELEASED_TEXT: Record<number, { up: string; down: string }> = {
  1: { up: '41305059b5ed6a909096134401a34ce3b3a6ad678a940c3c46843b9e1b9e494e', down: '676e73d5de7a2a53facc3004d91e2235afec3bf29969c2123669ca414c19a6d8' },
  2: { up: '51574c39850c3ded625e304abc7a4f144c79dff59f9ac182744e22eb7ac866e2', down: 'c2ea40a66cffd9c1222f75d286d639819a099e6807651043ce586fab3156f02d' },
  3: { up: 'c364711fa0b4d4be0bc3ae1d1ff6e7b59bf8c7b7418438bdf6220e45b1af238a', down: 'dfc1e963507b0530611954050f2af35cc748b1ec32c0cd79a024367225bc6dea' },
  4: { up: 'bef2d0cacd9730305c9f237d2ff42934569f475b1cb5781a0bb3f5127f0300f9', down: '269829534a905b5af1b8c6e38f90db8b2e5c632362c38df3b39eab4210dc0c3c' },
  5: { up: 'ddf168ebbf5e46f6d34411ac71e46f821ce9092c268a54de4a23518a11814201', down: '36876c89f4f48ba9accf919f5884af7fe2dc7530dcf96de616a82a5d275518e4' },
  6: { up: 'f60294741faba91df2a47113ce8062b88b33ef7bdfef5fda3373d7d9ddfab660', down: '425a1493529700e75657cd6650184f6fcdc9441d6b4dbd7cad3f05ce4afdfe55' },
};

test('released migrations are frozen text: up and down unchanged, and not generated from live code', () => {
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const folder = path.join(__dirname, '../../src/core/schema/builtin');
  for (const [version, pinned] of Object.entries(RELEASED_TEXT)) {
    const m = builtinMigrations.find((b) => b.version === Number(version));
    assert.ok(m, `built-in V${version} was removed`);
    assert.equal(sha(m.up), pinned.up, `V${version} up text changed after release`);
    assert.equal(sha(m.down ?? ''), pinned.down, `V${version} down text changed after release`);
    // A released module may import its types and its step function, never a generator of SQL
    // (rollup specs, catalogue): a change there would silently change the released text.
    const file = fs.readdirSync(folder).find((f) => f.startsWith(`V${version}__`))!;
    const imports = [...fs.readFileSync(path.join(folder, file), 'utf8').matchAll(/^import\s+(.*?)\s+from\s+'([^']+)'/gm)];
    for (const [, what, from] of imports) {
      // types, the step function, and V1's frozen list of its own tables
      const allowed = what.startsWith('type ') || from === '../types' || /^\{\s*rebuildRollups\s*\}$/.test(what) || (from === './V1__telemetry_core' && /^\{\s*V1_EVENT_TABLES\s*\}$/.test(what));
      assert.ok(allowed, `V${version} imports ${what} from ${from}: released SQL must be literal`);
    }
  }
});

test('row identity of a known record is pinned (stored as row_hash in every database)', () => {
  const router = { timestamp: 1769423127, query_id: 'a1b2c3', predicted_model: 'sonnet', dq_score: 0.81, complexity: 0.42, latency_ms: 12 };
  assert.equal(rowContentHash(router, null), 5229263976150910);
  const summary = { timestamp: 1769423127, error_pattern: 'unknown', success: 1 };
  assert.equal(rowContentHash(summary, { ok: 12, warn: 2, note: 'é\u0000' }), 8510742933086831);
});
