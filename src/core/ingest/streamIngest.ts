/**
 * Ingests the files of one stream inside the run's write (docs/architecture.md row identity):
 * per content hash, only the copies beyond those the database holds for the stream are added.
 * Files the ledger proves append-only are read from their offset; if their new lines meet
 * content the stream already has, the stream is re-read in full (savepoint rollback), so the
 * fast path never changes a result.
 *
 * readStream is the read of one stream, in named stages (stream/*.ts, docs/ingest.md
 * "Reading one stream"): mapper → file generations → rollup deltas → load mode → commit points
 * → row sinks → each source (sink, read, reconcile, ledger) → touched range.
 */
import type { SqlDatabase as Database } from '../db/database';
import { wasmModule } from '../db/database';
import type { RunRollupDeltas, TableRollupDeltas } from '../rollups/deltas';
import { adoptMovedStream, findStreamId, movedStreamFor, planStream, streamEntries, streamId, type LedgerEntry, type ReadPlan } from './ledger';
import { tableExists } from './sql';
import { TableWriter } from './tableWriter';
import type { DiscoveredSource, IngestProgress, RejectSample, SourceResult } from './types';
import { WRITER_MODE_TABLE } from './writerMode';
import { startCommitPoints, type CommitPoints } from './stream/commitPoints';
import { settleFileGenerations } from './stream/fileGenerations';
import { bulkLoadFor, loadMode } from './stream/loadMode';
import { mapperFor } from './stream/mapper';
import { streamRollups } from './stream/rollupDeltas';
import { freshRows, lookupRows, NeedFullRead, recordTouchedRange } from './stream/rowSinks';
import { readOneSource } from './stream/sourceRead';

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

/** The read of one stream (ingestStream's savepoint is open when it starts), stage by stage. */
async function readStream(ctx: RunContext, sid: number, plans: ReadPlan[], entries: LedgerEntry[], files: DiscoveredSource[]): Promise<{ results: SourceResult[]; deltas: TableRollupDeltas | null }> {
  // 1. the mapper: the catalogue's, or an inferred table's learnt over the bytes to read
  const { mapper, limits, spec } = await mapperFor(ctx, plans);
  // 2. replaced files (rewrite or new generation), entries whose file is gone
  const gone = await settleFileGenerations(ctx, sid, mapper, plans, entries, files);
  // 3. the rollup contributions of the rows this read inserts
  const rollups = streamRollups(ctx, mapper);
  // 4. the load mode: bulk (indexes dropped before the writer prepares its statements), then
  //    fresh or identity lookups, preloaded counts, chunked commits
  const bulk = bulkLoadFor(ctx, sid, mapper.table, plans);
  const writer = new TableWriter(await wasmModule(ctx.db), ctx.db, mapper, gone);
  let commits: CommitPoints | null = null;
  try {
    const mode = loadMode(ctx, writer, sid, plans, bulk);
    // 5. native chunked commits of a fresh read (releases the stream's savepoint)
    commits = mode.chunked ? startCommitPoints(ctx, writer) : null;
    // 6. where the rows go: all new, or counted against the stream's copies
    const rows = mode.fresh ? freshRows(writer, sid, mapper, rollups, commits) : lookupRows(writer, sid, mapper, mode, rollups.deltas);
    // 7. each source in plan order: read, reconcile, ledger entry
    const reader = { sid, mapper, spec, limits, writer, rows, rejectSeen: new Map<number, number>() };
    const results: SourceResult[] = [];
    for (const plan of plans) results.push(await readOneSource(ctx, reader, plan));
    mode.bulk?.restore();
    // 8. the time range the rollups refresh
    recordTouchedRange(ctx, mapper.table, rows.touched());
    return { results, deltas: rollups.deltas };
  } finally {
    commits?.stop();
    writer.free();
  }
}
