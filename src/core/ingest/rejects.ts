/**
 * Reader of the quarantine (ingest_rejects, V2__ingest_bookkeeping): the lines that could not
 * become rows, by source file and line. Raw text is cut in SQL so a database full of 4 KB
 * rejects still lists fast; a database never migrated simply has no rejects.
 */
import * as fs from 'fs';
import { openSnapshot, type SqlDatabase as Database, type SqlValue } from '../db/database';
import { rowsOf, scalar, tableExists } from './sql';
import type { RejectReason, SourceFormat } from './types';

export interface RejectEntry {
  /** The source file (as recorded when the line was read). */
  path: string;
  /** 1-based line; for a JSON document (skill_metrics.json) the element number. */
  line: number;
  reason: RejectReason;
  /** Which field, parser message; null when none. */
  detail: string | null;
  /** Raw text, at most `rawChars` characters. */
  raw: string;
  /** Size of the whole raw line in bytes. */
  rawBytes: number;
  /** Epoch seconds when a run first and last saw the line. */
  firstSeenAt: number;
  lastSeenAt: number;
  format: SourceFormat;
}

export interface RejectsPage {
  rows: RejectEntry[];
  /** All rejects matching the filter (`rows` is one page of them). */
  total: number;
}

export interface ListRejectsOptions {
  /** Page size. Default 2000. */
  limit?: number;
  /** Rows to skip (ordered by path, line). Default 0. */
  offset?: number;
  /** Only this source file's rejects (its path as discovery gave it). */
  source?: string;
  /** Raw text kept per row. Default 1000 characters. */
  rawChars?: number;
}

export function listRejects(db: Database, opts: ListRejectsOptions = {}): RejectsPage {
  if (!tableExists(db, 'ingest_rejects') || !tableExists(db, 'ingest_sources')) return { rows: [], total: 0 };
  const where = opts.source === undefined ? '' : 'WHERE s.path = ?';
  const params: SqlValue[] = opts.source === undefined ? [] : [opts.source];
  const from = 'FROM ingest_rejects r JOIN ingest_sources s ON s.id = r.source_id';
  const total = Number(scalar(db, `SELECT count(*) ${from} ${where}`, params));
  const rows = rowsOf(
    db,
    `SELECT s.path, r.line, r.reason, r.detail, substr(r.raw, 1, ?) AS raw, r.raw_bytes, r.first_seen_at, r.last_seen_at, s.format
       ${from} ${where}
      ORDER BY s.path, r.line, r.id
      LIMIT ? OFFSET ?`,
    [Math.max(0, opts.rawChars ?? 1000), ...params, Math.max(0, opts.limit ?? 2000), Math.max(0, opts.offset ?? 0)],
  );
  return {
    total,
    rows: rows.map((r) => ({
      path: String(r.path),
      line: Number(r.line),
      reason: String(r.reason) as RejectReason,
      detail: r.detail === null ? null : String(r.detail),
      raw: String(r.raw ?? ''),
      rawBytes: Number(r.raw_bytes),
      firstSeenAt: Number(r.first_seen_at),
      lastSeenAt: Number(r.last_seen_at),
      format: String(r.format) as SourceFormat,
    })),
  };
}

/** The quarantine of the database file at `dbPath`, from a snapshot (nothing when there is no database yet). */
export async function listRejectsOfFile(dbPath: string, opts: ListRejectsOptions = {}): Promise<RejectsPage> {
  if (!fs.existsSync(dbPath)) return { rows: [], total: 0 };
  const db = await openSnapshot(dbPath);
  try {
    return listRejects(db, opts);
  } finally {
    db.close();
  }
}
