/**
 * The ingest ledger (ingest_streams / ingest_sources): which physical file was read how far.
 * It is only the fast path for appends: correctness comes from row identity, so a wrong or
 * missing ledger entry costs a re-read, never a lost or duplicated row.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SqlDatabase as Database } from '../db/database';
import { hash53 } from '../formats/rowIdentity';
import { rowsOf, scalar } from './sql';
import type { DiscoveredSource } from './types';

export const FINGERPRINT_BYTES = 4096;

export interface LedgerEntry {
  id: number;
  path: string;
  streamId: number;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
  byteOffset: number;
  lineCount: number;
  blankLines: number;
  rejectedLines: number;
  endsMidLine: boolean;
  headFingerprint: number | null;
  tailFingerprint: number | null;
  rowsInserted: number;
}

export function streamId(db: Database, key: string, kind: string, table: string, nowS: number): number {
  const existing = scalar(db, 'SELECT id FROM ingest_streams WHERE stream_key = ?', [key]);
  if (existing !== null) return Number(existing);
  db.run('INSERT INTO ingest_streams (stream_key, kind, table_name, created_at) VALUES (?, ?, ?, ?)', [key, kind, table, nowS]);
  return Number(scalar(db, 'SELECT last_insert_rowid()'));
}

/** A stream whose files moved, and which ledger entry is now which file. */
export interface MovedStream {
  streamId: number;
  entries: { entryId: number; path: string }[];
}

/**
 * The stream a new stream key continues when its files were moved: the folder was renamed or
 * moved (same device and inode) or copied elsewhere and the old copy removed (the file has the
 * entry's name and, for JSONL, still starts with the bytes the ledger read; a JSON document is
 * re-read whole each time, so its name is enough — identity keeps its unchanged rows). Row identity includes the
 * stream, and a file's rows are counted against its ledger entry, so the caller re-keys that
 * stream and points the entries at the files — a new stream would import every line a second
 * time. Nothing is adopted while a file of the old stream still exists: two live copies are two
 * sources.
 */
export function movedStreamFor(db: Database, key: string, files: readonly DiscoveredSource[]): MovedStream | null {
  const first = files[0];
  if (!first) return null;
  const candidates = rowsOf(db, 'SELECT id, stream_key FROM ingest_streams WHERE table_name = ? AND kind = ? AND stream_key <> ? ORDER BY id', [first.table, first.kind, key]);
  for (const c of candidates) {
    if (path.basename(String(c.stream_key)) !== path.basename(key)) continue;
    const entries = streamEntries(db, Number(c.id));
    if (!entries.length || entries.some((e) => fs.existsSync(e.path))) continue;
    const moved: MovedStream['entries'] = [];
    const taken = new Set<DiscoveredSource>();
    for (const e of entries) {
      const f =
        files.find((x) => !taken.has(x) && e.ino !== 0 && e.dev === x.dev && e.ino === x.ino) ??
        files.find((x) => !taken.has(x) && path.basename(x.path) === path.basename(e.path) && (x.format === 'jsonl' ? e.byteOffset > 0 && appendOnlySince(e, x).ok : true));
      if (!f) continue;
      taken.add(f);
      moved.push({ entryId: e.id, path: f.path });
    }
    if (moved.length) return { streamId: Number(c.id), entries: moved };
  }
  return null;
}

/** Gives a moved stream its new key and its entries their files' new paths; the stream's writer mode moves with it. */
export function adoptMovedStream(db: Database, moved: MovedStream, key: string, writerModeTable: string | null): void {
  const old = scalar(db, 'SELECT stream_key FROM ingest_streams WHERE id = ?', [moved.streamId]);
  db.run('UPDATE ingest_streams SET stream_key = ? WHERE id = ?', [key, moved.streamId]);
  for (const e of moved.entries) db.run('UPDATE ingest_sources SET path = ? WHERE id = ?', [e.path, e.entryId]);
  if (writerModeTable && old !== null) db.run(`UPDATE ${writerModeTable} SET stream_key = ? WHERE stream_key = ?`, [key, String(old)]);
}

export function findStreamId(db: Database, key: string): number | null {
  const v = scalar(db, 'SELECT id FROM ingest_streams WHERE stream_key = ?', [key]);
  return v === null ? null : Number(v);
}

export function streamEntries(db: Database, sid: number): LedgerEntry[] {
  return rowsOf(db, 'SELECT * FROM ingest_sources WHERE stream_id = ? ORDER BY id', [sid]).map((r) => ({
    id: Number(r.id),
    path: String(r.path),
    mtimeMs: Number(r.mtime_ms),
    streamId: Number(r.stream_id),
    size: Number(r.size),
    dev: Number(r.dev),
    ino: Number(r.ino),
    byteOffset: Number(r.byte_offset),
    lineCount: Number(r.line_count),
    blankLines: Number(r.blank_lines),
    rejectedLines: Number(r.rejected_lines),
    endsMidLine: Number(r.ends_mid_line) === 1,
    headFingerprint: r.head_fingerprint === null ? null : Number(r.head_fingerprint),
    tailFingerprint: r.tail_fingerprint === null ? null : Number(r.tail_fingerprint),
    rowsInserted: Number(r.rows_inserted),
  }));
}

function readRange(fd: number, start: number, end: number): Buffer {
  const len = Math.max(0, end - start);
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = fs.readSync(fd, buf, got, len - got, start + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/** Hashes of the first and of the last FINGERPRINT_BYTES bytes before `offset`. */
export function fingerprints(filePath: string, offset: number): { head: number; tail: number } | null {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch {
    return null;
  }
  try {
    const head = readRange(fd, 0, Math.min(FINGERPRINT_BYTES, offset));
    const tail = readRange(fd, Math.max(0, offset - FINGERPRINT_BYTES), offset);
    return { head: hash53(head.toString('latin1')), tail: hash53(tail.toString('latin1')) };
  } finally {
    fs.closeSync(fd);
  }
}

/** The bytes at `offset` (to check that a mid-line end was followed by its newline). */
export function bytesAt(filePath: string, offset: number, n: number): Buffer {
  const fd = fs.openSync(filePath, 'r');
  try {
    return readRange(fd, offset, offset + n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Where reading a file starts: `fast` continues after the ledger's offset, `full` reads it all. */
export interface ReadPlan {
  source: DiscoveredSource;
  entry: LedgerEntry | null;
  mode: 'fast' | 'full';
  startOffset: number;
  startLine: number;
}

/** Is `entry` (read up to its offset) a prefix of the file as it is now? Then only the tail is new. */
export function appendOnlySince(entry: LedgerEntry, src: DiscoveredSource): { ok: boolean; skip: number } {
  if (entry.byteOffset === 0) return { ok: entry.lineCount === 0, skip: 0 };
  if (src.size < entry.byteOffset) return { ok: false, skip: 0 };
  const fp = fingerprints(src.path, entry.byteOffset);
  if (!fp || fp.head !== entry.headFingerprint || fp.tail !== entry.tailFingerprint) return { ok: false, skip: 0 };
  if (!entry.endsMidLine || src.size === entry.byteOffset) return { ok: true, skip: 0 };
  // the last line was read without its newline: it must now be followed by exactly that newline
  const next = bytesAt(src.path, entry.byteOffset, 2);
  if (next[0] === 10) return { ok: true, skip: 1 };
  if (next[0] === 13 && next[1] === 10) return { ok: true, skip: 2 };
  if (next[0] === 13 && next.length === 1) return { ok: false, skip: 0 };
  return { ok: false, skip: 0 };
}

/**
 * Pairs files of one stream with ledger entries: first by (dev, inode) with an intact prefix
 * (a rotated file keeps its entry under its new name), then by path (rewritten in place or
 * replaced), else a new entry. Returns the plan in rotation order.
 */
export function planStream(files: DiscoveredSource[], entries: LedgerEntry[]): ReadPlan[] {
  const free = new Set(entries);
  const plans = new Map<DiscoveredSource, ReadPlan>();
  for (const f of files) {
    const cands = entries.filter((e) => free.has(e) && e.ino !== 0 && e.dev === f.dev && e.ino === f.ino);
    cands.sort((a, b) => Number(b.path === f.path) - Number(a.path === f.path));
    for (const e of cands) {
      const check = appendOnlySince(e, f);
      if (check.ok) {
        free.delete(e);
        plans.set(f, { source: f, entry: e, mode: 'fast', startOffset: e.byteOffset + check.skip, startLine: e.lineCount });
        break;
      }
    }
  }
  for (const f of files) {
    if (plans.has(f)) continue;
    const e = entries.find((x) => free.has(x) && x.path === f.path);
    if (e) free.delete(e);
    plans.set(f, { source: f, entry: e ?? null, mode: 'full', startOffset: 0, startLine: 0 });
  }
  return files.map((f) => plans.get(f)!);
}

export interface LedgerUpdate {
  entryId: number | null;
  source: DiscoveredSource;
  streamId: number;
  byteOffset: number;
  lineCount: number;
  blankLines: number;
  rejectedLines: number;
  endsMidLine: boolean;
  inserted: number;
  nowS: number;
  /** The entry as it was before this run: an unchanged entry is not rewritten (no write-back). */
  previous?: LedgerEntry | null;
}

function unchanged(u: LedgerUpdate, head: number | null, tail: number | null): boolean {
  const p = u.previous;
  return (
    !!p &&
    u.inserted === 0 &&
    p.path === u.source.path &&
    p.size === u.source.size &&
    p.dev === u.source.dev &&
    p.ino === u.source.ino &&
    p.byteOffset === u.byteOffset &&
    p.lineCount === u.lineCount &&
    p.blankLines === u.blankLines &&
    p.rejectedLines === u.rejectedLines &&
    p.endsMidLine === u.endsMidLine &&
    p.headFingerprint === head &&
    p.tailFingerprint === tail
  );
}

/** Writes the entry's new position; returns its id (the rows' source_id). */
export function saveEntry(db: Database, u: LedgerUpdate): number {
  const fp = u.source.format === 'jsonl' ? fingerprints(u.source.path, u.byteOffset) : null;
  if (u.entryId !== null && unchanged(u, fp?.head ?? null, fp?.tail ?? null)) return u.entryId;
  const s = u.source;
  const vals = [s.path, u.streamId, s.kind, s.table, s.format, s.size, s.mtimeMs, s.dev, s.ino, u.byteOffset, u.lineCount, u.blankLines, u.rejectedLines, u.endsMidLine ? 1 : 0, fp?.head ?? null, fp?.tail ?? null];
  if (u.entryId === null) {
    db.run(
      `INSERT INTO ingest_sources (path, stream_id, kind, table_name, format, size, mtime_ms, dev, ino, byte_offset, line_count, blank_lines, rejected_lines, ends_mid_line,
         head_fingerprint, tail_fingerprint, rows_inserted, last_inserted, first_seen_at, last_run_at) VALUES (${vals.map(() => '?').join(', ')}, ?, ?, ?, ?)`,
      [...vals, u.inserted, u.inserted, u.nowS, u.nowS],
    );
    return Number(scalar(db, 'SELECT last_insert_rowid()'));
  }
  db.run(
    `UPDATE ingest_sources SET path = ?, stream_id = ?, kind = ?, table_name = ?, format = ?, size = ?, mtime_ms = ?, dev = ?, ino = ?, byte_offset = ?, line_count = ?,
       blank_lines = ?, rejected_lines = ?, ends_mid_line = ?, head_fingerprint = ?, tail_fingerprint = ?, rows_inserted = rows_inserted + ?, last_inserted = ?,
       last_run_at = ?, missing_since = NULL WHERE id = ?`,
    [...vals, u.inserted, u.inserted, u.nowS, u.entryId],
  );
  return u.entryId;
}

/** Placeholder entry so rows and rejects have a source_id before the file is fully read. */
export function reserveEntry(db: Database, source: DiscoveredSource, sid: number, nowS: number): number {
  return saveEntry(db, { entryId: null, source, streamId: sid, byteOffset: 0, lineCount: 0, blankLines: 0, rejectedLines: 0, endsMidLine: false, inserted: 0, nowS });
}
