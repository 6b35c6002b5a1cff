import * as fs from 'fs';
import * as path from 'path';
import { CheckFailedError } from '../db/errors';
import { openSnapshot } from '../db/database';
import { compareStream, hashingParseOptionsOf } from './compare';
import { byStream, discoverSources } from './discover';
import { resolveInferredTables } from './inferred';
import { compareSkillTotals } from './skillTotals';
import { dualReadStream, type DualReadSource } from './dualRead';
import { catchUpDirectWrites } from './directRows';
import { checkZone, machineZone } from '../formats/timestamps';
import type { SkillTotalsMismatch, VerifyOptions, VerifyResult, VerifySourceResult } from './types';

/**
 * Compares every source with the database: each parseable line must have its copy in the
 * row's stream (by content identity), and skill_metrics.json's own `skills` totals must
 * agree with the rows imported from that document's stream (skillTotals.ts says why), and
 * the dual-read of every known source (dualRead.ts) must agree beyond its tolerances.
 * `ok` is false on any difference (CLI exit 1).
 */
export async function verifySources(dbPath: string, paths: string[], opts: VerifyOptions = {}): Promise<VerifyResult> {
  const tz = checkZone(opts.tz || machineZone());
  if (!fs.existsSync(dbPath)) throw new CheckFailedError(`no database at ${path.resolve(dbPath)} (run migrate first)`);
  const found = await discoverSources(paths, opts);
  const db = await openSnapshot(dbPath);
  resolveInferredTables(db, found.sources);
  try {
    const sources: VerifySourceResult[] = [];
    const skillTotals: SkillTotalsMismatch[] = [];
    const dualRead: DualReadSource[] = [];
    catchUpDirectWrites(db); // in memory only: a hook's tool_name is the tool (snapshots are never written back)
    for (const [key, files] of byStream(found.sources)) {
      // dual-read first: a line whose event a hook wrote after the last run is in the database already
      const dr = await dualReadStream(db, key, files, tz);
      if (dr) dualRead.push(dr);
      for (const c of await compareStream(db, key, files, { ...hashingParseOptionsOf(opts), tz, signal: opts.signal, sampleRejects: 0 })) {
        const direct = Math.min(c.missing, dr?.unclaimedMatchesByPath[c.source.path] ?? 0);
        const missing = c.missing - direct;
        sources.push({ path: c.source.path, kind: c.source.kind, table: c.source.table, rows: c.rows, matched: c.matched + direct, missing, rejected: c.rejected, ok: missing === 0 });
        if (c.source.kind === 'skill-metrics' && c.doc) skillTotals.push(...compareSkillTotals(db, c.source.path, key, c.doc));
      }
    }
    const ok = sources.every((s) => s.ok) && skillTotals.length === 0 && dualRead.every((d) => d.ok);
    return { database: path.resolve(dbPath), ok, sources, skillTotals, dualRead, issues: found.issues };
  } finally {
    db.close();
  }
}
