/**
 * Messages between the extension host and the dashboard webview — the only module the
 * webview imports from src/. One discriminated union each way, request ids for replies,
 * and a `ready` handshake: the host sends nothing until the webview says it is listening.
 *
 * The webview never sends SQL or a schema name: a request names a tab (a group of datasets) and
 * a time range, or a drill-down target (a kind of event and the values a chart showed, or a key
 * the host minted — resolved to a table and columns by metrics/drillTargets.ts); the host calls
 * the metrics functions.
 * The static HTML report answers the very same messages from data inlined in the page.
 */
import type {
  ActivityData,
  EventSpan,
  DataSourcesData,
  DrillDownRequest,
  DrillDownResult,
  DrillDownRow,
  OverviewData,
  RoutingData,
  SelfHealData,
  SessionsData,
  SkillsData,
  UsageData,
} from './core/metrics/types';
import type { SpecTabView } from './core/dashboard/specView';

export type * from './core/metrics/types';
export type * from './core/dashboard/specView';

export const PROTOCOL_VERSION = 1;

export const TAB_IDS = ['overview', 'skills', 'routing', 'selfHeal', 'activity', 'sessions', 'usage'] as const;
export type TabId = (typeof TAB_IDS)[number];

export const TAB_TITLES: Record<TabId, string> = {
  overview: 'Overview',
  skills: 'Skills',
  routing: 'Routing',
  selfHeal: 'Self-heal & Recovery',
  activity: 'Activity',
  sessions: 'Sessions',
  usage: 'Usage',
};

/**
 * A tab the host describes as data (src/core/dashboard/tabs/: a view spec drawn by one generic
 * renderer). Its id and title reach the page in `init` (`InitState.specTabs`), so a new one
 * touches neither this file nor the webview.
 */
export type SpecTabId = string;
export interface SpecTabInfo {
  id: SpecTabId;
  title: string;
}
/** Any tab of the page: a hand-written one (`TAB_IDS`) or a spec tab the host listed. */
export type DashboardTabId = TabId | SpecTabId;

export const RANGE_PRESETS = ['24h', '7d', '30d', 'all', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

/** Length of each rolling preset (host and webview both resolve presets; one table for both). */
export const PRESET_SECONDS = { '24h': 86400, '7d': 7 * 86400, '30d': 30 * 86400 } as const;

/**
 * A time range as the user picked it. `from`/`to` (epoch seconds; `from` inclusive, `to`
 * exclusive) only for `custom`; presets are resolved by the host against its clock.
 */
export interface RangeSelection {
  preset: RangePreset;
  from?: number;
  to?: number;
}

/** What the page can do where it is shown: the live panel, or the static report file. */
export interface DashboardCapabilities {
  /** custom from/to ranges (the report only has the precomputed presets) */
  customRange: boolean;
  /** drill-down rows: from the database, from a sample inlined in the report, or none */
  drillDown: 'full' | 'sample' | 'none';
  /** rows can open their JSONL source in an editor */
  openSource: boolean;
}

/** State the panel restores (webview setState, WebviewPanelSerializer) and the host can preset. */
export interface DashboardViewState {
  tab: DashboardTabId;
  range: RangeSelection;
}

export interface InitState {
  view?: Partial<DashboardViewState>;
  /** where the data comes from, for the header ("~/.telemetry-lens/telemetry.db") */
  databaseLabel: string;
  mode: 'live' | 'report';
  /** report generation time (epoch seconds), for "Generated …" */
  generatedAt?: number;
  /**
   * IANA zone the host counts days in (telemetryLens.timezone, else the host machine's): custom
   * ranges pick days of this zone and times are shown in it. Absent: the browser's zone.
   */
  timeZone?: string;
  capabilities: DashboardCapabilities;
  /** the spec tabs, shown after the hand-written ones (absent: none) */
  specTabs?: SpecTabInfo[];
}

/** Everything one tab shows, exactly as the metrics layer returns it. */
export type TabPayload =
  | { tab: 'overview'; overview: OverviewData; sources: DataSourcesData }
  | { tab: 'skills'; skills: SkillsData }
  | { tab: 'routing'; routing: RoutingData }
  | { tab: 'selfHeal'; selfHeal: SelfHealData }
  | { tab: 'activity'; activity: ActivityData }
  | { tab: 'sessions'; sessions: SessionsData }
  | { tab: 'usage'; usage: UsageData }
  /** every spec tab: `id` says which; `view` is drawn by the one generic renderer */
  | { tab: 'spec'; id: SpecTabId; view: SpecTabView };

/** Dashboard scope: this machine's database, or the team database (docs/team.md). */
export const SCOPE_IDS = ['local', 'team'] as const;
export type ScopeId = (typeof SCOPE_IDS)[number];

/** What the scope bar shows; the host sends it after `init` and after every `setScope`. */
export interface ScopeState {
  /** a team database is configured (telemetryLens.team.database) */
  available: boolean;
  scope: ScopeId;
  /** Team scope: one machine's rows, or null for all machines */
  machine: string | null;
  /** machines the team database holds (names only) */
  machines: string[];
  /** where the shown data comes from (a team URL never carries its password) */
  databaseLabel: string;
  /** why the Team scope could not be read (the page stays on This machine) */
  error?: string;
}

export type WebviewToHost =
  | { type: 'ready'; protocolVersion: number }
  | { type: 'requestData'; requestId: number; tab: DashboardTabId; range: RangeSelection }
  /** `label` is what the user clicked ("Routing accuracy · sonnet"), echoed back with the rows */
  | { type: 'drillDown'; requestId: number; label: string; request: DrillDownRequest }
  | { type: 'openSource'; path: string; line: number }
  /** the scope bar: a scope id and a machine name (null: all), checked by the host against its list */
  | { type: 'setScope'; scope: ScopeId; machine: string | null };

export type HostToWebview =
  | { type: 'init'; protocolVersion: number; state: InitState }
  /** `span`: where the database's events lie (null: none), so an empty range can point at them */
  | { type: 'data'; requestId: number; range: RangeSelection; payload: TabPayload; span?: EventSpan | null }
  /** `sampled`: rows come from the sample inlined in a static report, not a database query */
  | { type: 'rows'; requestId: number; label: string; result: DrillDownResult; sampled?: boolean }
  | { type: 'databaseChanged' }
  | { type: 'showTab'; tab: DashboardTabId }
  | { type: 'scope'; state: ScopeState }
  | { type: 'error'; requestId?: number; message: string };


/** The presets a static report precomputes (custom ranges need a database). */
export const REPORT_PRESETS = ['24h', '7d', '30d', 'all'] as const satisfies readonly RangePreset[];
export type ReportPreset = (typeof REPORT_PRESETS)[number];

/** A table's newest rows, carried by a static report for drill-down. */
export interface ReportSample {
  /** the data source's key in the Overview payload (a `keyed` drill target) */
  drillKey: string;
  /** the column holding the event time (epoch seconds), used to filter by range and day */
  timeColumn: string;
  columns: string[];
  rows: DrillDownRow[];
  /** rows in the table in all */
  total: number;
}

/**
 * Everything a static report's in-page host (webview/reportHost.ts) answers from: inlined in
 * the page as JSON, so the report answers the same messages as the extension host.
 */
export interface ReportData {
  protocolVersion: number;
  init: InitState;
  payloads: Record<ReportPreset, Record<DashboardTabId, TabPayload>>;
  /** sampled rows per event table */
  samples: Record<string, ReportSample>;
  /**
   * Per drill kind, its table and which column each field filters — the host's own map
   * (metrics/drillTargets.ts) inlined as data, so the page's code names no table or column.
   */
  drillTables: Record<string, { table: string; fields: Record<string, string> }>;
  /** the rows each host-minted key of the spec tabs stands for (table and column filters), likewise as data */
  keyedRows?: Record<string, { table: string; filters: Record<string, string | number | null> }>;
  /** where the events lie (sent with every tab, as the live host does) */
  span: EventSpan | null;
}
