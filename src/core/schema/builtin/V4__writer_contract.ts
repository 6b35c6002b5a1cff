import type { SqlDatabase as Database } from '../../db/database';
import type { BuiltinMigration } from '../types';
import { V1_EVENT_TABLES } from './V1__telemetry_core';

/*
 * The writer contract (docs/writer-contract.md). Frozen once released: a change is a new migration.
 *
 * The users' hooks INSERT straight into the event tables (seed 000 step 4, seed 001's
 * sqlite_hooks.py) naming only their own columns. V1 made Telemetry Lens's identity columns
 * NOT NULL without a default (row_hash, row_seq) and tool_events.tool NOT NULL, so every such
 * insert failed. This migration:
 *  - rebuilds each event table Telemetry Lens created whose row_hash is still NOT NULL, with
 *    row_hash/row_seq nullable (and tool_events.tool nullable: hooks write tool_name), keeping
 *    every row and id, the AUTOINCREMENT high-water mark, indexes and triggers;
 *  - adds the columns the users' hook library writes, nullable, where missing;
 *  - creates `direct_rows` (rows another program wrote, found by Telemetry Lens, and which
 *    JSONL line claimed each) and `source_writer_mode` (cutover state per JSONL stream).
 * Tables adopted in place by the new baseline already have nullable bookkeeping: left alone.
 */

/** Columns the users' hook library writes beyond the seed DDL (issue 14), added where missing. */
export const HOOK_LIBRARY_COLUMNS: Record<string, [string, string][]> = {
  routing_metrics_events: [['query_text', 'TEXT']],
  git_events: [['author', 'TEXT']],
  self_heal_events: [
    ['severity', 'TEXT'],
    ['category', 'TEXT'],
  ],
  tool_events: [['tool_name', 'TEXT']],
};

const up = `
CREATE TABLE direct_rows (
  table_name TEXT NOT NULL,
  row_id INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL,
  claimed_source_id INTEGER,
  claimed_line INTEGER,
  matched_by TEXT,
  PRIMARY KEY (table_name, row_id)
);
CREATE INDEX idx_direct_rows_source ON direct_rows(claimed_source_id, claimed_line);

CREATE TABLE source_writer_mode (
  stream_key TEXT PRIMARY KEY,
  table_name TEXT NOT NULL,
  mode TEXT NOT NULL,
  changed_at INTEGER NOT NULL,
  agreement_percent REAL,
  note TEXT
);
`.trimStart();

const down = `
DROP TABLE IF EXISTS source_writer_mode;
DROP TABLE IF EXISTS direct_rows;
`.trimStart();

function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function columnsOf(db: Database, table: string): { name: string; notNull: boolean }[] {
  const r = db.exec(`SELECT name, "notnull" FROM pragma_table_info(?)`, [table]);
  return r.length ? r[0].values.map((v) => ({ name: String(v[0]), notNull: Number(v[1]) === 1 })) : [];
}

/** V1's CREATE TABLE text with the bookkeeping (and tool) made nullable. */
function relaxedDdl(createSql: string, table: string, tempName: string): string {
  let sql = createSql.replace(/^CREATE TABLE\s+("?)[A-Za-z0-9_]+\1/i, `CREATE TABLE ${q(tempName)}`);
  sql = sql.replace(/\brow_hash INTEGER NOT NULL\b/i, 'row_hash INTEGER').replace(/\brow_seq INTEGER NOT NULL\b/i, 'row_seq INTEGER');
  if (table === 'tool_events') sql = sql.replace(/\btool TEXT NOT NULL\b/i, 'tool TEXT');
  return sql;
}

/** SQLite's documented table rebuild (ids, rows, indexes, triggers, sequence kept). */
function rebuild(db: Database, table: string): void {
  const master = db.exec(`SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL`, [table]);
  const entries = master.length ? master[0].values.map((v) => ({ type: String(v[0]), name: String(v[1]), sql: String(v[2]) })) : [];
  const create = entries.find((e) => e.type === 'table');
  if (!create) return;
  const temp = `${table}__v4_rebuild`;
  db.run(relaxedDdl(create.sql, table, temp));
  const cols = columnsOf(db, table).map((c) => q(c.name));
  db.run(`INSERT INTO ${q(temp)} (${cols.join(', ')}) SELECT ${cols.join(', ')} FROM ${q(table)}`);
  const seq = db.exec(`SELECT seq FROM sqlite_sequence WHERE name = ?`, [table]);
  db.run(`DROP TABLE ${q(table)}`);
  db.run('PRAGMA legacy_alter_table = ON');
  try {
    db.run(`ALTER TABLE ${q(temp)} RENAME TO ${q(table)}`);
  } finally {
    db.run('PRAGMA legacy_alter_table = OFF');
  }
  if (seq.length) db.run(`UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?`, [Number(seq[0].values[0][0]), table]);
  for (const e of entries) if (e.type === 'index') db.run(e.sql);
  for (const e of entries) if (e.type === 'trigger') db.run(e.sql);
}

/** Adds the hook library's columns a table lacks (nullable: no insert can fail on them). */
export function addHookLibraryColumns(db: Database, table: string): string[] {
  const have = new Set(columnsOf(db, table).map((c) => c.name));
  const added: string[] = [];
  for (const [name, type] of HOOK_LIBRARY_COLUMNS[table] ?? []) {
    if (have.has(name)) continue;
    db.run(`ALTER TABLE ${q(table)} ADD COLUMN ${q(name)} ${type}`);
    added.push(name);
  }
  return added;
}

function step(db: Database): void {
  for (const table of V1_EVENT_TABLES) {
    const cols = columnsOf(db, table);
    if (!cols.length) continue;
    const strict = cols.some((c) => (c.name === 'row_hash' || c.name === 'row_seq' || (table === 'tool_events' && c.name === 'tool')) && c.notNull);
    if (strict) rebuild(db, table);
    addHookLibraryColumns(db, table);
  }
}

export const V4__writer_contract: BuiltinMigration = {
  version: 4,
  description: 'writer_contract',
  up,
  down,
  step,
  stepVersion: 1,
};
