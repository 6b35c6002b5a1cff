/**
 * Read-only comparison of sources with a database (audit's "new lines", verify): every file
 * of a stream is read in full and, per content hash, occurrences beyond the database's count
 * for that stream are "missing". Writes nothing. Files can be parsed, mapped and hashed on
 * the same parse workers as migrate (parseWorkers.ts) — off by default: rows cross threads as full
 * values, which measured slower than parsing here on a busy 2-core machine (bench ingest-verify).
 *
 * The Migrate preview (audit) may take the import's own shortcut instead (`ledgerPlanOf`,
 * `compareTails`): files the ledger proves append-only are read from its offset only, their
 * prefix counted from the ledger entry; a new line whose content the stream already holds sends
 * the stream back to the full comparison, as it sends the import back to a full read.
 */
import * as os from 'os';
import type { SqlDatabase as Database, SqlValue } from '../db/database';
import { KNOWN_SOURCES } from '../formats/catalogue';
import { HashCounter } from './hashCounter';
import { KeyObserver, loadInferredColumns, planInferredColumns } from './inferred';
import { findStreamId, planStream, streamEntries, type LedgerEntry, type ReadPlan } from './ledger';
import { fileHashCounts, goneEntryIds, isNewGeneration, replacedEntries } from './generations';
import type { ReadLinesResult } from './lineReader';
import type { TableMapper } from './mappers';
import { buildMapper, type MapperSpec, type ReadJob, type RowSink } from './lineRows';
import { readRowsInWorkers, splitJob, workerAvailable } from './parseWorkers';
import { scanDocument, scanJsonl, type LineReject, type ScanHandlers } from './scan';
import { identityShape, identityWhere, identityIndexName } from './identityIndex';
import { quoteIdent, rowsOf, scalar, tableExists } from './sql';
import { columnNames } from './directRows';
import type { DiscoveredSource, ParseOptions } from './types';

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
  /** The first `sampleRejects` rejects by line. */
  rejects: LineReject[];
  doc: Record<string, unknown> | null;
}

export interface CompareOptions extends ParseOptions {
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

/**
 * The mapping of a stream's rows. An inferred stream's keys are learnt from the bytes the
 * comparison reads (`from`: each file's start offset, as the import's mapperFor does).
 */
async function mapperSpecForStream(db: Database | null, files: DiscoveredSource[], o: CompareOptions, from?: (f: DiscoveredSource) => { startOffset: number; startLine: number }): Promise<MapperSpec> {
  const first = files[0];
  const spec: MapperSpec = { kind: first.kind, table: first.table, tz: o.tz, adoptedColumns: null, inferredColumns: null };
  if (KNOWN_SOURCES.some((k) => k.kind === first.kind)) return spec;
  const obs = new KeyObserver(o.tz);
  const noop = () => {};
  for (const f of files) {
    const start = from?.(f) ?? { startOffset: 0, startLine: 0 };
    await scanJsonl(f.path, { record: (_l, rec) => obs.observe(rec), reject: noop, blank: noop, pending: noop }, { ...start, signal: o.signal, onBytes: readReporter(o, f.path, () => 0) });
  }
  const existing = db ? loadInferredColumns(db, first.table) : [];
  // the table's other columns are taken only beside a recorded inferred layout (a promoted
  // table's catalogue columns); a copy without the records (a team image) names columns as
  // the import that wrote them did
  return { ...spec, inferredColumns: planInferredColumns(existing, obs, db && existing.length ? columnNames(db, first.table) : []).all };
}

/** Per content hash, the copies the database holds for the stream (taken as the files are read). */
async function streamCounts(db: Database | null, table: string, key: string, files: DiscoveredSource[], mapper: TableMapper, o: CompareOptions): Promise<HashCounter> {
  const counts = new HashCounter();
  if (!db || !tableExists(db, table) || !tableExists(db, 'ingest_streams')) return counts;
  const sid = findStreamId(db, key);
  if (sid === null) return counts;
  // as migrate (generations.ts): rows of files that are gone (deleted, or replaced by a new
  // generation after a rotation) are no copies of lines on disk
  const entries = streamEntries(db, sid);
  const newGenerations = new Set<LedgerEntry>();
  for (const [entry, file] of replacedEntries(entries, files)) {
    if (isNewGeneration(db, table, sid, entry, await fileHashCounts(file, mapper, o.signal))) newGenerations.add(entry);
  }
  const gone = goneEntryIds(entries, files, new Set(), newGenerations);
  const count = gone.length ? `sum(CASE WHEN source_id IN (${gone.join(', ')}) THEN 0 ELSE 1 END)` : 'count(*)';
  // in the identity index's order (V6: time first) — no sort; add() sums a hash's groups
  const time = identityShape(db, table).timeColumn;
  const stmt = db.prepare(`SELECT row_hash, ${count} FROM ${quoteIdent(table)} WHERE stream_id = ? GROUP BY ${time ? `${quoteIdent(time)}, ` : ''}row_hash`);
  try {
    stmt.bind([sid]);
    while (stmt.step()) {
      const r = stmt.get();
      counts.add(Number(r[0]), Number(r[1]));
    }
  } finally {
    stmt.free();
  }
  return counts;
}

/**
 * Scan handlers that map records and pass each row's hash and event time to `row`. The hash is
 * only computed when `needHash()` (the database holds copies still unclaimed): for a stream new
 * to the database every row is new, and hashing is a third of the work.
 */
function countingHandlers(mapper: TableMapper, sink: RowSink, needHash: () => boolean): ScanHandlers {
  const timeColumn = mapper.timeColumn;
  const one: SqlValue[] = [null];
  return {
    record(line, rec, text) {
      const m = mapper.map(rec);
      if ('reject' in m) {
        const raw = text || JSON.stringify(rec);
        sink.reject({ line, reason: m.reject, detail: m.detail, text: raw, bytes: Buffer.byteLength(raw) });
        return;
      }
      one[0] = timeColumn ? (m.row[timeColumn] as SqlValue) ?? null : null;
      sink.row(line, one, 0, needHash() ? mapper.hash(m) : -1);
    },
    reject: (x) => sink.reject(x),
    blank: () => sink.blank(),
    pending: () => sink.pending(),
  };
}

/**
 * Reads one JSONL file into `sink`: here (rows carry only the event time), or on parse workers
 * when asked for (rows carry every column).
 */
async function readJsonl(f: DiscoveredSource, mapper: TableMapper, spec: MapperSpec, sinks: { here: RowSink; fromWorkers: RowSink }, o: CompareOptions, needHash: () => boolean, onBytes?: (n: number) => void, start = { startOffset: 0, startLine: 0 }): Promise<ReadLinesResult> {
  const job: ReadJob = { path: f.path, ...start };
  const bytes = f.size - start.startOffset;
  if (o.workerMinBytes === undefined || bytes < o.workerMinBytes || !workerAvailable()) {
    return scanJsonl(f.path, countingHandlers(mapper, sinks.here, needHash), { ...start, signal: o.signal, onBytes });
  }
  const parts = bytes >= (o.splitMinBytes ?? 32 * 1024 * 1024) ? (o.parseWorkers ?? Math.max(1, Math.min(2, os.availableParallelism()))) : 1;
  // The last part reads on to the end of the file, so lines appended since discovery count too.
  const jobs = await splitJob(job, f.size, parts);
  return readRowsInWorkers(jobs, spec, mapper.columns.length + 1, sinks.fromWorkers, o.signal, onBytes);
}

/**
 * The sinks that count one file's lines into `c`: `classify` decides matched or missing for a
 * row (its hash, its time); rows, rejects (the first `sampleRejects` kept), blanks, pending lines
 * and the first/last event time are counted here. Rows from this thread carry [time]; rows from
 * parse workers carry every column.
 */
function comparisonSinks(c: FileComparison, o: CompareOptions, workerTimeIndex: number, classify: (hash: number, t: SqlValue) => void): { here: RowSink; fromWorkers: RowSink } {
  const countRow = (hash: number, t: SqlValue) => {
    classify(hash, t);
    c.rows++;
    if (typeof t === 'number') {
      if (c.firstTs === null || t < c.firstTs) c.firstTs = t;
      if (c.lastTs === null || t > c.lastTs) c.lastTs = t;
    }
  };
  const here: RowSink = {
    row: (_line, vals, at, hash) => countRow(hash, vals[at]),
    reject(x: LineReject) {
      c.rejected++;
      keepFirstByLine(c.rejects, x, o.sampleRejects);
    },
    blank: () => c.blank++,
    pending: () => c.pending++,
  };
  return { here, fromWorkers: { ...here, row: (_line, vals, at, hash) => countRow(hash, workerTimeIndex >= 0 ? vals[at + workerTimeIndex] : null) } };
}

export async function compareStream(db: Database | null, key: string, files: DiscoveredSource[], o: CompareOptions): Promise<FileComparison[]> {
  const spec = await mapperSpecForStream(db, files, o);
  const mapper = buildMapper(spec);
  const workerTimeIndex = mapper.timeColumn ? mapper.columns.indexOf(mapper.timeColumn) : -1;
  // Copies still unclaimed: the k-th occurrence of a hash is in the database iff k <= its count.
  const remaining = await streamCounts(db, files[0].table, key, files, mapper, o);
  const needHash = () => remaining.distinct > 0;
  const out: FileComparison[] = [];
  let missingBefore = 0;
  for (const f of files) {
    const c: FileComparison = { source: f, lines: 0, rows: 0, blank: 0, rejected: 0, pending: 0, matched: 0, missing: 0, firstTs: null, lastTs: null, rejects: [], doc: null };
    const { here, fromWorkers } = comparisonSinks(c, o, workerTimeIndex, (hash) => {
      if (hash >= 0 && remaining.take(hash)) c.matched++;
      else c.missing++;
    });
    if (f.format === 'json-document') {
      const d = await scanDocument(f.path, countingHandlers(mapper, here, needHash), { signal: o.signal });
      c.lines = d.lines;
      c.doc = d.doc;
      o.onRead?.(f.path, f.size, missingBefore + c.missing);
    } else {
      const r = await readJsonl(f, mapper, spec, { here, fromWorkers }, o, needHash, readReporter(o, f.path, () => missingBefore + c.missing));
      c.lines = r.lastLine + c.pending;
    }
    out.push(c);
    missingBefore += c.missing;
  }
  return out;
}

/** The import's plan of one stream, read from the ledger (ledger.ts planStream). */
export interface StreamLedgerPlan {
  streamId: number;
  entries: LedgerEntry[];
  /** in the stream's file order */
  plans: ReadPlan[];
}

/**
 * The plan the import would make for a stream (same inode, not shrunk, same prefix: read from
 * the ledger's offset), when it has a file whose lines up to that offset are known; null when
 * the stream must be compared in full: new to the database, nothing append-only, a file at a
 * known path with a new inode (its content decides between rewrite and new generation).
 */
export function ledgerPlanOf(db: Database | null, key: string, files: DiscoveredSource[]): StreamLedgerPlan | null {
  if (!db || !files.length || !tableExists(db, 'ingest_streams') || !tableExists(db, 'ingest_sources') || !tableExists(db, files[0].table)) return null;
  if (files.some((f) => f.format !== 'jsonl')) return null;
  const sid = findStreamId(db, key);
  if (sid === null) return null;
  const entries = streamEntries(db, sid);
  if (replacedEntries(entries, files).size) return null;
  const plans = planStream(files, entries);
  if (!plans.some((p) => p.mode === 'fast' && p.startLine > 0)) return null;
  return { streamId: sid, entries, plans };
}

/** Bytes a comparison of the stream reads per file (the tail of a file the plan reads from its offset). */
export function bytesToCompare(f: DiscoveredSource, plan: StreamLedgerPlan | null): number {
  const p = plan?.plans.find((x) => x.source === f);
  return Math.max(0, f.size - (p?.startOffset ?? 0));
}

/** Thrown while reading tails: a new line's content is in the stream already. */
class NeedFullCompare extends Error {}

/**
 * The comparison of a stream from its ledger plan: a file read to an offset counts its prefix
 * from the ledger entry (lines, blank, rejected; its rows are the database's, as the import
 * takes them), its first/last event time from the rows it gave (the identity index is ordered by
 * time: two seeks) and its first rejects from ingest_rejects; only the bytes after the offset
 * (and whole files the plan reads in full) are read. Every row read is new unless the stream
 * already holds its content: then null, and the caller compares the stream in full — the rule
 * that sends the import to a full read (streamIngest.ts NeedFullRead), so "new lines" stays
 * exactly what the full comparison counts.
 */
export async function compareTails(db: Database, plan: StreamLedgerPlan, files: DiscoveredSource[], o: CompareOptions): Promise<FileComparison[] | null> {
  const planOf = new Map(plan.plans.map((p) => [p.source, p]));
  const startOf = (f: DiscoveredSource) => {
    const p = planOf.get(f);
    return { startOffset: p?.startOffset ?? 0, startLine: p?.startLine ?? 0 };
  };
  const spec = await mapperSpecForStream(db, files, o, startOf);
  const mapper = buildMapper(spec);
  const table = files[0].table;
  const shape = identityShape(db, table);
  // the lookups name the row's time when the index has it: the mapper's time column must be it
  if (shape.timeColumn !== null && shape.timeColumn !== mapper.timeColumn) return null;
  const sid = plan.streamId;
  // as the import (generations.ts): rows of files that are gone are no copies of lines on disk
  const gone = goneEntryIds(plan.entries, files, new Set());
  const count = gone.length ? `coalesce(sum(CASE WHEN source_id IN (${gone.join(', ')}) THEN 0 ELSE 1 END), 0)` : 'count(*)';
  const lookup = db.prepare(`SELECT ${count} FROM ${quoteIdent(table)} WHERE ${identityWhere(shape)}`);
  const args: SqlValue[] = shape.timeColumn ? [sid, 0, null] : [sid, 0];
  const held = (hash: number, t: SqlValue): boolean => {
    args[1] = hash;
    if (shape.timeColumn) args[2] = t;
    lookup.bind(args);
    lookup.step();
    const n = Number(lookup.get()[0]);
    lookup.reset();
    return n > 0;
  };
  const workerTimeIndex = mapper.timeColumn ? mapper.columns.indexOf(mapper.timeColumn) : -1;
  const out: FileComparison[] = [];
  let missingBefore = 0;
  try {
    for (const f of files) {
      const p = planOf.get(f)!;
      const c: FileComparison = { source: f, lines: 0, rows: 0, blank: 0, rejected: 0, pending: 0, matched: 0, missing: 0, firstTs: null, lastTs: null, rejects: [], doc: null };
      const head = p.mode === 'fast' ? p.entry : null;
      if (head) {
        const rows = head.lineCount - head.blankLines - head.rejectedLines;
        c.rows = rows;
        c.matched = rows;
        c.blank = head.blankLines;
        c.rejected = head.rejectedLines;
        [c.firstTs, c.lastTs] = timesOfEntry(db, table, mapper.timeColumn, shape.timeColumn === mapper.timeColumn, sid, head.id);
        if (head.rejectedLines > 0) for (const r of rejectsOfEntry(db, head.id, head.lineCount, o.sampleRejects)) keepFirstByLine(c.rejects, r, o.sampleRejects);
      }
      const { here, fromWorkers } = comparisonSinks(c, o, workerTimeIndex, (hash, t) => {
        if (held(hash, t)) throw new NeedFullCompare();
        c.missing++;
      });
      const r = await readJsonl(f, mapper, spec, { here, fromWorkers }, o, () => true, readReporter(o, f.path, () => missingBefore + c.missing), startOf(f));
      c.lines = r.lastLine + c.pending;
      out.push(c);
      missingBefore += c.missing;
    }
  } catch (e) {
    if (e instanceof NeedFullCompare) return null;
    throw e;
  } finally {
    lookup.free();
  }
  return out;
}

/**
 * First and last event time of the rows a ledger entry's file gave: with the time-ordered
 * identity index (V6) two seeks from the stream's ends; else one pass over the stream's rows.
 */
function timesOfEntry(db: Database, table: string, timeColumn: string | null, timeIndexed: boolean, sid: number, entryId: number): [number | null, number | null] {
  if (!timeColumn) return [null, null];
  const t = quoteIdent(timeColumn);
  const tbl = quoteIdent(table);
  const numeric = `typeof(${t}) IN ('integer', 'real')`;
  const num = (v: SqlValue) => (typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null);
  if (timeIndexed) {
    const seek = (dir: 'ASC' | 'DESC') => num(scalar(db, `SELECT ${t} FROM ${tbl} INDEXED BY ${quoteIdent(identityIndexName(table))} WHERE stream_id = ? AND source_id = ? AND ${numeric} ORDER BY ${t} ${dir} LIMIT 1`, [sid, entryId]));
    return [seek('ASC'), seek('DESC')];
  }
  const r = rowsOf(db, `SELECT min(${t}) AS lo, max(${t}) AS hi FROM ${tbl} WHERE stream_id = ? AND source_id = ? AND ${numeric}`, [sid, entryId])[0];
  return [num(r.lo as SqlValue), num(r.hi as SqlValue)];
}

/** The first rejects (by line) the import stored for an entry's file, up to `lineCount`. */
function rejectsOfEntry(db: Database, entryId: number, lineCount: number, cap: number): LineReject[] {
  if (cap <= 0 || !tableExists(db, 'ingest_rejects')) return [];
  return rowsOf(db, 'SELECT line, reason, detail, raw, raw_bytes FROM ingest_rejects WHERE source_id = ? AND line <= ? ORDER BY line LIMIT ?', [entryId, lineCount, cap]).map((r) => ({
    line: Number(r.line),
    reason: String(r.reason) as LineReject['reason'],
    detail: String(r.detail ?? ''),
    text: String(r.raw ?? ''),
    bytes: Number(r.raw_bytes ?? 0),
  }));
}

export function parseOptionsOf(o: ParseOptions): ParseOptions {
  return { workerMinBytes: o.workerMinBytes, splitMinBytes: o.splitMinBytes, parseWorkers: o.parseWorkers };
}

/** Files at least this big are compared on parse workers when every line must be hashed. */
const HASHING_WORKER_MIN_BYTES = 16 * 1024 * 1024;

/**
 * Parse options of a comparison that hashes every line (verify, audit against a database):
 * big files go to the parse workers, which do that faster than this thread (docs/ingest.md).
 * Without hashes (audit alone) this thread is faster: the workers always hash.
 */
export function hashingParseOptionsOf(o: ParseOptions): ParseOptions {
  return { ...parseOptionsOf(o), workerMinBytes: o.workerMinBytes ?? HASHING_WORKER_MIN_BYTES };
}

/** Keeps the `cap` lowest-numbered rejects (parse workers deliver parts out of order). */
function keepFirstByLine(list: LineReject[], x: LineReject, cap: number): void {
  if (cap <= 0) return;
  if (list.length === cap && x.line >= list[cap - 1].line) return;
  list.push(x);
  list.sort((a, b) => a.line - b.line);
  if (list.length > cap) list.pop();
}
