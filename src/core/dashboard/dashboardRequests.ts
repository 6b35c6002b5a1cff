import type { SqlDatabase as Database } from '../db/database';
import { getDrillDownRows, getEventSpan } from '../metrics';
import type { UsageOptions } from '../metrics';
import { TAB_IDS, type HostToWebview, type WebviewToHost } from '../../protocol';
import { computeTabPayload, resolveRange } from './tabPayload';

export const NO_TELEMETRY_TABLES =
  'This database has no telemetry tables yet. Run “Telemetry: Migrate JSONL” (or telemetry-lens migrate) to import your JSONL logs.';

/** Rows per drill-down page. */
export const DRILL_PAGE_SIZE = 100;

export interface DashboardDataSource {
  /** a consistent snapshot of the database (the caller may cache it between requests) */
  snapshot(): Promise<Database>;
  /** the metrics options, with the Claude Code price table (bundled + the user's override file) */
  metricsOptions(): UsageOptions;
  nowSeconds(): number;
}

/**
 * Answers the webview's data requests (requestData, drillDown) with the metrics functions.
 * Nothing from the message reaches SQL except through the metrics layer's own validation:
 * tabs are checked against the known list, drill-down tables and columns by getDrillDownRows.
 * The VS Code panel and the tests' fake host both use this.
 */
export async function answerDataRequest(message: WebviewToHost, source: DashboardDataSource): Promise<HostToWebview | undefined> {
  if (message.type === 'requestData') {
    const { requestId, tab, range } = message;
    try {
      if (!TAB_IDS.includes(tab)) throw new Error(`unknown tab ${String(tab)}`);
      const db = await source.snapshot();
      if (!hasTelemetryTables(db)) throw new Error(NO_TELEMETRY_TABLES);
      const payload = computeTabPayload(db, tab, resolveRange(range, source.nowSeconds()), source.metricsOptions());
      return { type: 'data', requestId, range, payload, span: getEventSpan(db) };
    } catch (e) {
      return { type: 'error', requestId, message: errorText(e) };
    }
  }
  if (message.type === 'drillDown') {
    const { requestId, label, request } = message;
    try {
      const db = await source.snapshot();
      const limit = request.limit ?? DRILL_PAGE_SIZE;
      const result = getDrillDownRows(db, { ...request, limit, timeZone: request.timeZone ?? source.metricsOptions().timeZone });
      return { type: 'rows', requestId, label, result };
    } catch (e) {
      return { type: 'error', requestId, message: errorText(e) };
    }
  }
  return undefined;
}

/**
 * A missing file opens as an empty database: say what to do instead of showing nothing. The
 * rollup tables a metrics read creates in memory on such a snapshot do not count.
 */
export function hasTelemetryTables(db: Database): boolean {
  return db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rollup\\_%' ESCAPE '\\' LIMIT 1`).length > 0;
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
