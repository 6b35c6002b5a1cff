/**
 * `migrate`: schema migrations + exact, idempotent backfill of every source, in one
 * all-or-nothing write (withWrite): a cancelled, failed or killed run leaves the database
 * exactly as it was, and re-running gives the exact result.
 */
import type { SqlDatabase as Database } from '../db/database';
import { commitDue, commitPoint, reserveImageRoom, withWrite, writesInPlace } from '../db/database';
import { asWriteError, WriteConflictError } from '../db/errors';
import { refreshRollups, type TouchedRange } from '../rollups/refresh';
import { RunRollupDeltas } from '../rollups/deltas';
import { byStream, discoverSources, inStreamOrder } from './discover';
import { readAdoptedColumns } from './mappers';
import { applySchema } from './schemaStep';
import { catchUpDirectWrites, tagDirectRows } from './directRows';
import { readWriterModes } from './writerMode';
import { quoteIdent, rowsOf, scalar, tableExists } from './sql';
import { ingestStream, type RunContext } from './streamIngest';
import { checkZone, machineZone } from '../formats/timestamps';
import type { DiscoveredSource, DiscoveryIssue, DiscoveryResult, MigrateOptions, MigratePlan, MigrateResult, SourceResult } from './types';
import { resolveInferredTables } from './inferred';
import { promoteInferredStreams } from './promote';
import { ensureKnownTable } from './knownTables';
import { KNOWN_SOURCES } from '../formats/catalogue';
import { findTranscripts, importTranscripts, loadPrices, type ClaudeCodeImportResult, type TranscriptWalk } from '../claudeCode';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

function isAbort(e: unknown): boolean {
  return e instanceof Error && e.name === 'AbortError';
}

/** First line of an error's message (no stack). */
function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}

function tableCount(db: Database, table: string): number {
  return tableExists(db, table) ? Number(scalar(db, `SELECT count(*) FROM ${quoteIdent(table)}`)) : 0;
}

/**
 * Ledger entries under the given paths whose file is gone (deleted or rotated away) get
 * missing_since once; their rows stay (history outlives the logs).
 */
function markMissing(db: Database, paths: string[], nowS: number): void {
  const roots = paths.map((p) => path.resolve(p));
  const entries = rowsOf(db, 'SELECT id, path FROM ingest_sources WHERE missing_since IS NULL');
  for (const e of entries) {
    const p = String(e.path);
    if (!roots.some((r) => p === r || p.startsWith(r + path.sep))) continue;
    if (!fs.existsSync(p)) db.run('UPDATE ingest_sources SET missing_since = ? WHERE id = ?', [nowS, Number(e.id)]);
  }
}

/** Switches the in-memory image to cheap journaling for the run (never touches WAL mode). */
function fastPragmas(db: Database, sourceBytes: number): void {
  if (writesInPlace(db)) {
    // native: the user's file itself — its journal mode and durability stay as they are. A big
    // load gets 64 MB of page cache: the identity index of ~1M rows (~30 MB, random keys) then
    // stays cached instead of being re-read page by page (1M lines: −0.55 s system time, −5% wall)
    db.run(`PRAGMA cache_size = -${sourceBytes >= 64 << 20 ? 65536 : 16384}`);
    return;
  }
  const mode = String(scalar(db, 'PRAGMA journal_mode'));
  if (mode !== 'wal') db.run('PRAGMA journal_mode = MEMORY');
  db.run('PRAGMA synchronous = OFF');
  db.run('PRAGMA temp_store = FILE');
  db.run('PRAGMA cache_size = -16384');
}

/**
 * Runs reading at most this many new bytes keep SQLite's temp structures in memory (native):
 * the stream savepoint's journal then holds the few pages such a run changes (~1,000 lines:
 * ~100 pages), not a temp file written and thrown away (~400 KB of writes for 1,000 lines).
 */
const SMALL_RUN_BYTES = 1 << 20;

/**
 * New bytes a run will read at most, from the ledgers (before the write transaction): a file
 * whose entry (same path and inode, not shrunk) was read to an offset counts from there.
 */
function newBytesAtMost(db: Database, sources: { path: string; size: number; ino?: number }[], ledger: 'ingest_sources' | 'claude_code_files', limit: number): number {
  if (!tableExists(db, ledger)) return sources.reduce((n, s) => n + s.size, 0);
  const withIno = ledger === 'ingest_sources';
  const stmt = db.prepare(`SELECT byte_offset${withIno ? ', ino' : ''} FROM ${ledger} WHERE path = ? ORDER BY id DESC LIMIT 1`);
  let n = 0;
  try {
    for (const s of sources) {
      stmt.bind([s.path]);
      const r = stmt.step() ? stmt.get() : null;
      stmt.reset();
      const offset = r && (!withIno || Number(r[1]) === s.ino) && Number(r[0]) <= s.size ? Number(r[0]) : 0;
      n += s.size - offset;
      if (n > limit) break;
    }
  } finally {
    stmt.free();
  }
  return n;
}

/**
 * A load much bigger than the database (a first backfill): room for it up front, so the
 * in-memory file is not reallocated and copied as it grows (untouched room costs no RSS).
 */
function reserveForLoad(db: Database, sourceBytes: number): void {
  reserveImageRoom(db, sourceBytes);
}

/**
 * The sources of a Migrate preview's plan as they are now (one stat each): a file still the same
 * (device, inode) and not shrunk is taken with its current size (lines appended since the
 * preview are read); one replaced, shrunk or gone is planned again from its folder — the file
 * now at its path, and the file it was if a rotation renamed it; nothing found there is
 * reported. Only the plan's files (and of them only `only`) are taken: never one the user did
 * not pick.
 */
export async function sourcesFromPlan(plan: MigratePlan, only: ReadonlySet<string> | null): Promise<DiscoveryResult> {
  const issues: DiscoveryIssue[] = [...plan.issues];
  const out = new Map<string, DiscoveredSource>();
  for (const planned of plan.sources) {
    if (only && !only.has(planned.path)) continue;
    const { ledger: _ledger, ...src } = planned;
    const st = await fs.promises.stat(src.path).catch(() => null);
    if (st?.isFile() && st.dev === src.dev && st.ino === src.ino && st.size >= src.size) {
      if (!out.has(src.path)) out.set(src.path, { ...src, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
      continue;
    }
    const again = await discoverSources([path.dirname(src.path)], { maxDepth: 0, exclude: [] });
    const now = again.sources.filter((s) => s.path === src.path || (s.stream === src.stream && s.ino !== 0 && s.dev === src.dev && s.ino === src.ino));
    if (!now.length) issues.push({ path: src.path, problem: 'not-found', message: `${src.path}: gone since the preview; not imported (the other files were)` });
    for (const s of now) if (!out.has(s.path)) out.set(s.path, s);
  }
  return { sources: inStreamOrder([...out.values()]), issues, excludedFiles: plan.excludedFiles };
}

export async function migrateSources(dbPath: string, givenPaths: string[], opts: MigrateOptions = {}): Promise<MigrateResult> {
  const started = performance.now();
  const tz = checkZone(opts.tz || machineZone());
  opts.onProgress?.({ phase: 'discover', bytesDone: 0, bytesTotal: 0, rowsInserted: 0 });
  const only = opts.only ? new Set(opts.only.map((p) => path.resolve(p))) : null;
  const paths = opts.plan ? opts.plan.paths : givenPaths;
  // Claude Code transcripts have their own ingest (one line feeds several tables): never an inferred table
  const cc = opts.claudeCode === false ? undefined : (opts.claudeCode ?? {});
  // `only` (files picked from the given paths) does not narrow the standard folders asked for by extraPaths
  const walked: TranscriptWalk = { roots: [], knownFiles: [] };
  // with a plan, the transcripts walk runs only when a picked file may be one (under a `projects` folder)
  const mayPickTranscripts = !opts.plan || !only || [...only].some((p) => p.split(path.sep).includes('projects'));
  const underPaths = cc && mayPickTranscripts ? findTranscripts(paths, { configDirs: cc.configDirs, walked }).filter((t) => !only || only.has(t.path)) : [];
  // the generic scan does not walk the transcript folders again (thousands of folders: most of an
  // incremental run's time); the known telemetry files the walk met there are given to it by name.
  // With the preview's plan there is no scan: its sources are checked (sourcesFromPlan).
  const found = opts.plan
    ? await sourcesFromPlan(opts.plan, only)
    : await discoverSources([...paths, ...walked.knownFiles], { ...opts, skipTrees: new Set(walked.roots.map((r) => path.resolve(r))) });
  const underExtra = cc?.extraPaths?.length ? findTranscripts(cc.extraPaths, { configDirs: cc.configDirs }) : [];
  const transcripts = [...new Map([...underPaths, ...underExtra].map((t) => [t.path, t])).values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const transcriptPaths = new Set(transcripts.map((t) => t.path));
  // (a plan's sources are the picked ones already, with the file a picked one was renamed to)
  const sources = (only && !opts.plan ? found.sources.filter((s) => only.has(s.path)) : found.sources).filter((s) => !transcriptPaths.has(s.path));
  const streams = byStream(sources);
  const transcriptBytes = transcripts.reduce((s, x) => s + x.size, 0);
  const bytesTotal = sources.reduce((s, x) => s + x.size, 0) + transcriptBytes;
  const prices = transcripts.length ? (cc?.prices ?? loadPrices()) : undefined;

  // a first run creates the database, and its folder (the lock file lives beside it)
  await fs.promises.mkdir(path.dirname(path.resolve(dbPath)), { recursive: true });
  const result = await withWrite(dbPath, async (db) => {
    opts.onProgress?.({ phase: 'schema', bytesDone: 0, bytesTotal, rowsInserted: 0 });
    const migrations = applySchema(db, opts.userMigrationsDir, tz);
    // streams the catalogue learned since they were imported as inferred tables (promote.ts)
    const promotion = await promoteInferredStreams(db, sources, tz, opts.signal);
    resolveInferredTables(db, sources);
    // tables of catalogue sources that no built-in migration creates (knownTables.ts)
    const notReady = new Map<string, string>();
    for (const table of new Set(sources.filter((s) => s.kind !== 'inferred').map((s) => s.table))) {
      const why = ensureKnownTable(db, KNOWN_SOURCES.find((k) => k.table === table)!);
      if (why) notReady.set(table, why);
    }
    // rows the users' programs wrote since the last run: read as ours, identity given lazily
    const directChanges = catchUpDirectWrites(db) + tagDirectRows(db, Math.floor(Date.now() / 1000));
    fastPragmas(db, bytesTotal);
    // transcripts keep a small part of their bytes (usage, not content): about a quarter at most
    reserveForLoad(db, bytesTotal - transcriptBytes + Math.ceil(transcriptBytes / 4));
    const tables = [...new Set(sources.map((s) => s.table))];
    const before = new Map(tables.map((t) => [t, tableCount(db, t)]));
    const ctx: RunContext = {
      db,
      tz,
      nowS: Math.floor(Date.now() / 1000),
      signal: opts.signal,
      onProgress: opts.onProgress,
      rejectRawCap: opts.rejectRawCap ?? 4096,
      rescan: opts.rescan ?? false,
      workerMinBytes: opts.workerMinBytes ?? 16 * 1024 * 1024,
      splitMinBytes: opts.splitMinBytes ?? 32 * 1024 * 1024,
      // the main thread (inserts) waits on parsing about half the time: two parsers fit two cores
      parseWorkers: opts.parseWorkers ?? Math.max(1, Math.min(2, os.availableParallelism())),
      bulkLoadMinBytes: opts.bulkLoadMinBytes ?? 32 * 1024 * 1024,
      adoptedColumns: readAdoptedColumns(db),
      progress: { bytesDone: 0, bytesTotal, rowsInserted: 0 },
      rejects: [],
      touched: new Map(),
      rollupDeltas: new RunRollupDeltas(db),
    };
    const results: SourceResult[] = [];
    const notImported: DiscoveryIssue[] = [];
    let claudeCode: ClaudeCodeImportResult | undefined;
    // Native engine: the run commits in chunks (other programs' inserts get in between), so
    // rows added are summed chunk by chunk, each counted while only we could write.
    const inPlace = writesInPlace(db);
    const addedBefore = new Map(tables.map((t) => [t, 0]));
    if (inPlace) {
      ctx.commitPoint = () => {
        if (!commitDue(db)) return;
        for (const t of tables) addedBefore.set(t, addedBefore.get(t)! + tableCount(db, t) - before.get(t)!);
        commitPoint(db, { force: true });
        for (const t of tables) before.set(t, tableCount(db, t));
      };
    }
    if (!inPlace) db.run('SAVEPOINT tl_ingest');
    ctx.commitPoint?.(); // after the schema step (a first run's migrations can take a while)
    try {
      // a source cut over to database-native is no longer imported (its lines stay verifiable)
      const retired = readWriterModes(db);
      for (const [key, files] of streams) {
        if (retired.has(key)) continue;
        const why = notReady.get(files[0].table);
        if (why && files[0].kind !== 'inferred') {
          for (const f of files) notImported.push({ path: f.path, problem: 'not-imported', message: `${f.path}: not imported (${why}); the other files were imported` });
          continue;
        }
        const rejectsBefore = ctx.rejects.length;
        try {
          results.push(...(await ingestStream(ctx, key, files)));
        } catch (e) {
          // one file's problem stays with that file: its stream is rolled back (ingestStream's
          // savepoint), reported, and every other stream still imports; cancel stops the run
          if (isAbort(e) || opts.signal?.aborted) throw e;
          // a full disk or a read-only file system is no problem of this file: the run stops (exit 3)
          const asWrite = asWriteError(e, dbPath);
          if (asWrite instanceof WriteConflictError) throw asWrite;
          ctx.rejects.length = rejectsBefore;
          for (const f of files) notImported.push({ path: f.path, problem: 'not-imported', message: `${f.path}: not imported (${oneLine(e)}); the other files were imported` });
        }
        ctx.commitPoint?.();
      }
      if (transcripts.length) claudeCode = await importTranscripts(db, transcripts, { prices: prices!, nowS: ctx.nowS, signal: opts.signal, rescan: ctx.rescan });
      markMissing(db, paths, ctx.nowS);
      ctx.commitPoint?.();
      // reconciliation across the table: rows really added = rows reported inserted
      for (const t of tables) {
        const added = addedBefore.get(t)! + tableCount(db, t) - (before.get(t) ?? 0);
        const reported = results.filter((r) => r.table === t).reduce((s, r) => s + r.inserted, 0);
        if (added !== reported) throw new Error(`reconciliation failed for table ${t}: ${reported} rows reported inserted but the table grew by ${added}`);
      }
      opts.onProgress?.({ phase: 'rollups', bytesDone: bytesTotal, bytesTotal, rowsInserted: ctx.progress.rowsInserted });
      const touched: TouchedRange[] = [...ctx.touched].map(([table, [minTs, maxTs]]) => ({ table, minTs, maxTs }));
      // after a long import the rows go in their own chunk, the rollups in the next (native):
      // a hook never waits for both (a small run stays one transaction, with no pause)
      if (inPlace) commitPoint(db, { maxAgeMs: 250 });
      // rows other programs wrote reach the rollups even when this run imported nothing
      if (touched.length || directChanges > 0) refreshRollups(db, touched, ctx.rollupDeltas);
      if (!inPlace) db.run('RELEASE tl_ingest');
    } catch (e) {
      // native: the open chunk is rolled back by withWrite; committed chunks re-run exactly
      if (!inPlace) {
        db.run('ROLLBACK TO tl_ingest');
        db.run('RELEASE tl_ingest');
      }
      throw e;
    }
    const counts: Record<string, number> = {};
    for (const t of tables.sort()) counts[t] = tableCount(db, t);
    opts.onProgress?.({ phase: 'write', bytesDone: bytesTotal, bytesTotal, rowsInserted: ctx.progress.rowsInserted });
    return { migrations, results, counts, rejects: ctx.rejects, notImported, claudeCode, promoted: promotion.promoted };
  }, { tempInMemory: (db) => bytesTotal <= SMALL_RUN_BYTES || newBytesAtMost(db, sources, 'ingest_sources', SMALL_RUN_BYTES) + newBytesAtMost(db, transcripts, 'claude_code_files', SMALL_RUN_BYTES) <= SMALL_RUN_BYTES });
  opts.onProgress?.({ phase: 'done', bytesDone: bytesTotal, bytesTotal, rowsInserted: result.results.reduce((s, r) => s + r.inserted, 0) });
  return {
    database: path.resolve(dbPath),
    migrations: result.migrations,
    sources: result.results,
    tables: result.counts,
    durationMs: Math.round(performance.now() - started),
    issues: [...found.issues, ...result.notImported],
    rejects: result.rejects,
    ...(result.claudeCode ? { claudeCode: result.claudeCode } : {}),
    ...(result.promoted.length ? { promoted: result.promoted } : {}),
  };
}
