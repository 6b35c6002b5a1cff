import type { SqlDatabase as Database } from '../db/database';
import { DRILL_TABLES, getDataSources, getEventSpan, listTableRows, resolveTimeZone, type UsageOptions } from '../metrics';
import { PROTOCOL_VERSION, TAB_IDS, type TabId, type TabPayload } from '../../protocol';
import { computeTabPayload, resolveRange } from './tabPayload';

export { REPORT_PRESETS, type ReportPreset, type ReportSample, type ReportData } from '../../protocol';
import { REPORT_PRESETS, type ReportData, type ReportSample } from '../../protocol';

/** How many of each table's newest rows the report carries for drill-down. */
export const REPORT_SAMPLE_ROWS = 200;

export interface ReportDataOptions extends UsageOptions {
  /** shown in the header, e.g. the database file name */
  databaseLabel: string;
  nowSeconds: number;
  /** false: carry no raw rows at all (they hold commands, paths, prompts…); default true */
  rows?: boolean;
}

/** Precomputes every tab for every preset, plus a sample of recent rows per event table. */
export function buildReportData(db: Database, options: ReportDataOptions): ReportData {
  const metrics: UsageOptions = { timeZone: options.timeZone, nowSeconds: options.nowSeconds, freshness: options.freshness, prices: options.prices };
  const payloads = {} as ReportData['payloads'];
  for (const preset of REPORT_PRESETS) {
    const range = resolveRange({ preset }, options.nowSeconds);
    const byTab = {} as Record<TabId, TabPayload>;
    for (const tab of TAB_IDS) byTab[tab] = computeTabPayload(db, tab, range, metrics);
    payloads[preset] = byTab;
  }
  const samples: Record<string, ReportSample> = {};
  const withRows = options.rows !== false;
  for (const { table, rows, drillKey } of withRows ? getDataSources(db, metrics).sources : []) {
    if (rows === 0) continue;
    const result = listTableRows(db, { table, range: {}, limit: REPORT_SAMPLE_ROWS });
    samples[table] = { drillKey, timeColumn: table === 'skill_invocation' ? 'invoked_at' : 'timestamp', columns: result.columns, rows: result.rows, total: result.total };
  }
  return {
    protocolVersion: PROTOCOL_VERSION,
    init: {
      databaseLabel: options.databaseLabel,
      mode: 'report',
      generatedAt: options.nowSeconds,
      timeZone: resolveTimeZone(options.timeZone),
      capabilities: { customRange: false, drillDown: withRows ? 'sample' : 'none', openSource: false },
    },
    payloads,
    samples,
    drillTables: DRILL_TABLES,
    span: getEventSpan(db),
  };
}
