import * as fs from 'fs';
import * as path from 'path';
import { CheckFailedError } from '../db/errors';
import type { Database } from 'sql.js';
import { openSnapshot } from '../db/database';
import { compareStream } from './compare';
import { byStream, discoverSources } from './discover';
import { rowsOf, tableExists } from './sql';
import { checkZone, machineZone } from './timestamps';
import type { SkillTotalsMismatch, VerifyOptions, VerifyResult, VerifySourceResult } from './types';

/** skill_metrics.json `skills` fields that the derived skill_metrics table also has. */
const TOTAL_FIELDS = ['total_invocations', 'completed_invocations', 'abandoned_invocations', 'total_duration_seconds'];

function compareSkillTotals(db: Database, file: string, doc: Record<string, unknown>): SkillTotalsMismatch[] {
  const skills = doc.skills;
  if (!skills || typeof skills !== 'object' || Array.isArray(skills)) return [];
  const derived = new Map<string, Record<string, unknown>>();
  if (tableExists(db, 'skill_metrics')) for (const r of rowsOf(db, 'SELECT * FROM skill_metrics')) derived.set(String(r.skill_name), r);
  const out: SkillTotalsMismatch[] = [];
  for (const [skill, totals] of Object.entries(skills as Record<string, unknown>)) {
    if (!totals || typeof totals !== 'object') continue;
    const d = derived.get(skill);
    for (const field of TOTAL_FIELDS) {
      const docValue = (totals as Record<string, unknown>)[field];
      if (typeof docValue !== 'number') continue;
      const dbValue = d && typeof d[field] === 'number' ? (d[field] as number) : null;
      if (dbValue === null || Math.abs(dbValue - docValue) > 0.05 + 1e-9 * Math.abs(docValue)) out.push({ path: file, skill, field, document: docValue, database: dbValue });
    }
  }
  return out;
}

/**
 * Compares every source with the database: each parseable line must have its copy in the
 * row's stream (by content identity), and skill_metrics.json's own `skills` totals must
 * agree with the derived skill_metrics. `ok` is false on any difference (CLI exit 1).
 */
export async function verifySources(dbPath: string, paths: string[], opts: VerifyOptions = {}): Promise<VerifyResult> {
  const tz = checkZone(opts.tz || machineZone());
  if (!fs.existsSync(dbPath)) throw new CheckFailedError(`no database at ${path.resolve(dbPath)} (run migrate first)`);
  const found = await discoverSources(paths, opts);
  const db = await openSnapshot(dbPath);
  try {
    const sources: VerifySourceResult[] = [];
    const skillTotals: SkillTotalsMismatch[] = [];
    for (const [key, files] of byStream(found.sources)) {
      for (const c of await compareStream(db, key, files, { tz, signal: opts.signal, sampleRejects: 0 })) {
        sources.push({ path: c.source.path, kind: c.source.kind, table: c.source.table, rows: c.rows, matched: c.matched, missing: c.missing, rejected: c.rejected, ok: c.missing === 0 });
        if (c.source.kind === 'skill-metrics' && c.doc) skillTotals.push(...compareSkillTotals(db, c.source.path, c.doc));
      }
    }
    return { database: path.resolve(dbPath), ok: sources.every((s) => s.ok) && skillTotals.length === 0, sources, skillTotals, issues: found.issues };
  } finally {
    db.close();
  }
}
