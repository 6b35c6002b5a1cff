import type { SqlDatabase as Database } from '../db/database';
import { blockLevels, blockTable, DAY, mergeSelectSql, rollupSelectSql, rollupTableDefinitions, specsForTable, type EventTable, type RollupSpec } from './specs';
import type { RunRollupDeltas, TableRollupDeltas } from './deltas';
import { mergeIntoRollup } from './merge';
import { queryOne, queryRows, quoteIdent, tableColumns, tableExists } from '../db/queryHelpers';

/** A time range of rows an ingest write just inserted into one table. */
export interface TouchedRange {
  table: string;
  /** inclusive, epoch seconds */
  minTs: number;
  maxTs: number;
}

/** Per event table, the highest row id the rollups include (catches rows written by anyone). */
export const WATERMARK_TABLE = 'rollup_watermark';

/** DDL of every rollup table (V3 runs it; read-only snapshots of older databases run it in memory). */
export function rollupSchemaSql(): string {
  const tables = rollupTableDefinitions().map(({ table, columns }) => {
    const isBlock = columns[0][0] === 'grain_days';
    const lead = isBlock ? 'grain_days, ' : '';
    const ddl = `CREATE TABLE IF NOT EXISTS ${table} (\n  ${isBlock ? 'grain_days INTEGER NOT NULL,\n  ' : ''}bucket_ts INTEGER NOT NULL,\n${columns
      .filter(([n]) => n !== 'grain_days')
      .map(([n, t]) => `  ${n} ${t}`)
      .join(',\n')}\n);`;
    const shared = columns.some(([n]) => n === 'metric') ? 'metric' : columns.some(([n]) => n === 'table_name') ? 'table_name' : '';
    const indexes = [`CREATE INDEX IF NOT EXISTS idx_${table}_bucket ON ${table}(${lead}bucket_ts);`];
    if (shared) indexes.push(`CREATE INDEX IF NOT EXISTS idx_${table}_${shared} ON ${table}(${shared}, ${lead}bucket_ts);`);
    return [ddl, ...indexes].join('\n');
  });
  tables.push(`CREATE TABLE IF NOT EXISTS ${WATERMARK_TABLE} (\n  table_name TEXT PRIMARY KEY,\n  max_id INTEGER NOT NULL\n);`);

  return tables.join('\n') + '\n';
}

/**
 * Range reads by time (refresh, range edges) need an index led by the time column; V1 has only
 * (skill_name, invoked_at) for skill_invocation.
 */
export const TIME_INDEX_SQL = 'CREATE INDEX IF NOT EXISTS idx_skill_invocation_invoked_at ON skill_invocation(invoked_at);\n';

export function rollupsInstalled(db: Database): boolean {
  return tableExists(db, WATERMARK_TABLE);
}

export type { EventTable };

const eventTableCache = new WeakMap<Database, { schemaVersion: number; tables: EventTable[] }>();

/** Tables with the identity columns every event table has (known and inferred). */
export function listEventTables(db: Database): EventTable[] {
  const schemaVersion = queryOne<{ schema_version: number }>(db, 'PRAGMA schema_version')!.schema_version;
  const cached = eventTableCache.get(db);
  if (cached && cached.schemaVersion === schemaVersion) return cached.tables;
  const tables = scanEventTables(db);
  eventTableCache.set(db, { schemaVersion, tables });
  return tables;
}

function scanEventTables(db: Database): EventTable[] {
  // the rollup tables by exact name: a user's own table named rollup… is an event table like any
  // other (in LIKE, '_' matches any character, so 'rollup_%' would hide 'rollups' too)
  const rollupTables = new Set([...rollupTableDefinitions().map((d) => d.table), WATERMARK_TABLE]);
  const names = queryRows<{ name: string }>(db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`)
    .map((r) => r.name)
    .filter((n) => !rollupTables.has(n));
  const out: EventTable[] = [];
  for (const name of names) {
    const cols = new Set(tableColumns(db, name));
    if (!cols.has('row_hash') || !cols.has('stream_id') || !cols.has('row_seq') || !cols.has('id')) continue;
    const tsColumn = name === 'skill_invocation' && cols.has('invoked_at') ? 'invoked_at' : cols.has('timestamp') ? 'timestamp' : null;
    out.push({ name, tsColumn });
  }
  return out;
}

export { specsForTable };

/** Recomputes the buckets of `spec` overlapping [fromTs, toTs] (inclusive), or all when omitted. */
function refreshSpec(db: Database, spec: RollupSpec, fromTs?: number, toTs?: number): void {
  const cols = ['bucket_ts', ...spec.columns.map(([n]) => n)].join(', ');
  const partition = spec.partition ? [spec.partition] : [];
  if (fromTs === undefined || toTs === undefined) {
    db.run(`DELETE FROM ${spec.table}${partition.length ? ` WHERE ${partition[0]}` : ''}`);
    db.run(`INSERT INTO ${spec.table} (${cols}) ${rollupSelectSql(spec, undefined)}`);
    return;
  }
  const g = spec.grainSeconds;
  const first = Math.floor(fromTs / g) * g;
  const end = Math.floor(toTs / g) * g + g;
  db.run(`DELETE FROM ${spec.table} WHERE ${[...partition, `bucket_ts >= ${first}`, `bucket_ts < ${end}`].join(' AND ')}`);
  db.run(`INSERT INTO ${spec.table} (${cols}) ${rollupSelectSql(spec, `$ts >= ${first} AND $ts < ${end}`)}`);
}

/** Re-sums the day / 8-day / 64-day blocks of `spec` overlapping [fromTs, toTs] (or all), each from the level below. */
function refreshBlocks(db: Database, spec: RollupSpec, fromTs?: number, toTs?: number): void {
  const block = blockTable(spec);
  for (const [days, fromDays] of blockLevels(spec)) {
    const g = days * DAY;
    const where = spec.partition ? [spec.partition] : [];
    if (fromTs !== undefined && toTs !== undefined) where.push(`bucket_ts >= ${Math.floor(fromTs / g) * g}`, `bucket_ts < ${Math.floor(toTs / g) * g + g}`);
    const source = fromDays === 0 ? spec.table : block;
    const sourceWhere = fromDays === 0 ? where : [`grain_days = ${fromDays}`, ...where];
    db.run(`DELETE FROM ${block} WHERE ${[`grain_days = ${days}`, ...where].join(' AND ')}`);
    const cols = ['grain_days', 'bucket_ts', ...spec.columns.map(([n]) => n)].join(', ');
    db.run(`INSERT INTO ${block} (${cols}) ${mergeSelectSql(spec, days, `(SELECT * FROM ${source}${sourceWhere.length ? ` WHERE ${sourceWhere.join(' AND ')}` : ''})`)}`);
  }
}

/** Every block level of `spec` re-summed from its own table (the team's rollup image fills the table, then this). */
export function rebuildRollupBlocks(db: Database, spec: RollupSpec): void {
  refreshBlocks(db, spec);
}

function readWatermark(db: Database, table: string): number | null {
  const row = queryOne<{ max_id: number }>(db, `SELECT max_id FROM ${WATERMARK_TABLE} WHERE table_name = ?`, [table]);
  return row ? row.max_id : null;
}

function maxId(db: Database, table: string): number {
  return queryOne<{ m: number | null }>(db, `SELECT max(id) AS m FROM ${quoteIdent(table)}`)?.m ?? 0;
}

/** True when every row of the table lies inside `span` (min/max come from the time index). */
function coversWholeTable(db: Database, table: EventTable, span: Span): boolean {
  const ts = quoteIdent(table.tsColumn!);
  const t = quoteIdent(table.name);
  const r = queryOne<{ lo: number | null; hi: number | null }>(db, `SELECT (SELECT min(${ts}) FROM ${t}) AS lo, (SELECT max(${ts}) FROM ${t}) AS hi`);
  return !r || r.lo === null || r.hi === null || (span.from <= r.lo && span.to >= r.hi);
}

interface Span {
  from: number;
  to: number;
}

/** Merges overlapping/adjacent (same hour) spans so no bucket is recomputed twice. */
function mergeSpans(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => Number.isFinite(s.from) && Number.isFinite(s.to)).sort((a, b) => a.from - b.from);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && Math.floor(s.from / 86400) <= Math.floor(last.to / 86400) + 1) last.to = Math.max(last.to, s.to);
    else out.push({ ...s });
  }
  return out;
}

/** True when an INSERT on the table fires a trigger that writes the table itself (values could change). */
function selfWritingInsertTrigger(db: Database, table: string): boolean {
  const triggers = queryRows<{ sql: string | null }>(db, `SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?`, [table]);
  const self = new RegExp(`\\b(UPDATE|INTO|FROM)\\s+["\\[\`]?${table.replace(/[^A-Za-z0-9_]/g, '.')}\\b`, 'i');
  return triggers.some(({ sql }) => sql === null || (/\bINSERT\b/i.test(sql.split(/\bBEGIN\b/i)[0]) && self.test(sql.split(/\bBEGIN\b/i).slice(1).join(' '))));
}

/**
 * The fast path of an ingest write: adds the JS-summed contributions of the rows it inserted
 * (rollupDeltas.ts) to the rollup buckets, then re-sums the block levels over those buckets.
 * Only when provably complete: every row above the watermark is one the sums saw (the
 * watermark stood at the table's top before the run, and the rows above it are as many as
 * were fed), and nothing else changed rows. Returns false to leave the table to SQL.
 */
function applyDeltas(db: Database, table: EventTable, spans: Span[], baseId: number, deltas: TableRollupDeltas, mark: number | null): boolean {
  // no watermark yet: the table was never rolled up (stale rows of a same-named table may linger)
  if (!deltas.valid || mark === null || mark !== baseId) return false;
  if (spans.some((s) => s.from < deltas.minTs || s.to > deltas.maxTs)) return false;
  const added = Number(queryOne<{ n: number }>(db, `SELECT count(*) AS n FROM ${quoteIdent(table.name)} WHERE id > ?`, [baseId])?.n ?? 0);
  if (added !== deltas.rows || selfWritingInsertTrigger(db, table.name)) return false;
  if (added === 0) return true;
  for (const s of deltas.specs) {
    const span = mergeIntoRollup(db, s);
    if (span) refreshBlocks(db, s.spec, span.from, span.to);
  }
  if (deltas.sqlSpecs.length) {
    const span = { from: deltas.minTs, to: deltas.maxTs };
    const whole = coversWholeTable(db, table, span);
    for (const spec of deltas.sqlSpecs) {
      if (whole) {
        refreshSpec(db, spec);
        refreshBlocks(db, spec);
      } else {
        refreshSpec(db, spec, span.from, span.to);
        refreshBlocks(db, spec, span.from, span.to);
      }
    }
  }
  return true;
}

/**
 * Brings one table's rollups up to date: the given spans plus every row above the watermark
 * (rows written by anyone, even without telling us); a full rebuild when the table shrank
 * below its watermark or was never rolled up.
 */
function refreshTable(db: Database, table: EventTable, spans: Span[], run: RunRollupDeltas | undefined): 'summed' | 'scanned' | null {
  const specs = installedSpecs(db, table);
  if (specs.length === 0 || !table.tsColumn) return null;
  let how: 'summed' | 'scanned' = 'scanned';
  const top = maxId(db, table.name);
  const mark = readWatermark(db, table.name);
  const fed = run?.forTable(table.name);
  if (fed && applyDeltas(db, table, spans, fed.baseId, fed.deltas, mark)) {
    how = 'summed';
  } else if (mark === null || top < mark) {
    for (const spec of specs) {
      refreshSpec(db, spec);
      refreshBlocks(db, spec);
    }
  } else {
    const all = [...spans];
    if (top > mark) {
      const ts = quoteIdent(table.tsColumn);
      const fresh = queryOne<{ lo: number | null; hi: number | null }>(
        db,
        `SELECT min(${ts}) AS lo, max(${ts}) AS hi FROM ${quoteIdent(table.name)} WHERE id > ?`,
        [mark],
      );
      if (fresh && fresh.lo !== null && fresh.hi !== null) all.push({ from: fresh.lo, to: fresh.hi });
    }
    const merged = mergeSpans(all);
    if (merged.length === 1 && coversWholeTable(db, table, merged[0])) {
      // a backfill: one pass over the table beats walking the time index over all of it
      for (const spec of specs) {
        refreshSpec(db, spec);
        refreshBlocks(db, spec);
      }
    } else {
      for (const span of merged) {
        for (const spec of specs) {
          refreshSpec(db, spec, span.from, span.to);
          refreshBlocks(db, spec, span.from, span.to);
        }
      }
    }
  }
  db.run(`INSERT INTO ${WATERMARK_TABLE} (table_name, max_id) VALUES (?, ?) ON CONFLICT (table_name) DO UPDATE SET max_id = excluded.max_id`, [
    table.name,
    top,
  ]);
  return how;
}

/** Which tables' rollups a refresh updated from JS sums (no event-row reads) and which by SQL. */
export interface RefreshSummary {
  summed: string[];
  scanned: string[];
}

/**
 * Keeps the rollup tables current after an ingest write. Called by ingest inside the same
 * write with the ranges it touched (and, when it summed them as it inserted, the run's
 * deltas: then the sums are merged in without reading the event rows); otherwise recomputes
 * only the buckets those ranges (and any rows above the watermark) fall in. A no-op on a database without the V3 rollup tables.
 */
export function refreshRollups(db: Database, touched: TouchedRange[], deltas?: RunRollupDeltas): RefreshSummary {
  const summary: RefreshSummary = { summed: [], scanned: [] };
  if (!rollupsInstalled(db)) return summary;
  const byTable = new Map<string, Span[]>();
  for (const t of touched) {
    const list = byTable.get(t.table) ?? [];
    list.push({ from: Math.min(t.minTs, t.maxTs), to: Math.max(t.minTs, t.maxTs) });
    byTable.set(t.table, list);
  }
  const tables = listEventTables(db);
  forgetDroppedTables(db, new Set(tables.map((t) => t.name)));
  for (const table of tables) {
    const how = refreshTable(db, table, byTable.get(table.name) ?? [], deltas);
    if (how) summary[how].push(table.name);
  }
  return summary;
}

/** Removes the counts of event tables that no longer exist (so readers need no table filter). */
function forgetDroppedTables(db: Database, existing: Set<string>): void {
  const gone = queryRows<{ table_name: string }>(db, `SELECT table_name FROM ${WATERMARK_TABLE}`).filter((r) => !existing.has(r.table_name));
  for (const { table_name } of gone) {
    db.run(`DELETE FROM rollup_event_hour WHERE table_name = ?`, [table_name]);
    db.run(`DELETE FROM rollup_event_block WHERE table_name = ?`, [table_name]);
    db.run(`DELETE FROM ${WATERMARK_TABLE} WHERE table_name = ?`, [table_name]);
  }
}

/** Folds rows written since the last refresh into the rollups (cheap when nothing changed). */
export function catchUpRollups(db: Database): void {
  refreshRollups(db, []);
}

/**
 * The specs of one event table whose rollup tables this database has. A rollup table added by a
 * later migration (V4…) is absent until that migration runs; until then its spec is skipped, so
 * an older migration's step (V3's rebuild) never names a table its own text did not create.
 */
function installedSpecs(db: Database, table: EventTable): RollupSpec[] {
  return specsForTable(table).filter((s) => tableExists(db, s.table) && tableExists(db, blockTable(s)));
}

/** Drops every rollup row and recomputes all of them (the V3 step, later rollup migrations' steps, and a repair tool). */
export function rebuildRollups(db: Database): void {
  for (const { table } of rollupTableDefinitions()) if (tableExists(db, table)) db.run(`DELETE FROM ${table}`);
  db.run(`DELETE FROM ${WATERMARK_TABLE}`);
  catchUpRollups(db);
}
