/**
 * Ingests the files of one stream inside the run's write (docs/architecture.md row identity):
 * per content hash, only the copies beyond those the database holds for the stream are added.
 * Files the ledger proves append-only are read from their offset; if their new lines meet
 * content the stream already has, the stream is re-read in full (savepoint rollback), so the
 * fast path never changes a result.
 */
import type { SqlDatabase as Database } from '../db/database';
import type { SqlValue } from '../db/database';
import { wasmModule } from '../db/database';
import { adoptMovedStream, findStreamId, movedStreamFor, planStream, reserveEntry, saveEntry, streamEntries, streamId, type LedgerEntry, type ReadPlan } from './ledger';
import { WRITER_MODE_TABLE } from './writerMode';
import { mappingHandlers, readRowsHere, type MapperSpec, type ReadJob, type RowSink, type WorkerSummarise } from './lineRows';
import { readRowsInWorkers, splitJob, workerAvailable } from './parseWorkers';
import { hash53 } from '../formats/rowIdentity';
import { scanDocument, type LineReject } from './scan';
import type { TableMapper } from './mappers';
import { mapperFor } from './stream/mapper';
import { HashCounter } from './hashCounter';
import { TableWriter, type CountKey, type HashCount } from './tableWriter';
import { settleFileGenerations } from './stream/fileGenerations';
import type { DiscoveredSource, IngestProgress, RejectSample, SourceResult } from './types';
import { quoteIdent, rowsOf, scalar, tableExists } from './sql';
import { bulkLoadFor, loadMode } from './stream/loadMode';
import { startCommitPoints, type CommitPoints } from './stream/commitPoints';
import { freshRows, lookupRows, NeedFullRead, recordTouchedRange } from './stream/rowSinks';
import { streamRollups } from './stream/rollupDeltas';
import type { RunRollupDeltas, TableRollupDeltas } from '../rollups/deltas';

export interface RunContext {
  db: Database;
  tz: string;
  nowS: number;
  signal?: AbortSignal;
  onProgress?: (p: IngestProgress) => void;
  rejectRawCap: number;
  maxLineBytes?: number;
  rescan: boolean;
  /** Reads at least this big go to the parse worker. */
  workerMinBytes: number;
  /** Reads at least this big are split over `parseWorkers` workers. */
  splitMinBytes: number;
  parseWorkers: number;
  /** Reads at least this big into a table that is small next to them get the index bulk-load. */
  bulkLoadMinBytes: number;
  adoptedColumns: Map<string, string[]>;
  progress: { bytesDone: number; bytesTotal: number; rowsInserted: number };
  rejects: RejectSample[];
  /** table → [min, max] event time of rows inserted this run */
  touched: Map<string, [number, number]>;
  /** rollup contributions of the rows inserted this run, summed as they go in */
  rollupDeltas: RunRollupDeltas;
  /**
   * Native engine: commits the chunk so far when it is due (other programs' inserts get in).
   * Offered only where no savepoint is open and every row handed over is in the table.
   */
  commitPoint?: () => void;
  /** True while ingestStream's `tl_stream` savepoint is open (a fresh native read releases it to commit in chunks). */
  inStreamSavepoint?: boolean;
}

/** Rejects kept per source and run (all are counted; binary junk must not flood the table). */
const MAX_STORED_REJECTS_PER_SOURCE = 1000;

export async function ingestStream(ctx: RunContext, key: string, files: DiscoveredSource[]): Promise<SourceResult[]> {
  const { db } = ctx;
  const first = files[0];
  const moved = findStreamId(db, key) === null ? movedStreamFor(db, key, files) : null;
  if (moved !== null) adoptMovedStream(db, moved, key, tableExists(db, WRITER_MODE_TABLE) ? WRITER_MODE_TABLE : null);
  const sid = moved?.streamId ?? streamId(db, key, first.kind, first.table, ctx.nowS);
  const entries = streamEntries(db, sid);
  const plans = ctx.rescan ? planStream(files, []).map((p) => ({ ...p, entry: entries.find((e) => e.path === p.source.path && e.ino === p.source.ino && e.dev === p.source.dev) ?? entries.find((e) => e.path === p.source.path) ?? null })) : planStream(files, entries);
  db.run('SAVEPOINT tl_stream');
  ctx.inStreamSavepoint = true;
  try {
    let read: { results: SourceResult[]; deltas: TableRollupDeltas | null };
    try {
      read = await readStream(ctx, sid, plans, entries, files);
    } catch (e) {
      // NeedFullRead comes only from reads with identity lookups, which keep the savepoint
      if (!(e instanceof NeedFullRead) || !ctx.inStreamSavepoint) throw e;
      db.run('ROLLBACK TO tl_stream'); // and the sums of the rolled-back rows are dropped with `read`
      const full = planStream(files, []).map((p, i) => ({ ...p, entry: plans[i].entry }));
      read = await readStream(ctx, sid, full, entries, files);
    }
    if (ctx.inStreamSavepoint) db.run('RELEASE tl_stream');
    ctx.inStreamSavepoint = false;
    if (read.deltas) ctx.rollupDeltas.commit(read.deltas);
    return read.results;
  } catch (e) {
    // a native chunked read has no savepoint left: its committed chunks are whole rows with
    // their identities, so a re-run counts them as present (exact); the open chunk rolls back
    if (ctx.inStreamSavepoint) {
      db.run('ROLLBACK TO tl_stream');
      db.run('RELEASE tl_stream');
    }
    ctx.inStreamSavepoint = false;
    throw e;
  }
}

/**
 * Reading stage: feeds one source's rows to `sink`. A JSON document is scanned whole here; JSONL
 * from the plan's offset up to `limit` goes to parse workers when big enough (split across them
 * when bigger still), else is read on this thread. `summarise` (fresh streams only) lets the
 * workers sum the rollup deltas and time range themselves.
 */
/**
 * Reject sink of one source: counts the line, keeps a sample for the report and stores it in
 * ingest_rejects keyed by (raw hash, occurrence), so a re-read updates rather than duplicates it.
 * A fast (appending) read continues the occurrence numbering stored by earlier runs.
 */
function rejectSink(ctx: RunContext, sid: number, plan: ReadPlan, sourceId: number, r: SourceResult, rejectSeen: Map<number, number>): (x: LineReject) => void {
  const { db } = ctx;
  const src = plan.source;
  let storedRejects = 0;
  return (x: LineReject): void => {
    r.rejected++;
    const rawHash = hash53(x.text + '\u0000' + x.bytes);
    let seq = rejectSeen.get(rawHash);
    if (seq === undefined) {
      seq = plan.mode === 'fast' ? Number(rowsOf(db, 'SELECT coalesce(max(raw_seq), 0) AS m FROM ingest_rejects WHERE stream_id = ? AND raw_hash = ?', [sid, rawHash])[0].m) : 0;
    }
    rejectSeen.set(rawHash, ++seq);
    const raw = x.text.length > ctx.rejectRawCap ? x.text.slice(0, ctx.rejectRawCap) : x.text;
    if (ctx.rejects.length < 100) ctx.rejects.push({ path: src.path, line: x.line, reason: x.reason, detail: x.detail, raw: raw.slice(0, 200) });
    if (storedRejects++ >= MAX_STORED_REJECTS_PER_SOURCE) return;
    db.run(
      `INSERT INTO ingest_rejects (source_id, stream_id, line, reason, detail, raw, raw_bytes, raw_hash, raw_seq, first_seen_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (stream_id, raw_hash, raw_seq) DO UPDATE SET source_id = excluded.source_id, line = excluded.line, reason = excluded.reason,
         detail = excluded.detail, last_seen_at = excluded.last_seen_at
       WHERE source_id IS NOT excluded.source_id OR line IS NOT excluded.line`,
      [sourceId, sid, x.line, x.reason, x.detail, raw, x.bytes, rawHash, seq, ctx.nowS, ctx.nowS],
    );
  };
}

async function readSource(ctx: RunContext, plan: ReadPlan, limit: number | undefined, mapper: TableMapper, spec: MapperSpec, sink: RowSink, progress: (n: number) => void, summarise: WorkerSummarise | null): Promise<{ lastLine: number; endOffset: number; endsMidLine: boolean }> {
  const src = plan.source;
  if (src.format === 'json-document') {
    const d = await scanDocument(src.path, mappingHandlers(mapper, sink), { signal: ctx.signal });
    progress(src.size);
    return { lastLine: d.lines, endOffset: 0, endsMidLine: false };
  }
  const job: ReadJob = { path: src.path, startOffset: plan.startOffset, startLine: plan.startLine, limit, maxLineBytes: ctx.maxLineBytes };
  const bytes = (job.limit ?? src.size) - plan.startOffset;
  const big = bytes >= ctx.workerMinBytes && workerAvailable();
  const parts = bytes >= ctx.splitMinBytes ? ctx.parseWorkers : 1;
  const res = big
    ? await readRowsInWorkers(await splitJob(job, job.limit ?? src.size, parts), spec, mapper.columns.length + 1, sink, ctx.signal, progress, summarise)
    : await readRowsHere(job, mapper, sink, ctx.signal, progress);
  return { lastLine: res.lastLine, endOffset: res.endOffset, endsMidLine: res.endsMidLine };
}

/** Every line of a source must be accounted for exactly once, or the ledger would lie: fail the run. */
function reconcile(path: string, r: SourceResult): void {
  const accounted = r.inserted + r.present + r.rejected + r.blank + r.pending;
  if (accounted !== r.lines) {
    throw new Error(`reconciliation failed for ${path}: ${r.lines} lines but ${r.inserted} inserted + ${r.present} present + ${r.rejected} rejected + ${r.blank} blank + ${r.pending} pending = ${accounted}`);
  }
}

async function readStream(ctx: RunContext, sid: number, plans: ReadPlan[], entries: LedgerEntry[], files: DiscoveredSource[]): Promise<{ results: SourceResult[]; deltas: TableRollupDeltas | null }> {
  const { db } = ctx;
  const { mapper, limits, spec } = await mapperFor(ctx, plans);
  const gone = await settleFileGenerations(ctx, sid, mapper, plans, entries, files);
  const rollups = streamRollups(ctx, mapper);
  const { deltas } = rollups;
  const bulk = bulkLoadFor(ctx, sid, mapper.table, plans); // drops the indexes: before the writer prepares its statements
  const writer = new TableWriter(await wasmModule(db), db, mapper, gone);
  const results: SourceResult[] = [];
  let commits: CommitPoints | null = null;
  try {
    const mode = loadMode(ctx, writer, sid, plans, bulk);
    commits = mode.chunked ? startCommitPoints(ctx, writer) : null;
    const rows = mode.fresh ? freshRows(writer, sid, mapper, rollups, commits) : lookupRows(writer, sid, mapper, mode, deltas);
    const rejectSeen = new Map<number, number>();

    for (const plan of plans) {
      const src = plan.source;
      const sourceId = plan.entry?.id ?? reserveEntry(db, src, sid, ctx.nowS);
      const r: SourceResult = { path: src.path, kind: src.kind, table: src.table, lines: 0, inserted: 0, present: 0, rejected: 0, blank: 0, pending: 0 };
      let headBlank = 0;
      let headRejected = 0;
      if (plan.mode === 'fast' && plan.entry) {
        headBlank = plan.entry.blankLines;
        headRejected = plan.entry.rejectedLines;
        r.present = plan.entry.lineCount - headBlank - headRejected;
      }
      const dualBefore = writer.dualWritten;
      const ambiguousBefore = writer.ambiguous.length;
      const onReject = rejectSink(ctx, sid, plan, sourceId, r, rejectSeen);
      const sink: RowSink = { ...rows.forSource(sourceId, r), reject: onReject, blank: () => void r.blank++, pending: () => void r.pending++ };
      const bytesBefore = ctx.progress.bytesDone;
      const progress = (n: number): void => {
        ctx.progress.bytesDone = bytesBefore + n;
        ctx.onProgress?.({ phase: 'read', path: src.path, bytesDone: ctx.progress.bytesDone, bytesTotal: ctx.progress.bytesTotal, rowsInserted: ctx.progress.rowsInserted + r.inserted });
      };
      const { lastLine, endOffset, endsMidLine } = await readSource(ctx, plan, limits.get(plan), mapper, spec, sink, progress, rows.summarise);
      writer.flush();
      if (writer.dualWritten > dualBefore) r.dualWritten = writer.dualWritten - dualBefore;
      if (writer.ambiguous.length > ambiguousBefore) r.ambiguousDualWrite = writer.ambiguous.slice(ambiguousBefore).map((a) => a.line);
      r.lines = lastLine + r.pending;
      r.blank += headBlank;
      r.rejected += headRejected;
      reconcile(src.path, r);
      saveEntry(db, {
        entryId: sourceId,
        source: src,
        streamId: sid,
        byteOffset: endOffset,
        lineCount: lastLine,
        blankLines: r.blank,
        rejectedLines: r.rejected,
        endsMidLine,
        inserted: r.inserted,
        nowS: ctx.nowS,
        previous: plan.entry,
      });
      ctx.progress.rowsInserted += r.inserted;
      results.push(r);
    }
    mode.bulk?.restore();
    recordTouchedRange(ctx, mapper.table, rows.touched());
    return { results, deltas };
  } finally {
    commits?.stop();
    writer.free();
  }
}
