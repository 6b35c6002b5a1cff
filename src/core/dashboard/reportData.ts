import type { SqlDatabase as Database } from '../db/database';
import { DRILL_TABLES, getDataSources, getEventSpan, listTableRows, resolveDrillTarget, resolveTimeZone, type UsageOptions } from '../metrics';
import type { DrillDownResult, TableRowsRequest } from '../metrics/types';
import { PROTOCOL_VERSION, type DashboardTabId, type SpecTabView, type TabPayload } from '../../protocol';
import { computeTabPayload, dashboardTabIds, resolveRange, specTabInfos } from './tabPayload';

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
  /** the samples' listings, when they are not answered from `db` alone (the team's rollup image) */
  listRows?: (request: TableRowsRequest) => DrillDownResult;
}

/** Precomputes every tab for every preset, plus a sample of recent rows per event table. */
export function buildReportData(db: Database, options: ReportDataOptions): ReportData {
  const metrics: UsageOptions = { timeZone: options.timeZone, nowSeconds: options.nowSeconds, freshness: options.freshness, prices: options.prices };
  const payloads = {} as ReportData['payloads'];
  for (const preset of REPORT_PRESETS) {
    const range = resolveRange({ preset }, options.nowSeconds);
    const byTab = {} as Record<DashboardTabId, TabPayload>;
    for (const tab of dashboardTabIds()) byTab[tab] = computeTabPayload(db, tab, range, metrics);
    payloads[preset] = byTab;
  }
  // the spec tabs' minted keys, resolved here: the page filters its samples without decoding them
  const keyedRows: NonNullable<ReportData['keyedRows']> = {};
  for (const byTab of Object.values(payloads)) {
    for (const payload of Object.values(byTab)) {
      if (payload.tab !== 'spec') continue;
      for (const key of drillKeysOf(payload.view)) {
        if (Object.hasOwn(keyedRows, key)) continue;
        const resolved = resolveDrillTarget({ kind: 'keyed', key });
        if (resolved.source === 'events') keyedRows[key] = { table: resolved.table, filters: resolved.filters };
      }
    }
  }
  const samples: Record<string, ReportSample> = {};
  const withRows = options.rows !== false;
  for (const { table, rows, drillKey } of withRows ? getDataSources(db, metrics).sources : []) {
    if (rows === 0) continue;
    const request: TableRowsRequest = { table, range: {}, limit: REPORT_SAMPLE_ROWS };
    const result = options.listRows ? options.listRows(request) : listTableRows(db, request);
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
      specTabs: specTabInfos(),
    },
    payloads,
    samples,
    drillTables: DRILL_TABLES,
    keyedRows,
    span: getEventSpan(db),
  };
}

/** Every drill key a spec view carries. */
function* drillKeysOf(view: SpecTabView): Generator<string> {
  for (const chart of view.charts) {
    const items = chart.kind === 'time' ? chart.series : chart.categories;
    for (const item of items) if (item.drillKey) yield item.drillKey;
  }
  for (const table of view.tables) for (const row of table.rows) if (row.drillKey) yield row.drillKey;
}
