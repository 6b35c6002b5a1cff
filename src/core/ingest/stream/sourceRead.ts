/**
 * Stage 7 of reading a stream, once per source (file) in plan order: its ledger entry (reserved
 * for a new file), a sink of the stream's row side (rowSinks.ts) plus this source's rejects,
 * blank and pending lines, the read, the reconciliation (every line accounted for exactly once)
 * and the ledger entry saved with the offsets read.
 */
import { hash53 } from '../../formats/rowIdentity';
import { reserveEntry, saveEntry, type ReadPlan } from '../ledger';
import { mappingHandlers, readRowsHere, type MapperSpec, type ReadJob, type RowSink, type WorkerSummarise } from '../lineRows';
import type { TableMapper } from '../mappers';
import { readRowsInWorkers, splitJob, workerAvailable } from '../parseWorkers';
import { scanDocument, type LineReject } from '../scan';
import { rowsOf } from '../sql';
import type { RunContext } from '../streamIngest';
import type { TableWriter } from '../tableWriter';
import type { SourceResult } from '../types';
import type { StreamRows } from './rowSinks';

/** Rejects kept per source and run (all are counted; binary junk must not flood the table). */
const MAX_STORED_REJECTS_PER_SOURCE = 1000;

/** What every source of a stream reads with. */
export interface StreamReader {
  sid: number;
  mapper: TableMapper;
  spec: MapperSpec;
  /** inferred streams: where each plan's read stops */
  limits: Map<ReadPlan, number>;
  writer: TableWriter;
  rows: StreamRows;
  /** raw hash → last occurrence number stored in ingest_rejects this run, over the whole stream */
  rejectSeen: Map<number, number>;
}

/** Reads one source of the stream into the table and saves its ledger entry. */
export async function readOneSource(ctx: RunContext, s: StreamReader, plan: ReadPlan): Promise<SourceResult> {
  const { db } = ctx;
  const { sid, writer } = s;
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
  const sink: RowSink = { ...s.rows.forSource(sourceId, r), reject: rejectSink(ctx, sid, plan, sourceId, r, s.rejectSeen), blank: () => void r.blank++, pending: () => void r.pending++ };
  const bytesBefore = ctx.progress.bytesDone;
  const progress = (n: number): void => {
    ctx.progress.bytesDone = bytesBefore + n;
    ctx.onProgress?.({ phase: 'read', path: src.path, bytesDone: ctx.progress.bytesDone, bytesTotal: ctx.progress.bytesTotal, rowsInserted: ctx.progress.rowsInserted + r.inserted });
  };
  const { lastLine, endOffset, endsMidLine } = await readSource(ctx, plan, s.limits.get(plan), s.mapper, s.spec, sink, progress, s.rows.summarise);
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
  return r;
}

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

/**
 * Feeds one source's rows to `sink`. A JSON document is scanned whole here; JSONL from the
 * plan's offset up to `limit` goes to parse workers when big enough (split across them when
 * bigger still), else is read on this thread. `summarise` (fresh streams only) lets the workers
 * sum the rollup deltas and time range themselves.
 */
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
