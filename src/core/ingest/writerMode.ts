/**
 * Cutover state per JSONL stream (seed 002 phase 4, docs/writer-contract.md): a source whose
 * events its program now writes straight into the database can be retired — no longer
 * imported or watched, its lines still verifiable — and brought back (rollback).
 */
import type { SqlDatabase as Database } from '../db/database';
import { tableExists } from './sql';

export const WRITER_MODE_TABLE = 'source_writer_mode';

export interface WriterModeEntry {
  stream: string;
  table: string;
  mode: 'database-native';
  changedAt: number;
  agreementPercent: number | null;
}

/** Streams retired by a cutover (only those are recorded; every other stream is imported). */
export function readWriterModes(db: Database): Map<string, WriterModeEntry> {
  const out = new Map<string, WriterModeEntry>();
  if (!tableExists(db, WRITER_MODE_TABLE)) return out;
  const r = db.exec(`SELECT stream_key, table_name, mode, changed_at, agreement_percent FROM ${WRITER_MODE_TABLE} WHERE mode = 'database-native'`);
  for (const v of r.length ? r[0].values : []) {
    out.set(String(v[0]), { stream: String(v[0]), table: String(v[1]), mode: 'database-native', changedAt: Number(v[2]), agreementPercent: v[4] === null ? null : Number(v[4]) });
  }
  return out;
}

export function isRetired(db: Database, stream: string): boolean {
  return readWriterModes(db).has(stream);
}

export function recordCutover(db: Database, stream: string, table: string, agreementPercent: number | null, nowS: number): void {
  db.run(
    `INSERT INTO ${WRITER_MODE_TABLE} (stream_key, table_name, mode, changed_at, agreement_percent) VALUES (?, ?, 'database-native', ?, ?)
     ON CONFLICT (stream_key) DO UPDATE SET mode = excluded.mode, changed_at = excluded.changed_at, agreement_percent = excluded.agreement_percent`,
    [stream, table, nowS, agreementPercent],
  );
}

/** Undoes a cutover; false when the stream was not retired. */
export function recordRollback(db: Database, stream: string): boolean {
  if (!isRetired(db, stream)) return false;
  db.run(`DELETE FROM ${WRITER_MODE_TABLE} WHERE stream_key = ?`, [stream]);
  return true;
}

export type TableWriterMode = 'jsonl-only' | 'dual-write' | 'database-native';

export interface TableWriterModeInfo {
  mode: TableWriterMode;
  /**
   * dual-write: of the rows a program wrote up to the newest one a JSONL line claimed, the
   * share claimed (as of the last import; `verify` reads the files for the exact dual-read).
   */
  agreementPercent: number | null;
}

function count(db: Database, sql: string, params: (string | number)[] = []): number {
  const r = db.exec(sql, params);
  return r.length ? Number(r[0].values[0][0] ?? 0) : 0;
}

/**
 * Per event table, who writes it (docs/writer-contract.md): JSONL only (imported), dual-write
 * (a program writes rows directly and a JSONL source is still imported), database-native
 * (cut over, or a program writes it and no JSONL source feeds it). Tables neither imported nor
 * directly written (adopted history, empty) are absent. Cheap: reads bookkeeping only.
 */
export function tableWriterModes(db: Database, tables: readonly string[]): Map<string, TableWriterModeInfo> {
  const out = new Map<string, TableWriterModeInfo>();
  const retired = new Set([...readWriterModes(db).values()].map((e) => e.table));
  const hasStreams = tableExists(db, 'ingest_streams');
  const hasDirect = tableExists(db, 'direct_rows');
  for (const t of tables) {
    const active = hasStreams ? count(db, 'SELECT count(*) FROM ingest_streams WHERE table_name = ?', [t]) : 0;
    const quoted = `"${t.replace(/"/g, '""')}"`;
    let direct = 0;
    try {
      direct = count(db, `SELECT count(*) FROM ${quoted} WHERE row_hash IS NULL`) + (hasDirect ? count(db, 'SELECT count(*) FROM direct_rows WHERE table_name = ?', [t]) : 0);
    } catch {
      continue; // a table without the bookkeeping columns
    }
    if (retired.has(t)) {
      out.set(t, { mode: 'database-native', agreementPercent: null });
    } else if (direct > 0 && active > 0) {
      const newestClaim = hasDirect ? count(db, 'SELECT coalesce(max(row_id), 0) FROM direct_rows WHERE table_name = ? AND claimed_source_id IS NOT NULL', [t]) : 0;
      const upTo = hasDirect ? count(db, 'SELECT count(*) FROM direct_rows WHERE table_name = ? AND row_id <= ?', [t, newestClaim]) : 0;
      const claimed = hasDirect ? count(db, 'SELECT count(*) FROM direct_rows WHERE table_name = ? AND claimed_source_id IS NOT NULL', [t]) : 0;
      out.set(t, { mode: 'dual-write', agreementPercent: upTo ? Math.round((10000 * claimed) / upTo) / 100 : null });
    } else if (direct > 0) {
      out.set(t, { mode: 'database-native', agreementPercent: null });
    } else if (active > 0) {
      out.set(t, { mode: 'jsonl-only', agreementPercent: null });
    }
  }
  return out;
}

/** "dual-write 98.5%", "JSONL only", "database-native". */
export function writerModeText(m: TableWriterModeInfo): string {
  if (m.mode === 'jsonl-only') return 'JSONL only';
  if (m.mode === 'database-native') return 'database-native';
  return m.agreementPercent === null ? 'dual-write' : `dual-write ${m.agreementPercent}%`;
}
