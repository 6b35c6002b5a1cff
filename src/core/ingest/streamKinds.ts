/**
 * Known or inferred, per stream: one decision shared by migrate, audit and verify (through
 * resolveInferredTables), so they never read one stream two ways.
 * - A stream the ledger records keeps the kind it was imported with: a file name the catalogue
 *   learned after the stream was imported stays inferred until migrate promotes it (promote.ts);
 *   a read-only audit or verify compares it with the database as it is.
 * - A new stream of a known file name whose first record lacks the catalogue's shape
 *   (`fitsShape`: a required field without a default) is inferred: another program writes a file
 *   of that name in its own shape, and its lines must not all become rejects.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SqlDatabase as Database } from '../db/database';
import { fitsShape, KNOWN_SOURCES, type KnownSource } from '../formats/catalogue';
import { tableExists } from './sql';
import type { DiscoveredSource } from './types';

const SNIFF_BYTES = 64 * 1024;
const SNIFF_LINES = 50;

/** The first JSON object among the first complete lines of a file, or null. */
export function firstRecord(filePath: string): Record<string, unknown> | null {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch {
    return null;
  }
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = fs.readSync(fd, buf, 0, SNIFF_BYTES, 0);
    const text = buf.subarray(0, n).toString('utf8').replace(/^\uFEFF/, '');
    const lines = text.split('\n');
    lines.pop(); // not complete (or empty after the last newline)
    for (const line of lines.slice(0, SNIFF_LINES)) {
      const t = line.trim();
      if (!t.startsWith('{')) continue;
      try {
        const rec = JSON.parse(t) as unknown;
        if (rec && typeof rec === 'object' && !Array.isArray(rec)) return rec as Record<string, unknown>;
      } catch {
        /* a bad line: the next one decides */
      }
    }
    return null;
  } finally {
    fs.closeSync(fd);
  }
}

/** Kind the ledger records for a stream, or null when the stream is new. */
export function ledgerKind(db: Database | null, key: string): { kind: string; table: string } | null {
  if (!db || !tableExists(db, 'ingest_streams')) return null;
  const stmt = db.prepare('SELECT kind, table_name FROM ingest_streams WHERE stream_key = ?');
  try {
    stmt.bind([key]);
    if (!stmt.step()) return null;
    const r = stmt.get();
    return { kind: String(r[0]), table: String(r[1]) };
  } finally {
    stmt.free();
  }
}

/** True when the stream's first record (over its files, oldest first) does not fit `src`. */
export function shapeMisfits(src: KnownSource, files: DiscoveredSource[]): boolean {
  for (const f of files) {
    const rec = firstRecord(f.path);
    if (rec) return !fitsShape(src, rec);
  }
  return false;
}

/**
 * Rewrites kind/table of known-named sources that are read as inferred (see the module comment);
 * `inferredName` names the table of a new one (inferred.ts, which calls this).
 */
export function resolveStreamKinds(db: Database | null, sources: DiscoveredSource[], inferredName: (fileName: string) => string): void {
  const streams = new Map<string, DiscoveredSource[]>();
  for (const s of sources) {
    if (s.kind === 'inferred' || s.format !== 'jsonl') continue;
    const list = streams.get(s.stream) ?? [];
    list.push(s);
    streams.set(s.stream, list);
  }
  for (const [key, files] of streams) {
    const src = KNOWN_SOURCES.find((k) => k.kind === files[0].kind);
    if (!src) continue;
    const ledger = ledgerKind(db, key);
    const inferred = ledger ? ledger.kind === 'inferred' : shapeMisfits(src, files);
    if (!inferred) continue;
    for (const f of files) {
      f.kind = 'inferred';
      f.table = ledger?.table ?? inferredName(path.basename(f.path));
    }
  }
}
