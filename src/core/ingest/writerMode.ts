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
