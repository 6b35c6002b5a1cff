/**
 * Every dataset the tree and the dashboard show. Pure declarations (no imports) so the
 * webview can take them through src/protocol.ts.
 *
 * Conventions:
 * - Timestamps are epoch seconds (UTC), named `...At`.
 * - Rates are percentages 0–100 named `...Percent`; `null` when there is nothing to divide by.
 * - Durations carry their unit in the name (`...Seconds`, `...Ms`); `null` when no value exists.
 * - Days are `DayKey` strings 'YYYY-MM-DD' in the requested time zone, ascending, only days
 *   with data are listed.
 * - Time series ("per day" lists, entries are `SeriesPoint`s) are daily by default; with
 *   `seriesBucket: 'auto'` a range of at most 48 h gives hourly points instead (each with its
 *   `startAt`), and every dataset says which in `bucket`.
 * - Percentiles are nearest-rank (the smallest value with at least p% of values ≤ it), read
 *   from value histograms with 175 log-spaced buckets per decade, so a percentile is within 1%
 *   of the exact one (exact for values with two significant digits).
 */

/** Epoch seconds; `from` inclusive, `to` exclusive; a missing bound is open (all data). */
export interface TimeRange {
  from?: number;
  to?: number;
}

/** 'YYYY-MM-DD' in the requested time zone. */
export type { DayKey } from '../time/dayBuckets';
import type { DayKey } from '../time/dayBuckets';

export interface MetricsOptions {
  /** IANA zone for day bucketing (e.g. 'Europe/Berlin', 'Asia/Kolkata'); default the machine's zone. DST and :30/:45 offsets are exact. */
  timeZone?: string;
  /** "Now" for freshness status (epoch seconds); default the clock. */
  nowSeconds?: number;
  /** Freshness thresholds for data-source status; default DEFAULT_FRESHNESS in index.ts. */
  freshness?: FreshnessThresholds;
  /**
   * Grain of the time series: 'day' (default), or 'auto' = hourly for a range with a `from` of
   * at most HOURLY_SERIES_MAX_SECONDS (48 h; an open `to` ends at `nowSeconds`), daily otherwise.
   */
  seriesBucket?: 'day' | 'auto';
}

/** Grain of a dataset's time series: local days of the zone, or hours. */
export type TimeBucket = 'hour' | 'day';

/**
 * One point of a time series. `day` is the local day of the point (of the hour's start for
 * hourly series); `startAt` is the hour's start (epoch seconds), set only when hourly. In zones
 * with a :30/:45 offset an hour is a local hour (e.g. 10:30–11:30 UTC in India).
 */
export interface SeriesPoint {
  day: DayKey;
  startAt?: number;
}

/** The range a dataset was computed for, echoed back so the view can label it. */
/** Epoch seconds of the first and the newest event of the whole database. */
export interface EventSpan {
  first: number;
  last: number;
}

export interface ResolvedRange {
  fromSeconds: number | null;
  toSeconds: number | null;
  timeZone: string;
}

/** Dashboard tabs; also the argument of telemetryLens.openDashboard from tree menus. */
export type DashboardSection = 'overview' | 'skills' | 'routing' | 'selfHeal' | 'activity' | 'sessions' | 'usage' | 'sources';

export interface DayCount extends SeriesPoint {
  count: number;
}

// ---------------------------------------------------------------- data sources

export type { FreshnessStatus, FreshnessThresholds } from '../time/freshness';
import type { FreshnessStatus, FreshnessThresholds } from '../time/freshness';

export interface DataSourceRow {
  /** Event table name (known or inferred). */
  table: string;
  /** True for the 10 tables of telemetry-formats.md. */
  knownFormat: boolean;
  rows: number;
  firstEventAt: number | null;
  lastEventAt: number | null;
  /** nowSeconds − lastEventAt; null when the table is empty or has no timestamp. */
  ageSeconds: number | null;
  status: FreshnessStatus;
  /** Who writes the table (docs/writer-contract.md); absent when neither imported nor written directly. */
  writerMode?: 'jsonl-only' | 'dual-write' | 'database-native';
  /** dual-write: share of directly written rows whose JSONL copy was claimed (as of the last import). */
  writerAgreementPercent?: number | null;
  /** e.g. "dual-write 100%", "JSONL only", "database-native" */
  writerModeText?: string;
  /** host-minted key for this table's newest rows (a `keyed` drill target) */
  drillKey: string;
}

export interface DataSourcesSummary {
  total: number;
  live: number;
  stale: number;
  frozen: number;
  empty: number;
  /** e.g. "5 of 10 sources live, 0 stale, 5 frozen" (", 2 empty" appended when any). */
  text: string;
}

export interface DataSourcesData {
  sources: DataSourceRow[];
  summary: DataSourcesSummary;
  thresholds: FreshnessThresholds;
  nowSeconds: number;
}

// ---------------------------------------------------------------- overview

export interface OverviewData {
  range: ResolvedRange;
  /** Grain of every time series in this dataset. */
  bucket: TimeBucket;
  /** Events of every event table in range (skill invocations counted at invoked_at). */
  totalEvents: number;
  eventsPerDay: DayCount[];
  skills: {
    invocations: number;
    completed: number;
    completionRatePercent: number | null;
    durationP95Seconds: number | null;
  };
  routing: {
    decisions: number;
    /** Decisions with a known correct/incorrect verdict. */
    evaluated: number;
    correct: number;
    accuracyPercent: number | null;
    costSavedUsd: number;
    latencyP95Ms: number | null;
  };
  selfHeal: { attempts: number; successes: number; successRatePercent: number | null };
  recovery: { attempts: number; successes: number; successRatePercent: number | null };
  tools: { calls: number; successes: number; successRatePercent: number | null };
  sessions: { analyses: number; avgQuality: number | null; successRatePercent: number | null };
  sources: DataSourcesSummary;
}

// ---------------------------------------------------------------- skills

export interface SkillRow {
  skillName: string;
  invocations: number;
  completed: number;
  /** invocations − completed. */
  abandoned: number;
  completionRatePercent: number | null;
  /** Over completed invocations with a duration. */
  durationAvgSeconds: number | null;
  durationP50Seconds: number | null;
  durationP95Seconds: number | null;
  durationP99Seconds: number | null;
  lastInvokedAt: number | null;
}

export interface SkillsData {
  range: ResolvedRange;
  /** `Skill` tool calls from Claude Code's transcripts with the skill tracker's rows, each once (absent without V5) */
  claudeCode?: ReconciledCalls;
  /** Grain of every time series in this dataset. */
  bucket: TimeBucket;
  totals: Omit<SkillRow, 'skillName'>;
  /** Most invoked first. */
  skills: SkillRow[];
  /** Invocations that recorded an error_type, by error_type; most frequent first (at most 20). */
  topErrorTypes: { errorType: string; count: number }[];
  /** workflowPath null = not recorded. Most invoked first. */
  workflowPaths: { workflowPath: string | null; invocations: number; completed: number }[];
  /** Each element of follow_up_actions counted once per invocation; most frequent first. */
  followUpActions: { action: string; count: number }[];
  timeline: (SeriesPoint & { invocations: number; completed: number; abandoned: number })[];
  /** Per session (invocations with a session_id); most invocations first, at most 50. */
  sessions: { sessionId: string; invocations: number; completed: number; distinctSkills: number; lastInvokedAt: number }[];
}

// ---------------------------------------------------------------- routing

export interface RoutingModelRow {
  /** The predicted (routed-to) model. */
  model: string;
  decisions: number;
  evaluated: number;
  correct: number;
  accuracyPercent: number | null;
  dqAvg: number | null;
  latencyP95Ms: number | null;
  costSavedUsd: number;
}

export interface RoutingData {
  range: ResolvedRange;
  /** the model each routed response really used, from Claude Code's transcripts (absent without V5 or router rows) */
  claudeCode?: ClaudeCodeRoutingData;
  /** Grain of every time series in this dataset. */
  bucket: TimeBucket;
  totals: {
    decisions: number;
    evaluated: number;
    correct: number;
    accuracyPercent: number | null;
    dqAvg: number | null;
    costSavedUsd: number;
    latencyAvgMs: number | null;
    latencyP50Ms: number | null;
    latencyP95Ms: number | null;
    latencyP99Ms: number | null;
  };
  /** Most decisions first. */
  perModel: RoutingModelRow[];
  perDay: (SeriesPoint & { decisions: number; evaluated: number; correct: number; accuracyPercent: number | null })[];
  /**
   * Decisions with both predicted and actual model known. `counts[i][j]` = predicted
   * `models[i]`, actual `models[j]`; `models` sorted by name, the union of both axes.
   */
  confusion: { models: string[]; counts: number[][] };
  /** Ten buckets [0,0.1) … [0.9,1.0]; values outside 0..1 are clamped into the end buckets. */
  dqDistribution: { fromScore: number; toScore: number; count: number }[];
  costSavedPerDay: (SeriesPoint & { costSavedUsd: number; cumulativeCostSavedUsd: number })[];
  /** expertise_routing_events by domain; most routings first. */
  expertiseDomains: {
    domain: string;
    routings: number;
    expertiseLevelAvg: number | null;
    queryComplexityAvg: number | null;
    chosenModels: { model: string | null; count: number }[];
  }[];
}

// ---------------------------------------------------------------- self-heal & recovery

export interface RecentFailure {
  kind: 'selfHeal' | 'recovery';
  at: number;
  /** error_pattern (self-heal) or error_type (recovery). */
  errorKind: string;
  /** fix_applied (self-heal) or recovery_strategy (recovery). */
  action: string | null;
  /** error_message (self-heal) or error_details (recovery). */
  message: string | null;
  source: RowSource;
}

export interface SelfHealData {
  range: ResolvedRange;
  /** Grain of every time series in this dataset. */
  bucket: TimeBucket;
  selfHeal: {
    attempts: number;
    successes: number;
    successRatePercent: number | null;
    executionAvgMs: number | null;
    executionP95Ms: number | null;
  };
  recovery: {
    attempts: number;
    successes: number;
    successRatePercent: number | null;
    attemptsAvg: number | null;
    timeToRecoverAvgMs: number | null;
    timeToRecoverP50Ms: number | null;
    timeToRecoverP95Ms: number | null;
  };
  perDay: (SeriesPoint & {
    selfHealAttempts: number;
    selfHealSuccesses: number;
    selfHealSuccessRatePercent: number | null;
    recoveryAttempts: number;
    recoverySuccesses: number;
    recoverySuccessRatePercent: number | null;
    /** mean execution_time_ms of the bucket's self-heal attempts that have one */
    selfHealExecutionAvgMs: number | null;
    /** mean time_to_recover_ms of the bucket's recoveries that have one */
    recoveryTimeToRecoverAvgMs: number | null;
  })[];
  /** Most attempts first. */
  byErrorPattern: { errorPattern: string; attempts: number; successes: number; successRatePercent: number | null; executionAvgMs: number | null }[];
  /** Recovery by error category (error_type); most attempts first. */
  byRecoveryCategory: {
    errorType: string;
    attempts: number;
    successes: number;
    successRatePercent: number | null;
    timeToRecoverAvgMs: number | null;
    timeToRecoverP95Ms: number | null;
  }[];
  byRecoveryStrategy: { strategy: string | null; attempts: number; successes: number; successRatePercent: number | null }[];
  /** Recovery `auto` flag (kept in `extra`); 'unknown' when the record had none. */
  autoVsManual: { mode: 'auto' | 'manual' | 'unknown'; attempts: number; successes: number; successRatePercent: number | null }[];
  /** Newest first, at most 20, both tables merged. */
  recentFailures: RecentFailure[];
}

// ---------------------------------------------------------------- activity

export interface ActivityData {
  range: ResolvedRange;
  /** tool calls from Claude Code's transcripts with the post-tool hook's rows, each once (absent without V5) */
  claudeCode?: ReconciledCalls;
  /** Grain of every time series in this dataset. */
  bucket: TimeBucket;
  /** Most calls first. successRatePercent over calls with a known success flag. */
  tools: { tool: string; calls: number; successes: number; failures: number; successRatePercent: number | null }[];
  /** One row per day and tool (pivot for a stacked chart). */
  toolCallsPerDay: (SeriesPoint & { tool: string; calls: number; successes: number; failures: number })[];
  /** Most commits first; repo null = not recorded. */
  gitByRepo: { repo: string | null; commits: number; additions: number; deletions: number; filesChanged: number }[];
  gitPerDay: (SeriesPoint & { repo: string | null; commits: number; additions: number; deletions: number })[];
  coordinator: {
    runs: number;
    /** action/status column; most runs first. */
    byStatus: { status: string; runs: number; durationAvgMs: number | null }[];
    byStrategy: { strategy: string | null; runs: number; durationAvgMs: number | null }[];
    perDay: DayCount[];
  };
  /** activity_events by event_type; most first. */
  activityEvents: { eventType: string; count: number }[];
}

// ---------------------------------------------------------------- sessions

export interface SessionsData {
  range: ResolvedRange;
  /** Grain of every time series in this dataset. */
  bucket: TimeBucket;
  totals: { analyses: number; avgQuality: number | null; successRatePercent: number | null; costUsd: number };
  /** outcome null = not recorded; most first. */
  outcomes: { outcome: string | null; count: number }[];
  perDay: (SeriesPoint & { analyses: number; avgQuality: number | null; successRatePercent: number | null })[];
  outcomesPerDay: (SeriesPoint & { outcome: string | null; count: number })[];
}

// ---------------------------------------------------------------- drill-down

/** Where a row came from: open `path` at `line` (1-based). Both null for rows without provenance. */
export interface RowSource {
  table: string;
  id: number;
  path: string | null;
  line: number | null;
}

/**
 * What a drill-down asks for, in the dashboard's words: a kind of event and the values the
 * chart or table showed (undefined: any; null: not recorded). The host maps each kind to its
 * event table and columns (metrics/drillTargets.ts), so the page never names a table or column.
 * `keyed` carries a key the host minted in a payload (a data source's newest rows; Claude Code's
 * sessions, tools and models) and the page hands back unread.
 */
export type RowsTarget =
  | { kind: 'routing'; predictedModel?: string | null; actualModel?: string | null }
  | { kind: 'expertiseRouting'; domain?: string | null }
  | { kind: 'selfHeal'; errorPattern?: string | null; fixed?: boolean }
  | { kind: 'recovery'; errorType?: string | null; strategy?: string | null; recovered?: boolean }
  | { kind: 'skills'; skill?: string | null; completed?: boolean; errorType?: string | null; workflow?: string | null; session?: string | null }
  | { kind: 'sessions'; outcome?: string | null }
  | { kind: 'toolCalls'; tool?: string | null; success?: boolean | null }
  | { kind: 'git'; repo?: string | null }
  | { kind: 'coordinator' }
  | { kind: 'activity'; eventType?: string | null }
  | { kind: 'keyed'; key: string };

export type RowsKind = RowsTarget['kind'];

/** The part of a drill-down request both the dashboard and the host's own callers share. */
export interface DrillWindow {
  range: TimeRange;
  /** Narrow to one day of `timeZone` (intersected with range). */
  day?: DayKey;
  timeZone?: string;
  /** Default 100, at most 1000. */
  limit?: number;
  offset?: number;
}

/** A drill-down from the dashboard: what to list, and where in time. */
export interface DrillDownRequest extends DrillWindow {
  target: RowsTarget;
}

/**
 * The host's own row listing (Show Rows, the report's samples): an event table by name and
 * column = value filters (null matches NULL), both checked against the database. Never built
 * from a webview message.
 */
export interface TableRowsRequest extends DrillWindow {
  table: string;
  filters?: Record<string, string | number | null>;
}

export interface DrillDownRow {
  /** Data columns of the row (not provenance/identity columns). */
  values: Record<string, string | number | null>;
  source: RowSource;
}

export interface DrillDownResult {
  table: string;
  /** Column order for a table view. */
  columns: string[];
  /** Newest first. */
  rows: DrillDownRow[];
  /** Matching rows in total (for paging). */
  total: number;
  limit: number;
  offset: number;
}

// ---------------------------------------------------------------- Claude Code usage (Usage tab)

export interface UsageTokens {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWrite5mTokens: number;
  cacheWrite1hTokens: number;
  totalTokens: number;
  /** USD of the priced models; null when none of them has a price ("no price", never $0) */
  costUsd: number | null;
}

export interface UsageDayModel extends SeriesPoint, UsageTokens {
  model: string;
}

export interface UsageModelRow extends UsageTokens {
  model: string;
  responses: number;
  /** false: no price for this model (its cost is null) */
  priced: boolean;
  /** the model's responses (opaque, minted by the host) */
  drillKey: string;
}

export interface UsageProjectRow extends UsageTokens {
  project: string | null;
  sessions: number;
}

export interface UsageSessionRow extends UsageTokens {
  sessionId: string;
  project: string | null;
  firstAt: number | null;
  lastAt: number | null;
  durationSeconds: number | null;
  toolCalls: number;
  toolErrors: number;
  /** the session's tool calls (opaque, minted by the host) */
  drillKey: string;
}

export interface UsageToolRow {
  tool: string;
  calls: number;
  errors: number;
  errorRatePercent: number | null;
  avgDurationMs: number | null;
  drillKey: string;
}

export interface UsageBlockSummary {
  startAt: number;
  endAt: number;
  totalTokens: number;
  costUsd: number | null;
  tokensPerMinute: number;
  /** where the block ends at the current rate: an estimate */
  projectedTokens: number;
  projectedCostUsd: number | null;
}

export interface UsageData {
  range: ResolvedRange;
  bucket: TimeBucket;
  totals: UsageTokens & {
    responses: number;
    sessions: number;
    toolCalls: number;
    toolErrors: number;
    /** cache reads / (cache reads + cache writes + uncached input) */
    cacheHitPercent: number | null;
  };
  /** models in the range without a price, and the warnings naming them */
  unpricedModels: string[];
  warnings: string[];
  prices: { asOf: string; source: string };
  perDay: UsageDayModel[];
  models: UsageModelRow[];
  projects: UsageProjectRow[];
  /** most recent first, at most USAGE_SESSIONS_SHOWN */
  sessions: UsageSessionRow[];
  tools: UsageToolRow[];
  /** the 5-hour block in progress (null when none is) */
  activeBlock: UsageBlockSummary | null;
}

// ---------------------------------------------------------------- Claude Code calls in the other tabs

/** How many calls each source logged: only the transcript, only a hook, or both (shown once). */
export interface CallSourceCounts {
  calls: number;
  transcript: number;
  hook: number;
  both: number;
}

/** Calls per tool (or skill), each counted once whichever sources logged it. */
export interface ReconciledCalls {
  rows: (CallSourceCounts & { name: string; errors: number; errorRatePercent: number | null })[];
  totals: CallSourceCounts;
}

/** The router's predictions beside the model the routed response really used (transcripts). */
export interface ClaudeCodeRoutingData {
  decisions: number;
  /** decisions followed by a main-chain response within `windowSeconds` */
  matched: number;
  agreed: number;
  agreementPercent: number | null;
  pairs: { predicted: string; used: string | null; count: number; agrees: boolean | null }[];
  windowSeconds: number;
}
