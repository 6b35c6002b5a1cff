/**
 * Small views for the tree: today's and this month's cost, the current 5-hour block, and the
 * transcripts Claude Code is about to delete (cleanupPeriodDays) that are not imported yet.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { SqlDatabase } from '../db/database';
import { findTranscripts } from './discover';
import type { PriceTable } from './prices';
import { blocksReport, dailyReport, hasUsageTables, monthlyReport, type UsageBlock } from './reports';

export interface UsagePeriod {
  tokens: number;
  /** null: only unpriced models */
  cost: number | null;
  unpricedModels: string[];
}

export interface UsageSummary {
  today: UsagePeriod;
  month: UsagePeriod;
  activeBlock: UsageBlock | null;
  responses: number;
}

function localDate(ms: number, tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

/** null when the database holds no Claude Code usage. */
export function usageSummary(db: SqlDatabase, opts: { tz: string; prices: PriceTable; nowMs?: number }): UsageSummary | null {
  if (!hasUsageTables(db)) return null;
  const responses = Number(db.exec('SELECT count(*) FROM claude_code_responses')[0]?.values[0]?.[0] ?? 0);
  if (responses === 0) return null;
  const now = opts.nowMs ?? Date.now();
  const today = localDate(now, opts.tz);
  const monthStart = `${today.slice(0, 8)}01`;
  const q = { tz: opts.tz, prices: opts.prices };
  const day = dailyReport(db, { ...q, since: today, until: today }).totals;
  const month = monthlyReport(db, { ...q, since: monthStart, until: today }).totals;
  const recent = blocksReport(db, { ...q, since: localDate(now - 86400_000, opts.tz) }, now).blocks;
  const period = (t: typeof day): UsagePeriod => ({ tokens: t.totalTokens, cost: t.totalCost, unpricedModels: t.unpricedModels });
  return { today: period(day), month: period(month), activeBlock: recent.find((b) => b.isActive) ?? null, responses };
}

export interface CleanupRisk {
  cleanupPeriodDays: number;
  settingsFile: string | null;
  /** transcripts Claude Code deletes within `withinDays` that are not (fully) imported */
  atRisk: string[];
  withinDays: number;
}

/** `cleanupPeriodDays` of the first config folder's settings.json that sets it (Claude Code's default: 30). */
export function cleanupPeriodDays(configDirs: string[]): { days: number; file: string | null } {
  for (const dir of configDirs) {
    const file = path.join(dir, 'settings.json');
    try {
      const v = (JSON.parse(fs.readFileSync(file, 'utf8')) as { cleanupPeriodDays?: unknown }).cleanupPeriodDays;
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return { days: v, file };
    } catch {
      /* no or unreadable settings: Claude Code uses its default too */
    }
  }
  return { days: 30, file: null };
}

/**
 * Transcripts older than cleanupPeriodDays minus `withinDays` (by modification time, as Claude
 * Code judges them) whose bytes the database has not read in full.
 */
export function cleanupRisk(db: SqlDatabase | null, configDirs: string[], opts: { nowMs?: number; withinDays?: number } = {}): CleanupRisk {
  const now = opts.nowMs ?? Date.now();
  const withinDays = opts.withinDays ?? 3;
  const { days, file } = cleanupPeriodDays(configDirs);
  const read = new Map<string, number>();
  if (db && db.exec("SELECT 1 FROM sqlite_master WHERE name = 'claude_code_files'").length) {
    for (const v of db.exec('SELECT path, byte_offset FROM claude_code_files')[0]?.values ?? []) read.set(String(v[0]), Number(v[1]));
  }
  const cutoff = now - Math.max(0, days - withinDays) * 86400_000;
  const atRisk = findTranscripts(configDirs, { configDirs })
    .filter((t) => t.mtimeMs < cutoff && (read.get(t.path) ?? -1) < t.size)
    .map((t) => t.path);
  return { cleanupPeriodDays: days, settingsFile: file, atRisk, withinDays };
}
