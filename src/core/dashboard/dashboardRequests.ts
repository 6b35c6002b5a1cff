import type { SqlDatabase as Database } from '../db/database';
import { getDrillDownRows, getEventSpan } from '../metrics';
import type { UsageOptions } from '../metrics';
import type { DrillDownRequest, DrillDownResult, TimeRange } from '../metrics/types';
import type { HostToWebview, WebviewToHost } from '../../protocol';
import { computeTabPayload, isDashboardTab, resolveRange, specTab } from './tabPayload';

export const NO_TELEMETRY_TABLES =
  'This database has no telemetry tables yet. Run “Telemetry: Migrate JSONL” (or telemetry-lens migrate) to import your JSONL logs.';

/** Rows per drill-down page. */
export const DRILL_PAGE_SIZE = 100;

export interface DashboardDataSource {
  /**
   * a consistent snapshot of the database (the caller may cache it between requests); `need` says
   * which range the request reads (the team's rollup image copies the rows it reads directly) and
   * `rowTables` the event tables whose rows in that range it reads one by one (a spec tab's)
   */
  snapshot(need?: { range: TimeRange; options: UsageOptions; rowTables?: readonly string[] }): Promise<Database>;
  /** answers a drill-down itself (the team's rollup image: its total counted in PostgreSQL); undefined = from snapshot() */
  drillDown?(request: DrillDownRequest): Promise<DrillDownResult | undefined>;
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
      if (!isDashboardTab(tab)) throw new Error(`unknown tab ${String(tab).slice(0, 40)}`);
      const resolved = resolveRange(range, source.nowSeconds());
      const options = source.metricsOptions();
      const db = await source.snapshot({ range: resolved, options: { ...options, nowSeconds: options.nowSeconds ?? source.nowSeconds() }, rowTables: specTab(tab)?.tables });
      if (!hasTelemetryTables(db)) throw new Error(NO_TELEMETRY_TABLES);
      const payload = computeTabPayload(db, tab, resolved, options);
      return { type: 'data', requestId, range, payload, span: getEventSpan(db) };
    } catch (e) {
      return { type: 'error', requestId, message: errorText(e) };
    }
  }
  if (message.type === 'drillDown') {
    const { requestId, label, request } = message;
    try {
      const limit = request.limit ?? DRILL_PAGE_SIZE;
      const full = { ...request, limit, timeZone: request.timeZone ?? source.metricsOptions().timeZone };
      const result = (await source.drillDown?.(full)) ?? getDrillDownRows(await source.snapshot(), full);
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
