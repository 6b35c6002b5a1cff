/**
 * verify's check of skill_metrics.json's own `skills` totals. The document's totals count the
 * document's invocations only, while skill_invocation (and the derived skill_metrics) may also
 * be fed by skill-invocations.jsonl or other documents. So the totals are compared with the
 * rows imported from that document's stream (same sums as the skill_metrics triggers), not
 * with the whole derived table.
 */
import type { SqlDatabase as Database } from '../db/database';
import { findStreamId } from './ledger';
import { rowsOf, tableExists } from './sql';
import type { SkillTotalsMismatch } from './types';

/** skill_metrics.json `skills` fields, with the SQL that gives each over imported rows. */
const TOTALS_SQL: Record<string, string> = {
  total_invocations: 'count(*)',
  completed_invocations: 'sum(completed <> 0)',
  abandoned_invocations: 'sum(completed = 0)',
  total_duration_seconds: 'sum(coalesce(duration_seconds, 0))',
};

/** What the database figures are: stated in verify's output. */
export const SKILL_TOTALS_BASIS = "rows imported from the document's own stream (its file and rotated copies)";

/** Per skill, the totals over the rows of stream `streamKey` in skill_invocation. */
export function streamSkillTotals(db: Database, streamKey: string): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  if (!tableExists(db, 'skill_invocation') || !tableExists(db, 'ingest_streams')) return out;
  const sid = findStreamId(db, streamKey);
  if (sid === null) return out;
  const columns = Object.entries(TOTALS_SQL).map(([field, expr]) => `${expr} AS ${field}`).join(', ');
  for (const r of rowsOf(db, `SELECT skill_name, ${columns} FROM skill_invocation WHERE stream_id = ? GROUP BY skill_name`, [sid])) {
    const totals: Record<string, number> = {};
    for (const field of Object.keys(TOTALS_SQL)) totals[field] = Number(r[field] ?? 0);
    out.set(String(r.skill_name), totals);
  }
  return out;
}

/** Differences between the document's `skills` totals and its stream's rows (empty = agree). */
export function compareSkillTotals(db: Database, file: string, streamKey: string, doc: Record<string, unknown>): SkillTotalsMismatch[] {
  const skills = doc.skills;
  if (!skills || typeof skills !== 'object' || Array.isArray(skills)) return [];
  const imported = streamSkillTotals(db, streamKey);
  const out: SkillTotalsMismatch[] = [];
  for (const [skill, totals] of Object.entries(skills as Record<string, unknown>)) {
    if (!totals || typeof totals !== 'object') continue;
    const d = imported.get(skill);
    for (const field of Object.keys(TOTALS_SQL)) {
      const docValue = (totals as Record<string, unknown>)[field];
      if (typeof docValue !== 'number') continue;
      const dbValue = d ? d[field] : null;
      // Durations are summed floats (the writer rounds to 0.1 s): agree within rounding.
      if (dbValue === null || Math.abs(dbValue - docValue) > 0.05 + 1e-9 * Math.abs(docValue)) out.push({ path: file, skill, field, document: docValue, database: dbValue });
    }
  }
  return out;
}
