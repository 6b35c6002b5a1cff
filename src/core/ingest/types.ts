import type { FreshnessThresholds } from '../time/freshness';
/** Public types of the ingest engine (discovery, audit, migrate, verify). */
import type { ClaudeCodeImportResult, ClaudeCodeMigrateOptions } from '../claudeCode';

/** How a source file is read. */
export type SourceFormat = 'jsonl' | 'json-document';

/** One file that discovery found and the catalogue classified. */
export interface DiscoveredSource {
  /** Absolute path. */
  path: string;
  /** Catalogue kind (`routing-metrics`, `skill-metrics`, ...) or `inferred`. */
  kind: string;
  /** Target table (quoted when used in SQL; inferred names are already sanitised). */
  table: string;
  format: SourceFormat;
  /** Stream key: folder + file name without rotation suffix (docs/architecture.md row identity). */
  stream: string;
  size: number;
  mtimeMs: number;
  dev: number;
  ino: number;
}

/** Something discovery could not use; reported, never fatal. */
export interface DiscoveryIssue {
  path: string;
  problem: 'not-found' | 'unreadable' | 'symlink-loop' | 'not-a-source' | 'not-imported';
  message: string;
}

export interface DiscoveryResult {
  sources: DiscoveredSource[];
  issues: DiscoveryIssue[];
  /** Unknown `*.jsonl` files a folder scan skipped because an exclude pattern covers them. */
  excludedFiles: number;
}

export interface DiscoverOptions {
  /** Folder names never descended into. Default: node_modules, .git. */
  skipDirs?: string[];
  /** Maximum folder depth below each given folder. Default 8. */
  maxDepth?: number;
  /**
   * Glob patterns of files/folders whose unknown `*.jsonl` files a folder scan does not import
   * (excludes.ts has the rules). Default DEFAULT_EXCLUDES (session transcripts, todos, caches…);
   * [] excludes nothing. Known telemetry file names and explicitly given files are always read.
   */
  exclude?: readonly string[];
  /**
   * Absolute folders not descended into because another source reads them: migrate passes
   * Claude Code's projects folders (thousands of transcript folders, walked once by
   * src/core/claudeCode/discover.ts, which hands back the known telemetry files it met there).
   */
  skipTrees?: ReadonlySet<string>;
}

export type { RejectReason, ValueOptions } from '../formats/types';
import type { RejectReason, ValueOptions } from '../formats/types';

export interface RejectSample {
  path: string;
  /** 1-based line number (element index + 1 for JSON documents). */
  line: number;
  reason: RejectReason;
  /** Human-readable detail (which field, parser message). */
  detail: string;
  /** Raw text, cut at the reject cap. */
  raw: string;
}


export interface IngestProgress {
  phase: 'discover' | 'schema' | 'read' | 'write' | 'rollups' | 'done';
  /** Source being read, when phase = read. */
  path?: string;
  bytesDone: number;
  bytesTotal: number;
  rowsInserted: number;
}

/** Whether audit and verify parse big files on worker threads. */
export interface ParseOptions {
  /**
   * Files of at least this many bytes are parsed on a worker thread. Default: none (all on
   * this thread; the workers measured slower for a read-only comparison, bench ingest-verify).
   */
  workerMinBytes?: number;
  /** Files of at least this many bytes are split over several parse workers. Default 32 MiB. */
  splitMinBytes?: number;
  /** Parse workers for a split read. Default min(2, cores). */
  parseWorkers?: number;
}

export interface AuditOptions extends ValueOptions, DiscoverOptions, ParseOptions {
  /** When given, `newLines` is computed against this database (read-only snapshot). */
  dbPath?: string;
  /** Up to this many reject samples per source. Default 5. */
  sampleRejects?: number;
  /** `now` for live/stale/frozen (ms since epoch). Default Date.now(). */
  nowMs?: number;
  /** Thresholds for live/stale/frozen (the telemetryLens.freshness.* settings). Default DEFAULT_FRESHNESS. */
  freshness?: FreshnessThresholds;
  signal?: AbortSignal;
  /**
   * Progress while reading (phases discover, read, done): bytes read of all sources, and in
   * `rowsInserted` the new rows found so far (an audit inserts nothing).
   */
  onProgress?: (p: IngestProgress) => void;
  /** User migrations folder: the plan's schema steps include its pending migrations. */
  userMigrationsDir?: string;
  /**
   * Read every file in full even where the ledger proves it append-only (the comparison
   * verify makes). Default false: such a file is read from the ledger's offset only.
   */
  fullCompare?: boolean;
}

/** One file of a MigratePlan: as discovery found it, with the ledger state the preview read. */
export interface PlannedSource extends DiscoveredSource {
  /** the ledger entry the preview's plan paired with the file (null: none, or the stream was compared in full) */
  ledger: { entryId: number; byteOffset: number; lineCount: number; mode: 'fast' | 'full' } | null;
}

/**
 * What the Migrate preview saw (audit.ts previewSources), for the import to consume
 * (MigrateOptions.plan): no second discovery, and the schema steps from the preview's snapshot.
 * Plain data: it crosses to the ingest worker as it is.
 */
export interface MigratePlan {
  /** the paths discovery ran on (absolute) */
  paths: string[];
  /** the database the preview compared with (absolute), null without one */
  database: string | null;
  sources: PlannedSource[];
  issues: DiscoveryIssue[];
  excludedFiles: number;
  /** the schema steps the import's write will apply first (empty: current) */
  schemaSteps: string[];
}

/** The one freshness rule of core/time/freshness.ts, with the configured thresholds. */
export type Liveness = 'live' | 'stale' | 'frozen' | 'empty';

export interface AuditSourceReport {
  path: string;
  kind: string;
  table: string;
  size: number;
  lines: number;
  rows: number;
  blank: number;
  rejected: number;
  pending: number;
  /** Rows a migrate run would insert now (all rows when no database was given). */
  newLines: number;
  /** Epoch seconds, null when there are no rows. */
  firstEventTs: number | null;
  lastEventTs: number | null;
  liveness: Liveness;
  sampleRejects: RejectSample[];
}

export interface AuditReport {
  sources: AuditSourceReport[];
  issues: DiscoveryIssue[];
  /** Unknown `*.jsonl` files skipped by the exclude patterns. */
  excludedFiles: number;
}

export interface MigrateOptions extends ValueOptions, DiscoverOptions {
  /** Folder of user migrations (V<n>__x.sql), passed to the schema runner. */
  userMigrationsDir?: string;
  onProgress?: (p: IngestProgress) => void;
  /** Aborting leaves the database exactly as before the run (the write is all-or-nothing). */
  signal?: AbortSignal;
  /** Only these absolute source paths (e.g. the files picked in the QuickPick). */
  only?: string[];
  /**
   * The Migrate preview's plan (previewSources): its sources are imported instead of
   * discovering the paths again. Each is checked at the import (stat): a file that is the
   * same (device, inode) and not shrunk is read as it is now (lines appended since the
   * preview included); a file replaced or shrunk is planned again from its folder; a file
   * gone is reported, the others imported. The ledger decides what is new, as always.
   */
  plan?: MigratePlan;
  /** Raw text kept per reject. Default 4096 characters. */
  rejectRawCap?: number;
  /**
   * Ignore the ledger's offsets and re-read every file in full (restores rows deleted from
   * the database while their source lines still exist; `verify` reports those).
   */
  rescan?: boolean;
  /** Reads of at least this many bytes are parsed on a worker thread. Default 16 MiB. */
  workerMinBytes?: number;
  /** Reads of at least this many bytes are split over several parse workers. Default 32 MiB. */
  splitMinBytes?: number;
  /** Parse workers for a split read. Default min(2, cores). */
  parseWorkers?: number;
  /**
   * Reads of at least this many bytes into a stream-new table that they will mostly fill drop
   * the table's indexes and recreate them after inserting. Default 32 MiB.
   */
  bulkLoadMinBytes?: number;
  /**
   * Claude Code transcripts (docs/claude-code.md) under the given paths are imported into the
   * claude_code_* tables unless this is false; `extraPaths` adds folders (the standard locations).
   */
  claudeCode?: false | ClaudeCodeMigrateOptions;
}

/** Per-source reconciliation (docs/architecture.md `migrate --json`). lines = inserted+present+rejected+blank+pending. */
export interface SourceResult {
  path: string;
  kind: string;
  table: string;
  lines: number;
  inserted: number;
  present: number;
  rejected: number;
  blank: number;
  pending: number;
  /** of `present`: lines whose event a program had already written into the table (dual-write, claimed) */
  dualWritten?: number;
  /** lines that matched several different directly written rows: inserted apart, never merged (line numbers) */
  ambiguousDualWrite?: number[];
}

export interface MigrateResult {
  database: string;
  migrations: { applied: string[]; current: number };
  sources: SourceResult[];
  /** Row count per table that this run's sources feed. */
  tables: Record<string, number>;
  durationMs: number;
  issues: DiscoveryIssue[];
  /** Rejects recorded by this run (first 100), for readable output. */
  rejects: RejectSample[];
  /** Claude Code transcripts read by this run (absent when none were found or the source is off) */
  claudeCode?: ClaudeCodeImportResult;
  /** inferred streams this run promoted to a known source (promote.ts); absent when none */
  promoted?: import('./promote').Promotion[];
}

export interface VerifySourceResult {
  path: string;
  kind: string;
  table: string;
  /** Rows the file holds (parseable lines). */
  rows: number;
  /** Of those, rows the database holds for their stream (by content identity). */
  matched: number;
  /** Rows in the file that the database lacks. */
  missing: number;
  rejected: number;
  ok: boolean;
}

/**
 * A skill_metrics.json `skills` total that disagrees with the database: `database` is the same
 * total over the skill_invocation rows imported from that document's stream (null: none), not
 * over the whole table, which other sources (skill-invocations.jsonl) may also feed.
 */
export interface SkillTotalsMismatch {
  path: string;
  skill: string;
  field: string;
  document: number | null;
  database: number | null;
}

export interface VerifyResult {
  database: string;
  ok: boolean;
  sources: VerifySourceResult[];
  skillTotals: SkillTotalsMismatch[];
  /** per known source: events only in the JSONL, only in the database, in both; field disagreements (docs/writer-contract.md) */
  dualRead?: import('./dualRead').DualReadSource[];
  issues: DiscoveryIssue[];
}

export interface VerifyOptions extends ValueOptions, DiscoverOptions, ParseOptions {
  signal?: AbortSignal;
}
