import { openSnapshot } from '../db/database';
import { compareStream } from './compare';
import { byStream, discoverSources } from './discover';
import { checkZone, machineZone } from './timestamps';
import type { AuditOptions, AuditReport, AuditSourceReport, Liveness } from './types';

const DAY_S = 86_400;

export function liveness(lastTs: number | null, nowMs: number): Liveness {
  if (lastTs === null) return 'empty';
  const age = nowMs / 1000 - lastTs;
  return age <= DAY_S ? 'live' : age <= 30 * DAY_S ? 'stale' : 'frozen';
}

/**
 * What a migrate would do, per file: kind, table, size, lines, rows, rejects (with samples),
 * new lines not yet in `dbPath` (all rows when no database is given), first/last event time
 * and live/stale/frozen. Writes nothing.
 */
export async function auditSources(paths: string[], opts: AuditOptions = {}): Promise<AuditReport> {
  const tz = checkZone(opts.tz || machineZone());
  const found = await discoverSources(paths, opts);
  const db = opts.dbPath ? await openSnapshot(opts.dbPath) : null;
  const nowMs = opts.nowMs ?? Date.now();
  try {
    const sources: AuditSourceReport[] = [];
    for (const [key, files] of byStream(found.sources)) {
      for (const c of await compareStream(db, key, files, { tz, signal: opts.signal, sampleRejects: opts.sampleRejects ?? 5 })) {
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
          liveness: liveness(c.lastTs, nowMs),
          sampleRejects: c.rejects.map((r) => ({ path: c.source.path, line: r.line, reason: r.reason, detail: r.detail, raw: r.text.slice(0, 200) })),
        });
      }
    }
    return { sources, issues: found.issues, excludedFiles: found.excludedFiles };
  } finally {
    db?.close();
  }
}
