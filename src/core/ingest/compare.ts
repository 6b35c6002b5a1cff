/**
 * Read-only comparison of sources with a database (audit's "new lines", verify): every file
 * of a stream is read in full and, per content hash, occurrences beyond the database's count
 * for that stream are "missing". Writes nothing.
 */
import type { Database } from 'sql.js';
import { KNOWN_SOURCES, type MapFailure, type MappedRecord } from './catalogue';
import { inferredMapper, KeyObserver, loadInferredColumns, planInferredColumns } from './inferred';
import { findStreamId } from './ledger';
import { knownMapper, type TableMapper } from './mappers';
import { scanDocument, scanJsonl, type LineReject } from './scan';
import { quoteIdent, tableExists } from './sql';
import type { DiscoveredSource } from './types';

export interface FileComparison {
  source: DiscoveredSource;
  lines: number;
  rows: number;
  blank: number;
  rejected: number;
  pending: number;
  /** rows whose copy the database holds */
  matched: number;
  /** rows the database lacks (what a migrate would insert) */
  missing: number;
  firstTs: number | null;
  lastTs: number | null;
  rejects: LineReject[];
  doc: Record<string, unknown> | null;
}

export interface CompareOptions {
  tz: string;
  signal?: AbortSignal;
  sampleRejects: number;
  /**
   * Reading progress: `bytes` more of `path` read (an inferred stream is read twice: once for
   * its keys, once to compare), `missing` = rows found missing so far in the stream.
   */
  onRead?: (path: string, bytes: number, missing: number) => void;
}

/** scanJsonl's cumulative byte count as deltas for `onRead`. */
function readReporter(o: CompareOptions, path: string, missing: () => number): ((n: number) => void) | undefined {
  if (!o.onRead) return undefined;
  let last = 0;
  return (n) => {
    o.onRead!(path, n - last, missing());
    last = n;
  };
}

async function mapperForStream(db: Database | null, files: DiscoveredSource[], o: CompareOptions): Promise<TableMapper> {
  const first = files[0];
  const known = KNOWN_SOURCES.find((k) => k.kind === first.kind);
  if (known) return knownMapper(known, o.tz, null);
  const obs = new KeyObserver(o.tz);
  const noop = () => {};
  for (const f of files) {
    await scanJsonl(f.path, { record: (_l, rec) => obs.observe(rec), reject: noop, blank: noop, pending: noop }, { signal: o.signal, onBytes: readReporter(o, f.path, () => 0) });
  }
  const existing = db ? loadInferredColumns(db, first.table) : [];
  return inferredMapper(first.table, planInferredColumns(existing, obs).all, o.tz);
}

function streamCounts(db: Database | null, table: string, key: string): Map<number, number> {
  const counts = new Map<number, number>();
  if (!db || !tableExists(db, table) || !tableExists(db, 'ingest_streams')) return counts;
  const sid = findStreamId(db, key);
  if (sid === null) return counts;
  const stmt = db.prepare(`SELECT row_hash, count(*) FROM ${quoteIdent(table)} WHERE stream_id = ? GROUP BY row_hash`);
  try {
    stmt.bind([sid]);
    while (stmt.step()) {
      const r = stmt.get();
      counts.set(Number(r[0]), Number(r[1]));
    }
  } finally {
    stmt.free();
  }
  return counts;
}

export async function compareStream(db: Database | null, key: string, files: DiscoveredSource[], o: CompareOptions): Promise<FileComparison[]> {
  const mapper = await mapperForStream(db, files, o);
  const counts = streamCounts(db, files[0].table, key);
  const seen = new Map<number, number>();
  const out: FileComparison[] = [];
  let missingBefore = 0;
  for (const f of files) {
    const c: FileComparison = { source: f, lines: 0, rows: 0, blank: 0, rejected: 0, pending: 0, matched: 0, missing: 0, firstTs: null, lastTs: null, rejects: [], doc: null };
    const reject = (x: LineReject): void => {
      c.rejected++;
      if (c.rejects.length < o.sampleRejects) c.rejects.push(x);
    };
    const handlers = {
      record: (line: number, rec: Record<string, unknown>, text: string) => {
        const m: MappedRecord | MapFailure = mapper.map(rec);
        if ('reject' in m) {
          const raw = text || JSON.stringify(rec);
          reject({ line, reason: m.reject, detail: m.detail, text: raw, bytes: Buffer.byteLength(raw) });
          return;
        }
        c.rows++;
        const h = mapper.hash(m);
        const k = (seen.get(h) ?? 0) + 1;
        seen.set(h, k);
        if (k <= (counts.get(h) ?? 0)) c.matched++;
        else c.missing++;
        const t = mapper.timeColumn ? m.row[mapper.timeColumn] : null;
        if (typeof t === 'number') {
          if (c.firstTs === null || t < c.firstTs) c.firstTs = t;
          if (c.lastTs === null || t > c.lastTs) c.lastTs = t;
        }
      },
      reject,
      blank: () => c.blank++,
      pending: () => c.pending++,
    };
    if (f.format === 'json-document') {
      const d = await scanDocument(f.path, handlers, { signal: o.signal });
      c.lines = d.lines;
      c.doc = d.doc;
      o.onRead?.(f.path, f.size, missingBefore + c.missing);
    } else {
      const r = await scanJsonl(f.path, handlers, { signal: o.signal, onBytes: readReporter(o, f.path, () => missingBefore + c.missing) });
      c.lines = r.lastLine + c.pending;
    }
    out.push(c);
    missingBefore += c.missing;
  }
  return out;
}
