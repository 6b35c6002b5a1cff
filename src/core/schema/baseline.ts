import type { SqlDatabase as Database, SqlValue } from '../db/database';
import { CheckFailedError } from '../db/errors';
import { canonicalJson, PROVENANCE_COLUMNS, rowContentHash } from '../formats/rowIdentity';
import { ExactNumber, exactIntegerSql } from '../formats/exactNumbers';
import { machineZone, parseTimestamp } from '../formats/timestamps';
import { KNOWN_SOURCES } from '../formats/catalogue';
import { putOwn, toBool } from '../formats/values';
import { V1_EVENT_TABLES } from './builtin/V1__telemetry_core';
import type { MigrationCatalog } from './catalog';
import { hasForeignHistory, HISTORY_TABLE, isManaged, tableColumns, tableExists } from './history';
import { applyMigration } from './runner';
import { inSavepoint } from './transaction';

/** Tables V1 derives from skill_invocation; a script-made copy is kept aside, never merged. */
const DERIVED_TABLES = ['skill_metrics', 'session_skill'];

export interface AdoptedTable {
  table: string;
  rows: number;
  /** data columns the old table had: adopted rows' row_hash covers exactly these */
  dataColumns: string[];
  /** old columns V1 has no column for: kept per row in `extra` */
  extraColumns: string[];
  /** timestamps stored in another form (ISO text, milliseconds) turned into epoch seconds; the old value is kept in extra */
  normalisedTimestamps: number;
  /** timestamps that could not be read: left exactly as stored */
  unreadableTimestamps: number;
  /** booleans stored as text ('true', 'FALSE') turned into 1/0; the old value is kept in extra */
  normalisedBooleans: number;
}

/** Columns holding event time as epoch seconds (telemetry-formats.md "Value rules"). */
const TIME_COLUMNS = ['timestamp', 'invoked_at'];

/** Boolean columns per table (telemetry-formats.md "Value rules": INTEGER 1/0), from the ingest catalogue. */
function booleanColumns(table: string): string[] {
  return KNOWN_SOURCES.filter((k) => k.table === table).flatMap((k) => k.columns.filter((c) => c.type === 'bool').map((c) => c.column));
}

export interface BaselineReport {
  migration: string;
  adopted: AdoptedTable[];
  /** indexes and triggers of the old tables that V1's own replace */
  dropped: string[];
  /** tables kept under a new name because V1 owns their name (e.g. a hand-made schema_migrations) */
  keptAs: { from: string; to: string; rows: number }[];
}

/** Known telemetry tables a script already created (what baseline adopts). */
export function seedTables(db: Database): string[] {
  return [...V1_EVENT_TABLES, ...DERIVED_TABLES].filter((t) => tableExists(db, t));
}

/** An unmanaged database holding tables V1 would create: it must be adopted, not migrated. */
export function needsBaseline(db: Database): boolean {
  return !isManaged(db) && (seedTables(db).length > 0 || hasForeignHistory(db));
}

/**
 * Adopts a database whose tables scripts created with the plain seed DDL: each known table is
 * moved aside, V1 creates the full table (provenance and identity columns, indexes, triggers),
 * every row is copied back with its id, unknown columns go to `extra`, and identity values are
 * computed from content (stream 0, row_hash over the old table's data columns, row_seq = the
 * occurrence number of that hash). skill_metrics/session_skill are rebuilt by V1's triggers as
 * the skill_invocation rows come back. All in one savepoint: any failure changes nothing.
 */
export function baseline(db: Database, catalog: MigrationCatalog, opts: { tz?: string } = {}): BaselineReport {
  const tz = opts.tz ?? machineZone();
  if (isManaged(db)) throw new CheckFailedError('this database is already managed by Telemetry Lens (it has schema_migrations); nothing to baseline');
  const v1 = catalog.migrations.find((m) => m.version === 1 && m.origin === 'builtin');
  if (!v1) throw new Error('built-in V1 migration is missing');
  const report: BaselineReport = { migration: v1.name, adopted: [], dropped: [], keptAs: [] };
  inSavepoint(db, 'tl_baseline', () => {
    if (hasForeignHistory(db)) keepAside(db, HISTORY_TABLE, report);
    for (const t of DERIVED_TABLES) if (tableExists(db, t)) keepAside(db, t, report);
    const v1Names = v1ObjectNames(v1.script);
    const moved = V1_EVENT_TABLES.filter((t) => tableExists(db, t)).map((t) => moveAside(db, t, report, v1Names));
    applyMigration(db, v1, {
      // only adopted rows make V1 irreversible; setting aside a foreign history table does not
      baseline: moved.length > 0,
      afterScript: () => {
        for (const m of moved) report.adopted.push(m.inPlace ? adoptInPlace(db, m.table, m.aside, tz) : copyBack(db, m.table, m.aside, tz));
        for (const a of report.adopted) {
          db.run(`INSERT INTO schema_baseline (table_name, data_columns, adopted_rows, baselined_at) VALUES (?, ?, ?, strftime('%s', 'now'))`, [
            a.table,
            JSON.stringify(a.dataColumns),
            a.rows,
          ]);
        }
      },
    });
  });
  return report;
}

function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function freeName(db: Database, base: string): string {
  let name = base;
  for (let i = 2; tableExists(db, name); i++) name = `${base}_${i}`;
  return name;
}

function count(db: Database, table: string): number {
  return Number(db.exec(`SELECT count(*) FROM ${q(table)}`)[0].values[0][0]);
}

/** Renames without rewriting views/triggers that mention the table (they should follow the new table). */
function rename(db: Database, from: string, to: string): void {
  db.run('PRAGMA legacy_alter_table = ON');
  try {
    db.run(`ALTER TABLE ${q(from)} RENAME TO ${q(to)}`);
  } finally {
    db.run('PRAGMA legacy_alter_table = OFF');
  }
}

/** Keeps a table whose name V1 needs under `<name>_pre_baseline` (or drops it when empty). */
function keepAside(db: Database, table: string, report: BaselineReport): void {
  const rows = count(db, table);
  dropDependents(db, table, report, 'trigger');
  if (rows === 0) {
    db.run(`DROP TABLE ${q(table)}`);
    report.dropped.push(`table ${table} (empty)`);
    return;
  }
  dropDependents(db, table, report, 'index');
  const to = freeName(db, `${table}_pre_baseline`);
  rename(db, table, to);
  report.keptAs.push({ from: table, to, rows });
}

function moveAside(db: Database, table: string, report: BaselineReport, v1Names: Set<string>): { table: string; aside: string; inPlace: boolean } {
  const inPlace = hasIntegerId(db, table);
  if (inPlace) {
    // the user's own indexes and triggers stay (they follow the table back); only a name V1 needs is freed
    // skill_invocation's own triggers fed the script's skill_metrics, which is kept aside: V1's replace them
    dropDependents(db, table, report, 'trigger', table === 'skill_invocation' ? undefined : v1Names);
    dropDependents(db, table, report, 'index', v1Names);
  } else {
    dropDependents(db, table, report, 'trigger');
    dropDependents(db, table, report, 'index');
  }
  const aside = freeName(db, `${table}__baseline_old`);
  rename(db, table, aside);
  return { table, aside, inPlace };
}

/** `id INTEGER PRIMARY KEY`: the table can be adopted in place (ids are what rollups and claims key on). */
function hasIntegerId(db: Database, table: string): boolean {
  const r = db.exec(`SELECT type, pk FROM pragma_table_info(?) WHERE name = 'id'`, [table]);
  return r.length > 0 && String(r[0].values[0][0]).toUpperCase() === 'INTEGER' && Number(r[0].values[0][1]) === 1;
}

/** Index and trigger names V1 creates (a user's object of the same name would make V1 fail). */
function v1ObjectNames(script: string): Set<string> {
  const out = new Set<string>();
  for (const m of script.matchAll(/CREATE\s+(?:UNIQUE\s+)?(?:INDEX|TRIGGER)\s+([A-Za-z0-9_]+)/gi)) out.add(m[1]);
  return out;
}

function dropDependents(db: Database, table: string, report: BaselineReport, type: 'index' | 'trigger', only?: Set<string>): void {
  const res = db.exec(`SELECT name FROM sqlite_master WHERE type = ? AND tbl_name = ? AND sql IS NOT NULL`, [type, table]);
  for (const [name] of res.length ? res[0].values : []) {
    if (only && !only.has(String(name))) continue;
    db.run(`DROP ${type.toUpperCase()} ${q(String(name))}`);
    report.dropped.push(`${type} ${String(name)} on ${table}`);
  }
}

interface ColumnInfo {
  name: string;
  notNull: boolean;
  /** the column's DEFAULT as SQL text, or null */
  defaultSql: string | null;
}

function columnInfo(db: Database, table: string): ColumnInfo[] {
  const res = db.exec(`SELECT name, "notnull", dflt_value FROM pragma_table_info(?)`, [table]);
  return res[0].values.map((r) => ({ name: String(r[0]), notNull: Number(r[1]) === 1, defaultSql: r[2] === null ? null : String(r[2]) }));
}

/**
 * The value rules ingest applies to a JSONL line, applied to an adopted row so that its hash
 * matches the line it came from: times to epoch seconds and boolean words to 0/1, each original
 * kept in `extra` as `<column>_as_stored`. Counts what it changed (and the times it could not read).
 */
function adoptedValueNormaliser(dataNames: readonly string[], timeIndexes: readonly number[], boolIndexes: readonly number[], tz: string) {
  const counts = { normalisedTimestamps: 0, unreadableTimestamps: 0, normalisedBooleans: 0 };
  const normalise = (values: SqlValue[], extra: Record<string, SqlValue | ExactNumber>): void => {
    for (const i of timeIndexes) {
      const v = values[i];
      if (v === null || (typeof v === 'number' && Number.isInteger(v) && v < 1e11)) continue;
      const seconds = parseTimestamp(v, tz);
      if (seconds === undefined) {
        counts.unreadableTimestamps++;
        continue;
      }
      extra[`${dataNames[i]}_as_stored`] = v;
      values[i] = seconds;
      counts.normalisedTimestamps++;
    }
    for (const i of boolIndexes) {
      const v = values[i];
      if (typeof v !== 'string') continue;
      const b = toBool(v);
      if (b === undefined) continue; // not a boolean word: left exactly as stored
      // a script that stored the JSON text ("true"): ingest maps the same line to 1, so must the adopted row
      extra[`${dataNames[i]}_as_stored`] = v;
      values[i] = b;
      counts.normalisedBooleans++;
    }
  };
  return { normalise, counts };
}

/**
 * Copies the old rows into V1's table. Values are stored as the script stored them, except:
 * NULL in a NOT NULL column that has a DEFAULT gets the default (what the column means), and
 * event times in another form become epoch seconds (the old value is kept in extra). The hash
 * covers the values as stored, so it equals ingest's hash of the same record.
 */
function copyBack(db: Database, table: string, aside: string, tz: string): AdoptedTable {
  const target = columnInfo(db, table).filter((c) => !PROVENANCE_COLUMNS.includes(c.name));
  const oldColumns = tableColumns(db, aside);
  const data = target.filter((c) => oldColumns.includes(c.name));
  const dataNames = data.map((c) => c.name);
  const extraColumns = oldColumns.filter((c) => c !== 'id' && !dataNames.includes(c));
  const defaults = data.map((c) => (c.notNull && c.defaultSql !== null ? (db.exec(`SELECT ${c.defaultSql}`)[0].values[0][0] as SqlValue) : null));
  const required = data.map((c) => c.notNull && c.defaultSql === null);
  const timeIndexes = data.map((c, i) => (TIME_COLUMNS.includes(c.name) ? i : -1)).filter((i) => i >= 0);
  const bools = booleanColumns(table);
  const boolIndexes = data.map((c, i) => (bools.includes(c.name) ? i : -1)).filter((i) => i >= 0);
  const hasId = oldColumns.includes('id');
  const readCols = ['rowid', ...(hasId ? ['id'] : []), ...dataNames, ...extraColumns];
  // integers beyond 2^53 would come back as rounded doubles: each column also as exact text then
  const valueCols = [...dataNames, ...extraColumns];
  const exactCols = valueCols.map((c) => exactIntegerSql(q(c), 'null'));
  const select = db.prepare(`SELECT ${[...readCols.map((c, i) => (i === 0 ? 'rowid' : q(c))), ...exactCols].join(', ')} FROM ${q(aside)} ORDER BY rowid`);
  const writeCols = ['id', ...dataNames, 'extra', 'stream_id', 'row_hash', 'row_seq'];
  const insert = db.prepare(`INSERT INTO ${q(table)} (${writeCols.map(q).join(', ')}) VALUES (${writeCols.map(() => '?').join(', ')})`);
  const dataAt = hasId ? 2 : 1;
  const extraAt = dataAt + data.length;
  const occurrences = new Map<number, number>();
  let rows = 0;
  const { normalise, counts } = adoptedValueNormaliser(dataNames, timeIndexes, boolIndexes, tz);
  try {
    while (select.step()) {
      const r = select.get();
      const exact = r.slice(readCols.length);
      const rowid = r[0];
      // a big integer goes back as its decimal text (INTEGER affinity stores it exactly), as ingest maps it
      const values = r.slice(dataAt, extraAt).map((v, i) => (exact[i] !== null ? exact[i] : v));
      const extra: Record<string, SqlValue | ExactNumber> = {};
      for (let j = 0; j < extraColumns.length; j++) {
        const big = exact[data.length + j];
        if (r[extraAt + j] !== null) putOwn(extra, extraColumns[j], big !== null ? new ExactNumber(String(big)) : r[extraAt + j]);
      }
      if (hasId && r[1] !== null && r[1] !== rowid) extra.id = r[1];
      for (let i = 0; i < values.length; i++) {
        if (values[i] !== null) continue;
        if (required[i]) throw new CheckFailedError(`cannot adopt ${table} row id ${String(rowid)}: column ${dataNames[i]} is NULL but the telemetry schema requires a value`);
        values[i] = defaults[i];
      }
      normalise(values, extra);
      const row: Record<string, SqlValue> = {};
      for (let i = 0; i < values.length; i++) if (values[i] !== null) row[dataNames[i]] = values[i];
      const hash = rowContentHash(row, null);
      const seq = (occurrences.get(hash) ?? 0) + 1;
      occurrences.set(hash, seq);
      insert.run([rowid, ...values, Object.keys(extra).length ? canonicalJson(extra) : null, 0, hash, seq]);
      rows++;
    }
  } finally {
    select.free();
    insert.free();
  }
  keepAutoincrementHighWater(db, table, aside);
  db.run(`DROP TABLE ${q(aside)}`);
  return { table, rows, dataColumns: dataNames, extraColumns, ...counts };
}

/** AUTOINCREMENT promises ids are never reused: carry the old table's high-water mark over. */
function keepAutoincrementHighWater(db: Database, table: string, aside: string): void {
  if (!tableExists(db, 'sqlite_sequence')) return;
  const old = db.exec(`SELECT seq FROM sqlite_sequence WHERE name = ?`, [aside]);
  if (!old.length) return;
  const seq = Number(old[0].values[0][0]);
  db.run(`UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?`, [seq, table]);
  db.run(`INSERT INTO sqlite_sequence (name, seq) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)`, [table, seq, table]);
}

interface FullColumnInfo extends ColumnInfo {
  type: string;
}

function fullColumnInfo(db: Database, table: string): FullColumnInfo[] {
  const res = db.exec(`SELECT name, type, "notnull", dflt_value FROM pragma_table_info(?)`, [table]);
  return res[0].values.map((r) => ({ name: String(r[0]), type: String(r[1]), notNull: Number(r[2]) === 1, defaultSql: r[3] === null ? null : String(r[3]) }));
}

/**
 * The writer contract's adoption (docs/writer-contract.md): the table the users' programs
 * write stays theirs — same name, every column, index and trigger — and only gains what V1
 * has and it lacks, by ADD COLUMN (nullable, or NOT NULL only with a default), plus V1's
 * indexes and triggers. Identity is computed into the new columns (stream 0, row_hash over
 * the V1 data columns the table had, row_seq); timestamps and booleans in another form are
 * read as ingest reads them (the stored form is kept in extra, as before).
 */
function adoptInPlace(db: Database, table: string, aside: string, tz: string): AdoptedTable {
  const v1Columns = fullColumnInfo(db, table);
  const v1Objects = db.exec(`SELECT type, sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL`, [table]);
  const objects = v1Objects.length ? v1Objects[0].values.map((v) => ({ type: String(v[0]), sql: String(v[1]) })) : [];
  db.run(`DROP TABLE ${q(table)}`);
  rename(db, aside, table);
  const oldColumns = tableColumns(db, table);
  for (const c of v1Columns) {
    if (oldColumns.includes(c.name)) continue;
    const dflt = c.defaultSql !== null ? ` DEFAULT ${c.defaultSql}` : '';
    // NOT NULL only with a default: another program's insert that omits the column still succeeds
    db.run(`ALTER TABLE ${q(table)} ADD COLUMN ${q(c.name)} ${c.type}${c.notNull && c.defaultSql !== null ? ' NOT NULL' : ''}${dflt}`);
  }
  const dataNames = v1Columns.filter((c) => !PROVENANCE_COLUMNS.includes(c.name) && oldColumns.includes(c.name)).map((c) => c.name);
  const extraColumns = oldColumns.filter((c) => c !== 'id' && !v1Columns.some((v) => v.name === c));
  const timeIndexes = dataNames.map((c, i) => (TIME_COLUMNS.includes(c) ? i : -1)).filter((i) => i >= 0);
  const bools = booleanColumns(table);
  const boolIndexes = dataNames.map((c, i) => (bools.includes(c) ? i : -1)).filter((i) => i >= 0);
  // integers beyond 2^53 would come back as rounded doubles (and be written back rounded): also read each as exact text
  const exactCols = dataNames.map((c) => exactIntegerSql(q(c), 'null'));
  const select = db.prepare(`SELECT rowid, ${[...dataNames.map(q), ...exactCols].join(', ')} FROM ${q(table)} ORDER BY rowid`);
  const update = db.prepare(
    `UPDATE ${q(table)} SET stream_id = 0, row_hash = ?, row_seq = ?, extra = coalesce(?, extra)${dataNames.map((c) => `, ${q(c)} = ?`).join('')} WHERE rowid = ?`,
  );
  const occurrences = new Map<number, number>();
  let rows = 0;
  const { normalise, counts } = adoptedValueNormaliser(dataNames, timeIndexes, boolIndexes, tz);
  try {
    while (select.step()) {
      const r = select.get();
      const rowid = r[0];
      const exact = r.slice(1 + dataNames.length);
      // a big integer goes back as its decimal text (INTEGER affinity stores it exactly), as ingest maps it
      const values = r.slice(1, 1 + dataNames.length).map((v, i) => (exact[i] !== null ? exact[i] : v));
      const extra: Record<string, SqlValue> = {};
      // an event without a time cannot be placed anywhere (rollups, freshness): say which row
      for (const i of timeIndexes) if (values[i] === null) throw new CheckFailedError(`cannot adopt ${table} row id ${String(rowid)}: column ${dataNames[i]} is NULL but the telemetry schema requires a value`);
      normalise(values, extra);
      const row: Record<string, SqlValue> = {};
      for (let i = 0; i < values.length; i++) if (values[i] !== null) row[dataNames[i]] = values[i];
      const hash = rowContentHash(row, null);
      const seq = (occurrences.get(hash) ?? 0) + 1;
      occurrences.set(hash, seq);
      update.run([hash, seq, Object.keys(extra).length ? canonicalJson(extra) : null, ...values, rowid]);
      rows++;
    }
  } finally {
    select.free();
    update.free();
  }
  for (const o of objects) if (o.type === 'index') db.run(o.sql);
  if (table === 'skill_invocation') rebuildSkillDerived(db);
  for (const o of objects) if (o.type === 'trigger') db.run(o.sql);
  return { table, rows, dataColumns: dataNames, extraColumns, ...counts };
}

/** skill_metrics / session_skill from the adopted rows (V1's triggers keep them current from here on). */
function rebuildSkillDerived(db: Database): void {
  db.run(`DELETE FROM skill_metrics`);
  db.run(`DELETE FROM session_skill`);
  db.run(`INSERT INTO skill_metrics (skill_name, total_invocations, completed_invocations, abandoned_invocations, total_duration_seconds,
      completed_duration_seconds, completion_rate, avg_duration_seconds, first_invoked, last_invoked)
    SELECT skill_name, count(*), sum(coalesce(completed, 0) <> 0), sum(coalesce(completed, 0) = 0), sum(coalesce(duration_seconds, 0)),
      sum(CASE WHEN coalesce(completed, 0) <> 0 THEN coalesce(duration_seconds, 0) ELSE 0 END),
      100.0 * sum(coalesce(completed, 0) <> 0) / count(*),
      CASE WHEN sum(coalesce(completed, 0) <> 0) > 0 THEN sum(CASE WHEN coalesce(completed, 0) <> 0 THEN coalesce(duration_seconds, 0) ELSE 0 END) / sum(coalesce(completed, 0) <> 0) END,
      min(invoked_at), max(invoked_at)
    FROM skill_invocation WHERE skill_name IS NOT NULL GROUP BY skill_name`);
  db.run(`INSERT INTO session_skill (session_id, skill_name, invocation_count, completed_count, total_duration_seconds, first_invoked_at, last_invoked_at)
    SELECT session_id, skill_name, count(*), sum(coalesce(completed, 0) <> 0), sum(coalesce(duration_seconds, 0)), min(invoked_at), max(invoked_at)
    FROM skill_invocation WHERE session_id IS NOT NULL AND skill_name IS NOT NULL GROUP BY session_id, skill_name`);
}
