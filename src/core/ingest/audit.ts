import * as fs from 'fs';
import * as path from 'path';
import { openSnapshot } from '../db/database';
import { bytesToCompare, compareStream, compareTails, hashingParseOptionsOf, ledgerPlanOf, parseOptionsOf, type FileComparison, type StreamLedgerPlan } from './compare';
import { schemaStepsOf } from './schemaStep';
import { byStream, discoverSources } from './discover';
import { DEFAULT_FRESHNESS, freshnessStatus, type FreshnessThresholds } from '../time/freshness';
import { resolveInferredTables } from './inferred';
import { checkZone, machineZone } from '../formats/timestamps';
import type { AuditOptions, AuditReport, AuditSourceReport, DiscoveredSource, Liveness, MigratePlan, PlannedSource } from './types';

/** The Migrate preview's live/stale/frozen: the same rule and thresholds as the tree (core/time/freshness). */
export function liveness(lastTs: number | null, nowMs: number, thresholds: FreshnessThresholds = DEFAULT_FRESHNESS): Liveness {
  if (lastTs === null) return 'empty';
  return freshnessStatus(1, nowMs / 1000 - lastTs, thresholds);
}

/**
 * Turns compareStream's reads into `read` progress events over all sources (bytes of an
 * inferred stream count twice: it is read for its keys, then compared; a file the ledger
 * proves append-only counts from its offset). `rowsInserted` is the number of new rows found
 * so far (nothing is inserted by an audit).
 */
function readProgress(sources: DiscoveredSource[], bytesOf: (s: DiscoveredSource) => number, onProgress: AuditOptions['onProgress']) {
  if (!onProgress) return undefined;
  const bytesTotal = sources.reduce((n, s) => n + bytesOf(s) * (s.kind === 'inferred' ? 2 : 1), 0);
  let bytesDone = 0;
  let newInFinishedStreams = 0;
  return {
    bytesTotal,
    onRead(path: string, bytes: number, missing: number): void {
      bytesDone += bytes;
      onProgress({ phase: 'read', path, bytesDone: Math.min(bytesDone, bytesTotal), bytesTotal, rowsInserted: newInFinishedStreams + missing });
    },
    streamDone(missing: number): void {
      newInFinishedStreams += missing;
    },
  };
}

/**
 * What a migrate would do, per file: kind, table, size, lines, rows, rejects (with samples),
 * new lines not yet in `dbPath` (all rows when no database is given), first/last event time
 * and live/stale/frozen. Writes nothing.
 */
export async function auditSources(paths: string[], opts: AuditOptions = {}): Promise<AuditReport> {
  return (await previewSources(paths, opts)).report;
}

/**
 * The Migrate preview: the audit's report, and the plan the import consumes (migrateSources'
 * `plan`): the sources as discovery found them, the ledger state read for each, the schema
 * steps the import's write will apply (from the same snapshot). One discovery, one snapshot.
 * Against a database, a file the ledger proves append-only is read from the ledger's offset
 * only (compare.ts compareTails), unless `fullCompare`.
 */
export async function previewSources(paths: string[], opts: AuditOptions = {}): Promise<{ report: AuditReport; plan: MigratePlan }> {
  const tz = checkZone(opts.tz || machineZone());
  opts.onProgress?.({ phase: 'discover', bytesDone: 0, bytesTotal: 0, rowsInserted: 0 });
  const found = await discoverSources(paths, opts);
  // a database not created yet is an empty one (the import creates it)
  const db = opts.dbPath && fs.existsSync(opts.dbPath) ? await openSnapshot(opts.dbPath) : null;
  try {
    const schemaSteps = opts.dbPath ? await schemaStepsOf(db, opts.userMigrationsDir) : [];
    resolveInferredTables(db, found.sources);
    const nowMs = opts.nowMs ?? Date.now();
    const streams = [...byStream(found.sources)].map(([key, files]) => ({ key, files, plan: db && !opts.fullCompare ? ledgerPlanOf(db, key, files) : null }));
    const planOf = new Map<DiscoveredSource, StreamLedgerPlan | null>(streams.flatMap((st) => st.files.map((f) => [f, st.plan] as const)));
    const progress = readProgress(found.sources, (f) => bytesToCompare(f, planOf.get(f) ?? null), opts.onProgress);
    const sources: AuditSourceReport[] = [];
    for (const { key, files, plan } of streams) {
      const parse = db ? hashingParseOptionsOf(opts) : parseOptionsOf(opts);
      const o = { ...parse, tz, signal: opts.signal, sampleRejects: opts.sampleRejects ?? 5, onRead: progress?.onRead };
      let compared: FileComparison[] | null = plan && db ? await compareTails(db, plan, files, o) : null;
      compared ??= await compareStream(db, key, files, o);
      progress?.streamDone(compared.reduce((n, c) => n + c.missing, 0));
      for (const c of compared) {
        sources.push({
          path: c.source.path,
          kind: c.source.kind,
          table: c.source.table,
          size: c.source.size,
          lines: c.lines,
          rows: c.rows,
          blank: c.blank,
          rejected: c.rejected,
          pending: c.pending,
          newLines: c.missing,
          firstEventTs: c.firstTs,
          lastEventTs: c.lastTs,
          liveness: liveness(c.lastTs, nowMs, opts.freshness),
          sampleRejects: c.rejects.map((r) => ({ path: c.source.path, line: r.line, reason: r.reason, detail: r.detail, raw: r.text.slice(0, 200) })),
        });
      }
    }
    opts.onProgress?.({ phase: 'done', bytesDone: progress?.bytesTotal ?? 0, bytesTotal: progress?.bytesTotal ?? 0, rowsInserted: sources.reduce((n, s) => n + s.newLines, 0) });
    const planned: PlannedSource[] = found.sources.map((f) => {
      const p = planOf.get(f)?.plans.find((x) => x.source === f);
      return { ...f, ledger: p?.entry ? { entryId: p.entry.id, byteOffset: p.entry.byteOffset, lineCount: p.entry.lineCount, mode: p.mode } : null };
    });
    return {
      report: { sources, issues: found.issues, excludedFiles: found.excludedFiles },
      plan: { paths: paths.map((p) => path.resolve(p)), database: opts.dbPath ? path.resolve(opts.dbPath) : null, sources: planned, issues: found.issues, excludedFiles: found.excludedFiles, schemaSteps },
    };
  } finally {
    db?.close();
  }
}
