/**
 * Tables of catalogue sources that no built-in migration creates (a source added after V1:
 * docs/recipes.md "Add a known telemetry source"). Ingest creates such a table from its
 * catalogue entry inside the run's write, as it creates inferred tables: DDL generated from the
 * entry's columns, Telemetry Lens's bookkeeping nullable or defaulted (docs/writer-contract.md),
 * the identity index, the entry's indexes. A table Telemetry Lens already made (an inferred table
 * being promoted, promote.ts) only gains what it lacks: columns (nullable, no default, so
 * existing rows keep their values and their identity), indexes. A table another program made
 * (no identity columns) is never changed here: its sources are not imported, and the run says why.
 */
import type { SqlDatabase as Database } from '../db/database';
import type { KnownSource } from '../formats/catalogue';
import type { ColumnType } from '../formats/values';
import { V1_EVENT_TABLES } from '../schema/builtin/V1__telemetry_core';
import { columnNames } from './directRows';
import { quoteIdent, tableExists } from './sql';

const SQL_TYPE: Record<ColumnType, string> = { ts: 'INTEGER', int: 'INTEGER', bool: 'INTEGER', real: 'REAL', text: 'TEXT' };

/** True for tables a built-in migration creates (V1): never created or changed here. */
export function isBuiltinTable(table: string): boolean {
  return (V1_EVENT_TABLES as readonly string[]).includes(table);
}

function literal(v: string | number): string {
  return typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
}

function indexesOf(src: KnownSource): string[][] {
  return src.indexes ?? [[src.timeColumn]];
}

/** The CREATE TABLE + indexes of a catalogue table, as ingest runs them (and docs can show them). */
export function knownTableDdl(src: KnownSource): string[] {
  const t = quoteIdent(src.table);
  const cols = src.columns.map((c) => {
    const notNull = c.required || c.type === 'ts' ? ' NOT NULL' : '';
    const def = c.default !== undefined ? ` DEFAULT ${literal(c.default)}` : '';
    return `  ${quoteIdent(c.column)} ${SQL_TYPE[c.type]}${notNull}${def}`;
  });
  return [
    `CREATE TABLE ${t} (\n  id INTEGER PRIMARY KEY AUTOINCREMENT,\n${cols.join(',\n')},\n  source_id INTEGER,\n  source_line INTEGER,\n  extra TEXT,\n  stream_id INTEGER NOT NULL DEFAULT 0,\n  row_hash INTEGER,\n  row_seq INTEGER\n)`,
    `CREATE UNIQUE INDEX IF NOT EXISTS ${quoteIdent(`ux_${src.table}_identity`)} ON ${t}(stream_id, row_hash, row_seq)`,
    ...indexSql(src),
  ];
}

function indexSql(src: KnownSource): string[] {
  const t = quoteIdent(src.table);
  return indexesOf(src).map((cols) => `CREATE INDEX IF NOT EXISTS ${quoteIdent(`idx_${src.table}_${cols.join('_')}`)} ON ${t}(${cols.map(quoteIdent).join(', ')})`);
}

/** True when the table has Telemetry Lens's identity columns (it made the table, or adopted it). */
export function hasIdentityColumns(db: Database, table: string): boolean {
  const cols = new Set(columnNames(db, table));
  return cols.has('id') && cols.has('stream_id') && cols.has('row_hash') && cols.has('row_seq') && cols.has('source_id') && cols.has('extra');
}

/**
 * Makes the catalogue table of `src` ready for ingest (inside the run's write). Returns null
 * when ready, else why it is not (a table another program made). Built-in tables: nothing to do.
 */
export function ensureKnownTable(db: Database, src: KnownSource): string | null {
  if (isBuiltinTable(src.table)) return null;
  if (!tableExists(db, src.table)) {
    for (const sql of knownTableDdl(src)) db.run(sql);
    return null;
  }
  if (!hasIdentityColumns(db, src.table)) {
    return `table ${src.table} exists and was made by another program (no Telemetry Lens identity columns); its JSONL is not imported into it`;
  }
  relaxBookkeeping(db, src.table);
  const have = new Set(columnNames(db, src.table).map((c) => c.toLowerCase()));
  for (const c of src.columns) {
    if (have.has(c.column.toLowerCase())) continue;
    // additive only: nullable, no default (a default would change the rows already there)
    db.run(`ALTER TABLE ${quoteIdent(src.table)} ADD COLUMN ${quoteIdent(c.column)} ${SQL_TYPE[c.type]}`);
  }
  for (const sql of indexSql(src)) db.run(sql);
  return null;
}

/**
 * An inferred table has `row_hash`/`row_seq` NOT NULL: once it is a known source's table, the
 * users' hooks insert into it naming only the documented columns (docs/writer-contract.md), so
 * they become nullable — SQLite's documented rebuild (as V4 did for V1's tables): same rows and
 * ids, AUTOINCREMENT mark, every column in place, indexes and triggers re-created.
 */
function relaxBookkeeping(db: Database, table: string): void {
  const info = db.exec(`SELECT name, "notnull" FROM pragma_table_info(?)`, [table]);
  const strict = info.length ? info[0].values.some((v) => (v[0] === 'row_hash' || v[0] === 'row_seq') && Number(v[1]) === 1) : false;
  if (!strict) return;
  const master = db.exec(`SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL`, [table]);
  const entries = master.length ? master[0].values.map((v) => ({ type: String(v[0]), sql: String(v[1]) })) : [];
  const create = entries.find((e) => e.type === 'table');
  if (!create) return;
  const temp = `${table}__tl_relax`;
  const ddl = create.sql
    .replace(/^CREATE TABLE\s+("(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|\S+)/i, `CREATE TABLE ${quoteIdent(temp)}`)
    .replace(/\brow_hash"?\s+INTEGER\s+NOT\s+NULL\b/i, (m) => m.replace(/\s+NOT\s+NULL$/i, ''))
    .replace(/\brow_seq"?\s+INTEGER\s+NOT\s+NULL\b/i, (m) => m.replace(/\s+NOT\s+NULL$/i, ''));
  db.run(ddl);
  const cols = columnNames(db, table).map(quoteIdent).join(', ');
  db.run(`INSERT INTO ${quoteIdent(temp)} (${cols}) SELECT ${cols} FROM ${quoteIdent(table)}`);
  const seq = db.exec(`SELECT seq FROM sqlite_sequence WHERE name = ?`, [table]);
  db.run(`DROP TABLE ${quoteIdent(table)}`);
  db.run('PRAGMA legacy_alter_table = ON');
  try {
    db.run(`ALTER TABLE ${quoteIdent(temp)} RENAME TO ${quoteIdent(table)}`);
  } finally {
    db.run('PRAGMA legacy_alter_table = OFF');
  }
  if (seq.length) db.run(`UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?`, [Number(seq[0].values[0][0]), table]);
  for (const e of entries) if (e.type === 'index') db.run(e.sql);
  for (const e of entries) if (e.type === 'trigger') db.run(e.sql);
}
