/**
 * permission_events (seed 003), added by the recipe of docs/recipes.md "Add a known telemetry
 * source": a catalogue entry, its formats section, this test. Its lines import into a table made
 * from the entry; a hook inserting the seed's required columns works; a database made by today's
 * main (the file unknown: an inferred table of the same name) is promoted by the next migrate,
 * exactly; Claude Code's own permission log of the same name stays inferred.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { KNOWN_SOURCES, reindexCatalogue } from '../../src/core/formats/catalogue';
import { migrateSources, verifySources, type MigrateResult } from '../../src/core/ingest';
import { lines, pyCount, pyQuery, tempDir } from './helpers';

const grant = (i: number, agent = 'gemma_dead_code_detection') => ({
  timestamp: `2025-10-21T12:${String(i).padStart(2, '0')}:00Z`,
  event_type: 'PERMISSION_GRANTED',
  agent_id: agent,
  permission_level: 'metrics_write',
  granted_by: '0102',
  confidence: 0.92,
  justification: 'pattern accuracy above threshold',
  approval_signature: `sha256:${i}`,
  metadata: { skill: 'gemma_jsonl_database_audit', run: i },
});
const revoke = { timestamp: '2025-10-21T13:00:00Z', event_type: 'PERMISSION_REVOKED', agent_id: 'qwen_strategy', permission_level: 'read_only', confidence: 0.4 };
const claudeCode = (i: number) => ({ ts: 1769423127 + i, tool: 'Bash', decision: i % 2 ? 'deny' : 'allow', rule: { pattern: 'Bash(*)', scope: 'user' } });

/** Runs `fn` with a catalogue that does not know permission_events.jsonl: today's main. */
async function asTodaysMain<T>(fn: () => Promise<T>): Promise<T> {
  const i = KNOWN_SOURCES.findIndex((k) => k.kind === 'permission-events');
  const [entry] = KNOWN_SOURCES.splice(i, 1);
  reindexCatalogue();
  try {
    return await fn();
  } finally {
    KNOWN_SOURCES.splice(i, 0, entry);
    reindexCatalogue();
  }
}

function python(script: string, ...args: string[]): string {
  const r = spawnSync('python3', ['-c', script, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return r.stdout;
}

const only = (r: MigrateResult) => r.sources[0];
const rowsOf = (db: string) =>
  pyQuery(db, 'SELECT timestamp, event_type, agent_id, permission_level, granted_by, confidence, justification, approval_signature, metadata_json, extra, row_hash, row_seq FROM permission_events WHERE stream_id <> 0')
    .map((r) => JSON.stringify(r))
    .sort();

describe('permission_events (seed 003) as a known source', () => {
  test('its lines import into a table made from the catalogue entry; a hook inserts the required columns', async () => {
    const dir = tempDir('perm');
    const logs = path.join(dir, 'memory');
    const db = path.join(dir, 'foundups.db');
    fs.mkdirSync(logs);
    fs.writeFileSync(path.join(logs, 'permission_events.jsonl'), lines(grant(1), revoke, { timestamp: '2025-10-21T14:00:00Z', event_type: 'PERMISSION_GRANTED' }) + '\n');
    const r = only(await migrateSources(db, [logs], { tz: 'UTC' }));
    assert.deepEqual([r.kind, r.table, r.lines, r.inserted, r.rejected, r.blank], ['permission-events', 'permission_events', 4, 2, 1, 1]);
    const cols = pyQuery<{ name: string; type: string; notnull: number }>(db, `SELECT name, type, "notnull" FROM pragma_table_info('permission_events')`);
    const col = (n: string) => cols.find((c) => c.name === n);
    assert.deepEqual([col('timestamp'), col('event_type'), col('agent_id'), col('confidence'), col('row_hash')], [
      { name: 'timestamp', type: 'INTEGER', notnull: 1 },
      { name: 'event_type', type: 'TEXT', notnull: 1 },
      { name: 'agent_id', type: 'TEXT', notnull: 1 },
      { name: 'confidence', type: 'REAL', notnull: 0 },
      { name: 'row_hash', type: 'INTEGER', notnull: 0 },
    ]);
    const idx = pyQuery<{ name: string }>(db, `SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'permission_events' ORDER BY name`).map((x) => x.name);
    assert.deepEqual(idx, ['idx_permission_events_agent_id', 'idx_permission_events_timestamp', 'ux_permission_events_identity']);
    assert.deepEqual(pyQuery(db, `SELECT timestamp, agent_id, permission_level, confidence, metadata_json, extra FROM permission_events ORDER BY timestamp`), [
      { timestamp: 1761048060, agent_id: 'gemma_dead_code_detection', permission_level: 'metrics_write', confidence: 0.92, metadata_json: '{"run":1,"skill":"gemma_jsonl_database_audit"}', extra: null },
      { timestamp: 1761051600, agent_id: 'qwen_strategy', permission_level: 'read_only', confidence: 0.4, metadata_json: null, extra: null },
    ]);
    assert.equal(pyQuery<{ reason: string }>(db, 'SELECT reason FROM ingest_rejects')[0].reason, 'required');
    // the users' program writes the seed's NOT NULL columns only (writer contract), then its JSONL backup line
    python(`import sqlite3,sys\nc=sqlite3.connect(sys.argv[1])\nc.execute("INSERT INTO permission_events (timestamp, event_type, agent_id) VALUES (1761055200, 'PERMISSION_GRANTED', 'hook_agent')")\nc.commit()`, db);
    fs.appendFileSync(path.join(logs, 'permission_events.jsonl'), lines({ timestamp: '2025-10-21T14:00:00Z', event_type: 'PERMISSION_GRANTED', agent_id: 'hook_agent' }));
    const dual = only(await migrateSources(db, [logs], { tz: 'UTC' }));
    assert.deepEqual([dual.inserted, dual.dualWritten], [0, 1], 'the backup line claims the row the program wrote');
    assert.equal(pyCount(db, 'permission_events'), 3);
    const v = await verifySources(db, [logs], { tz: 'UTC' });
    assert.ok(v.sources.every((x) => x.ok), 'every line has its row');
    // and the dual-read sees the source as dual-written: the event in both, the two earlier ones only in the JSONL
    assert.deepEqual(v.dualRead?.map((d) => [d.mode, d.both, d.onlyJsonl, d.disagreements.length]), [['dual-write', 1, 2, 0]]);
  });

  test("a database made by today's main (an inferred permission_events) is promoted exactly by the next migrate", async () => {
    const dir = tempDir('perm-promote');
    const logs = path.join(dir, 'memory');
    const db = path.join(dir, 'foundups.db');
    const file = path.join(logs, 'permission_events.jsonl');
    fs.mkdirSync(logs);
    fs.writeFileSync(file, lines(grant(1), grant(2), grant(2), revoke));
    const before = await asTodaysMain(async () => only(await migrateSources(db, [logs], { tz: 'UTC' })));
    assert.deepEqual([before.kind, before.table, before.inserted], ['inferred', 'permission_events', 4]);
    assert.deepEqual(pyQuery(db, `SELECT name FROM pragma_table_info('permission_events') WHERE name IN ('metadata', 'metadata_json') ORDER BY name`), [{ name: 'metadata' }], 'inferred: one column per key');
    fs.appendFileSync(file, lines(grant(3, 'qwen_strategy')));
    const run = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.deepEqual(run.promoted?.map((p) => [p.fromTable, p.toTable, p.fromLines, p.fromStored]), [['permission_events', 'permission_events', 4, 0]]);
    assert.deepEqual([only(run).kind, only(run).inserted, only(run).present], ['permission-events', 1, 4]);
    assert.equal(pyCount(db, 'permission_events'), 5, 'no line lost, none twice (the genuine duplicate stays two)');
    // additive: the inferred `metadata` column keeps its values; the catalogue's metadata_json is filled
    assert.equal(pyCount(db, 'permission_events', 'metadata IS NOT NULL AND metadata_json = metadata'), 3);
    const again = only(await migrateSources(db, [logs], { tz: 'UTC' }));
    assert.deepEqual([again.inserted, again.present], [0, 5]);
    assert.equal((await verifySources(db, [logs], { tz: 'UTC' })).ok, true);
    // the same rows and identities as a database that knew the source from the start
    const fresh = path.join(dir, 'fresh.db');
    await migrateSources(fresh, [logs], { tz: 'UTC' });
    assert.deepEqual(rowsOf(db), rowsOf(fresh));
  });

  test("Claude Code's permission log of the same name stays an inferred table", async () => {
    const dir = tempDir('perm-claude');
    const logs = path.join(dir, '.claude', 'logs');
    const db = path.join(dir, 'telemetry.db');
    const file = path.join(logs, 'permission_events.jsonl');
    fs.mkdirSync(logs, { recursive: true });
    fs.writeFileSync(file, lines(claudeCode(0), claudeCode(1)));
    await asTodaysMain(() => migrateSources(db, [logs], { tz: 'UTC' }));
    fs.appendFileSync(file, lines(claudeCode(2)));
    const r = await migrateSources(db, [logs], { tz: 'UTC' });
    assert.equal(r.promoted, undefined);
    assert.deepEqual([only(r).kind, only(r).table, only(r).inserted, only(r).present, only(r).rejected], ['inferred', 'permission_events', 1, 2, 0]);
    assert.deepEqual(pyQuery(db, 'SELECT tool, decision FROM permission_events ORDER BY id'), [
      { tool: 'Bash', decision: 'allow' },
      { tool: 'Bash', decision: 'deny' },
      { tool: 'Bash', decision: 'allow' },
    ]);
    const freshDb = path.join(dir, 'fresh.db');
    const fresh = only(await migrateSources(freshDb, [logs], { tz: 'UTC' }));
    assert.deepEqual([fresh.kind, fresh.table, fresh.inserted, fresh.rejected], ['inferred', 'permission_events', 3, 0]);
  });
});
