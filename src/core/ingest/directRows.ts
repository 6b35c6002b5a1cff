/**
 * Rows another program wrote straight into an event table (docs/writer-contract.md): they are
 * first-class. Before Telemetry Lens reads or writes, `catchUpDirectWrites` makes them look
 * like its own rows where it needs to: the users' column names for a catalogue column
 * (tool_name) and the catalogue's (tool) hold the same value. When Telemetry Lens writes
 * (`tagDirectRows`), a row without identity (row_hash NULL) gets one lazily — stream 0, the
 * content hash over its data columns, its occurrence number — and is listed in direct_rows, so
 * dual-write claiming and dual-read validation can tell it from rows imported from JSONL.
 */
import { exactIntegerSql } from '../formats/exactNumbers';
import type { SqlValue } from '../db/database';
import type { SqlDatabase as Database } from '../db/database';
import { isLiveReadOnly } from '../db/database';
import { V1_EVENT_TABLES } from '../schema/builtin/V1__telemetry_core';
import { KNOWN_TABLES, tableAliasesOf } from '../formats/catalogue';
import { PROVENANCE_COLUMNS, rowContentHash } from '../formats/rowIdentity';
import { quoteIdent, tableExists } from './sql';
import { identityShape, identityWhere } from './identityIndex';
import type { DirectRow, Values } from './naturalKeys';

export const DIRECT_ROWS_TABLE = 'direct_rows';

/** Tables whose directly written rows Telemetry Lens reads as its own: V1's and every catalogue table. */
function knownEventTables(): string[] {
  return [...new Set<string>([...V1_EVENT_TABLES, ...KNOWN_TABLES])];
}

export function columnNames(db: Database, table: string): string[] {
  const r = db.exec(`SELECT name FROM pragma_table_info(?)`, [table]);
  return r.length ? r[0].values.map((v) => String(v[0])) : [];
}

/** Copies a value between the catalogue's column and the users' name for it where one is missing. */
export function catchUpDirectWrites(db: Database): number {
  // a native read handle is the live file opened read-only: a temp view of the same name (temp
  // names resolve first) shows each alias pair filled from the other; the next write fills the file
  if (isLiveReadOnly(db)) {
    aliasViews(db);
    return 0;
  }
  let changed = 0;
  for (const table of knownEventTables()) {
    if (!tableExists(db, table)) continue;
    const cols = new Set(columnNames(db, table));
    for (const [col, aliases] of tableAliasesOf(table)) {
      if (!cols.has(col)) continue;
      for (const a of aliases.filter((x) => cols.has(x))) {
        const [c, n] = [quoteIdent(col), quoteIdent(a)];
        // one pass over the table: each side takes the other's value where it has none (the
        // right-hand sides read the row as it was)
        db.run(`UPDATE ${quoteIdent(table)} SET ${c} = coalesce(${c}, ${n}), ${n} = coalesce(${n}, ${c}) WHERE (${c} IS NULL) <> (${n} IS NULL)`);
        changed += Number(db.exec('SELECT changes()')[0].values[0][0]);
      }
    }
  }
  return changed;
}

function aliasViews(db: Database): void {
  for (const table of knownEventTables()) {
    if (!tableExists(db, table)) continue;
    if (db.exec(`SELECT 1 FROM sqlite_temp_master WHERE name = ?`, [table]).length) continue;
    const cols = columnNames(db, table);
    const have = new Set(cols);
    // only where a hook filled the alias alone (tool_name without tool): readers need the column
    const partner = new Map<string, string>();
    for (const [col, aliases] of tableAliasesOf(table)) {
      if (!have.has(col)) continue;
      for (const a of aliases.filter((x) => have.has(x))) {
        if (db.exec(`SELECT 1 FROM main.${quoteIdent(table)} WHERE ${quoteIdent(col)} IS NULL AND ${quoteIdent(a)} IS NOT NULL LIMIT 1`).length) partner.set(col, a);
      }
    }
    if (partner.size === 0) continue;
    const select = cols.map((c) => (partner.has(c) ? `coalesce(${quoteIdent(c)}, ${quoteIdent(partner.get(c)!)}) AS ${quoteIdent(c)}` : quoteIdent(c))).join(', ');
    db.run(`CREATE TEMP VIEW ${quoteIdent(table)} AS SELECT ${select} FROM main.${quoteIdent(table)}`);
  }
}

/** Data columns of an event table (not TL's provenance/identity). */
export function dataColumns(db: Database, table: string): string[] {
  return columnNames(db, table).filter((c) => !PROVENANCE_COLUMNS.includes(c));
}

/**
 * Gives rows another program wrote (row_hash NULL) their identity and lists them in
 * direct_rows. Returns how many were tagged. A no-op before V4.
 */
export function tagDirectRows(db: Database, nowS: number): number {
  if (!tableExists(db, DIRECT_ROWS_TABLE)) return 0;
  let tagged = 0;
  for (const table of knownEventTables()) {
    if (!tableExists(db, table)) continue;
    const have = columnNames(db, table);
    if (!have.includes('row_hash') || !have.includes('stream_id') || !have.includes('row_seq')) continue; // another program's own table
    const t = quoteIdent(table);
    const cols = dataColumns(db, table);
    const shape = identityShape(db, table);
    const timeAt = shape.timeColumn ? cols.indexOf(shape.timeColumn) : -1;
    // V6's partial index ix_<table>_untagged holds exactly these rows: no scan of the table
    const sel = db.prepare(`SELECT id, ${cols.map(quoteIdent).join(', ')} FROM ${t} WHERE row_hash IS NULL ORDER BY id`);
    const pending: { id: number; hash: number; time: SqlValue }[] = [];
    try {
      while (sel.step()) {
        const r = sel.get();
        const row: Record<string, SqlValue> = {};
        for (let i = 0; i < cols.length; i++) if (r[i + 1] !== null) row[cols[i]] = r[i + 1];
        pending.push({ id: Number(r[0]), hash: rowContentHash(row, null), time: timeAt >= 0 ? r[timeAt + 1] : null });
      }
    } finally {
      sel.free();
    }
    if (!pending.length) continue;
    const seqOf = db.prepare(`SELECT coalesce(max(row_seq), 0) FROM ${t} WHERE ${identityWhere(shape)}`);
    const upd = db.prepare(`UPDATE ${t} SET stream_id = 0, row_hash = ?, row_seq = ? WHERE id = ?`);
    const ins = db.prepare(`INSERT OR IGNORE INTO ${DIRECT_ROWS_TABLE} (table_name, row_id, first_seen_at) VALUES (?, ?, ?)`);
    try {
      for (const p of pending) {
        seqOf.bind(shape.timeColumn ? [0, p.hash, p.time] : [0, p.hash]);
        seqOf.step();
        const seq = Number(seqOf.get()[0]) + 1;
        seqOf.reset();
        upd.run([p.hash, seq, p.id]);
        ins.run([table, p.id, nowS]);
        tagged++;
      }
    } finally {
      seqOf.free();
      upd.free();
      ins.free();
    }
  }
  return tagged;
}

/**
 * Rows another program wrote that no JSONL line has claimed: stream 0, no source, and either
 * without identity yet (a snapshot before Telemetry Lens's next write) or listed in direct_rows.
 */
export function loadDirectRows(db: Database, table: string, columns: readonly string[], timeColumn: string | null): DirectRow[] {
  if (!tableExists(db, table)) return [];
  const have = new Set(columnNames(db, table));
  if (!have.has('row_hash') || !have.has('stream_id')) return [];
  const cols = columns.filter((c) => have.has(c));
  const listed = tableExists(db, DIRECT_ROWS_TABLE) ? ` OR id IN (SELECT row_id FROM ${DIRECT_ROWS_TABLE} WHERE table_name = ? AND claimed_source_id IS NULL)` : '';
  // integers beyond 2^53 are read as their digits (a double would round them), as ingest maps them
  const exact = (c: string) => exactIntegerSql(quoteIdent(c));
  const stmt = db.prepare(
    `SELECT id${cols.map((c) => `, ${exact(c)}`).join('')} FROM ${quoteIdent(table)} WHERE stream_id = 0 AND source_id IS NULL AND (row_hash IS NULL${listed})`,
  );
  const out: DirectRow[] = [];
  try {
    if (listed) stmt.bind([table]);
    while (stmt.step()) {
      const r = stmt.get();
      const values: Values = {};
      for (let i = 0; i < cols.length; i++) values[cols[i]] = r[i + 1];
      const t = timeColumn ? values[timeColumn] : null;
      out.push({ id: Number(r[0]), ts: typeof t === 'number' ? t : null, values });
    }
  } finally {
    stmt.free();
  }
  return out;
}

/** Records that a JSONL line claimed a directly written row. */
export function recordClaim(db: Database, table: string, rowId: number, sourceId: number, line: number, by: string, nowS: number): void {
  if (!tableExists(db, DIRECT_ROWS_TABLE)) return;
  db.run(
    `INSERT INTO ${DIRECT_ROWS_TABLE} (table_name, row_id, first_seen_at, claimed_source_id, claimed_line, matched_by) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (table_name, row_id) DO UPDATE SET claimed_source_id = excluded.claimed_source_id, claimed_line = excluded.claimed_line, matched_by = excluded.matched_by`,
    [table, rowId, nowS, sourceId, line, by],
  );
}
