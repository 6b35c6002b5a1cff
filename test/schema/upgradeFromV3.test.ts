/**
 * A database made by the release whose newest migration was V3 (test/fixtures/release-v3: made
 * by that commit's own `migrate`, see the README there) upgrades to today's schema — V4 (the
 * writer contract, with its data step) and V5 (new tables and a new rollup table) — and ends
 * where a database made today ends: the same schema, the same numbers on every tab, `migrations
 * validate` clean, and importing the same files again adds nothing (the fixture's ledger names
 * the folder it was made in, so this is also a moved folder).
 */
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { openSnapshot } from '../../src/core/db/database';
import { computeTabPayload } from '../../src/core/dashboard/tabPayload';
import { builtinMigrations } from '../../src/core/schema/builtin';
import { TAB_IDS } from '../../src/protocol';
import { runHooks, seedHookCalls } from '../writer/hooks';
import { schemaDump, tempDir } from './helpers';

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'release-v3');

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

const T0 = Date.UTC(2026, 10, 21) / 1000;
const hookEvents = Array.from({ length: 10 }, (_, i) => seedHookCalls(T0 + i * 3600, i)).flat();

test('a database made by the V3 release upgrades to today: same schema and numbers as a new one, validate clean, nothing imported twice', async () => {
  const dir = tempDir('upgrade-v3');
  const old = path.join(dir, 'made-at-v3.db');
  const fresh = path.join(dir, 'made-today.db');
  fs.writeFileSync(old, zlib.gunzipSync(fs.readFileSync(path.join(FIXTURE, 'telemetry.db.gz'))));
  const corpus = path.join(dir, 'corpus');
  fs.cpSync(path.join(FIXTURE, 'corpus'), corpus, { recursive: true });
  const sources = path.join(corpus, '.claude');

  let r = await cli('migrations', 'status', '--db', old, '--json');
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(
    JSON.parse(r.out).rows.filter((x: { state: string }) => x.state === 'applied').map((x: { version: number }) => x.version),
    [1, 2, 3],
  );
  r = await cli('migrations', 'up', '--db', old, '--json');
  assert.equal(r.code, 0, r.err);
  const later = builtinMigrations.filter((m) => m.version > 3).map((m) => `V${m.version}__${m.description}`);
  assert.deepEqual(JSON.parse(r.out).applied, later);
  r = await cli('migrations', 'validate', '--db', old);
  assert.equal(r.code, 0, r.err);

  // the same files again: all present, none inserted
  r = await cli('migrate', '--db', old, sources, '--json');
  assert.equal(r.code, 0, r.err);
  const again = JSON.parse(r.out);
  const total = (k: string) => again.sources.reduce((n: number, s: Record<string, number>) => n + s[k], 0);
  assert.equal(total('inserted'), 0);
  assert.equal(total('present'), 423);

  // today's database from the same files; then the users' hooks write the same events into both
  r = await cli('migrate', '--db', fresh, sources);
  assert.equal(r.code, 0, r.err);
  assert.equal(runHooks(old, hookEvents), null);
  assert.equal(runHooks(fresh, hookEvents), null);

  const [a, b] = [await openSnapshot(old), await openSnapshot(fresh)];
  try {
    assert.equal(schemaDump(a), schemaDump(b), 'the upgraded schema is the one a new database gets');
    assert.ok(a.exec(`SELECT 1 FROM sqlite_master WHERE name = 'claude_code_usage_15m'`).length, 'the new rollup table exists');
    const range = {};
    const opts = { timeZone: 'UTC', nowSeconds: T0 + 86400 };
    for (const tab of TAB_IDS) assert.deepEqual(computeTabPayload(a, tab, range, opts), computeTabPayload(b, tab, range, opts), `tab ${tab}`);
    const overview = computeTabPayload(a, 'overview', range, opts);
    assert.ok(overview.tab === 'overview' && JSON.stringify(overview).length > 1000);
  } finally {
    a.close();
    b.close();
  }
});
