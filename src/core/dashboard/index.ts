import * as path from 'node:path';
import { openSnapshot, type SqlDatabase } from '../db/database';
import type { PriceTable } from '../claudeCode/prices';
import type { FreshnessThresholds } from '../metrics/types';
import { buildReportData, type ReportData } from './reportData';
import { buildReportHtml } from './reportHtml';

export { buildReportData, REPORT_PRESETS, REPORT_SAMPLE_ROWS, type ReportData } from './reportData';
export { buildReportHtml, escapeScriptText, jsonForScript } from './reportHtml';
export { computeTabPayload, dashboardTabIds, isDashboardTab, resolveRange, specTab, specTabInfos, tabTitle } from './tabPayload';
export { EventQuery, type SpecTabDefinition } from './specTab';

export interface ReportOptions {
  timeZone?: string;
  freshness?: FreshnessThresholds;
  /** epoch seconds; default the clock */
  nowSeconds?: number;
  /** false: no raw rows in the report (REPORT_SAMPLE_ROWS newest per table otherwise) */
  rows?: boolean;
  /** Claude Code prices for the Usage tab (default: bundled + the user's override file) */
  prices?: PriceTable;
}

/** The static dashboard of the database at `dbPath` (read from a consistent snapshot). */
export async function generateReportHtml(dbPath: string, webviewBundle: string, options: ReportOptions = {}): Promise<string> {
  const db = await openSnapshot(dbPath);
  try {
    return buildReportHtml({ webviewBundle, data: reportDataOf(db, dbPath, options) });
  } finally {
    db.close();
  }
}

/** The report's data from a snapshot of `dbPath` (here, or in the dashboard data worker). */
export function reportDataOf(db: SqlDatabase, dbPath: string, options: ReportOptions): ReportData {
  return buildReportData(db, {
    databaseLabel: path.basename(dbPath),
    nowSeconds: options.nowSeconds ?? Math.floor(Date.now() / 1000),
    timeZone: options.timeZone,
    freshness: options.freshness,
    rows: options.rows,
    prices: options.prices,
  });
}
