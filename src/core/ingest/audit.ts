import { openSnapshot } from '../db/database';
import { compareStream, hashingParseOptionsOf, parseOptionsOf } from './compare';
import { byStream, discoverSources } from './discover';
import { DEFAULT_FRESHNESS, freshnessStatus, type FreshnessThresholds } from '../time/freshness';
import { resolveInferredTables } from './inferred';
import { checkZone, machineZone } from '../formats/timestamps';
import type { AuditOptions, AuditReport, AuditSourceReport, DiscoveredSource, Liveness } from './types';

/** The Migrate preview's live/stale/frozen: the same rule and thresholds as the tree (core/time/freshness). */
export function liveness(lastTs: number | null, nowMs: number, thresholds: FreshnessThresholds = DEFAULT_FRESHNESS): Liveness {
  if (lastTs === null) return 'empty';
  return freshnessStatus(1, nowMs / 1000 - lastTs, thresholds);
}

/**
 * Turns compareStream's reads into `read` progress events over all sources (bytes of an
 * inferred stream count twice: it is read for its keys, then compared). `rowsInserted` is the
 * number of new rows found so far (nothing is inserted by an audit).
 */
function readProgress(sources: DiscoveredSource[], onProgress: AuditOptions['onProgress']) {
  if (!onProgress) return undefined;
  const bytesTotal = sources.reduce((n, s) => n + s.size * (s.kind === 'inferred' ? 2 : 1), 0);
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
  const tz = checkZone(opts.tz || machineZone());
  opts.onProgress?.({ phase: 'discover', bytesDone: 0, bytesTotal: 0, rowsInserted: 0 });
  const found = await discoverSources(paths, opts);
  const db = opts.dbPath ? await openSnapshot(opts.dbPath) : null;
  resolveInferredTables(db, found.sources);
  const nowMs = opts.nowMs ?? Date.now();
  const progress = readProgress(found.sources, opts.onProgress);
  try {
    const sources: AuditSourceReport[] = [];
    for (const [key, files] of byStream(found.sources)) {
      const parse = db ? hashingParseOptionsOf(opts) : parseOptionsOf(opts);
      const compared = await compareStream(db, key, files, { ...parse, tz, signal: opts.signal, sampleRejects: opts.sampleRejects ?? 5, onRead: progress?.onRead });
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
    return { sources, issues: found.issues, excludedFiles: found.excludedFiles };
  } finally {
    db?.close();
  }
}
