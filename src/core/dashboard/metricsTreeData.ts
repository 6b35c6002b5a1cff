/**
 * The data behind the Metrics tree, read from one snapshot (in the dashboard data worker, or
 * here): data sources, skills, routing, self-heal, migrations and the Claude Code usage line.
 * Plain data, so it crosses a thread; the extension turns it into nodes
 * (src/extension/tree/metricsTreeModel.ts).
 */
import type { SqlDatabase as Database } from '../db/database';
import { BUNDLED_PRICES, cleanupRisk, usageSummary, type CleanupRisk, type PriceTable, type UsageSummary } from '../claudeCode';
import { getDataSources, getRouting, getSelfHeal, getSkills, type DataSourcesData, type MetricsOptions, type RoutingData, type SelfHealData, type SkillsData, type TimeRange } from '../metrics';
import { migrationStatus, type MigrationStatusRow } from '../schema';

export interface MetricsTreeDataOptions extends MetricsOptions {
  /** Range for skills/routing/self-heal (data sources are always about now). Default all time. */
  range?: TimeRange;
  /** Folder of user migrations (telemetryLens.migrationsFolder). */
  migrationsDir?: string;
  /** Prices of the usage line (default the bundled table). */
  prices?: PriceTable;
  /** Claude Code config folders whose cleanup may delete transcripts not imported yet; absent: no check. */
  cleanupConfigDirs?: string[];
}

export interface MetricsTreeData {
  sources: DataSourcesData;
  skills: SkillsData;
  routing: RoutingData;
  selfHeal: SelfHealData;
  migrations: MigrationStatusRow[];
  /** the zone the usage line counts days in */
  usageTimeZone: string;
  usage: UsageSummary | null;
  cleanup: CleanupRisk | null;
}

export function readMetricsTreeData(db: Database, options: MetricsTreeDataOptions = {}): MetricsTreeData {
  const range = options.range ?? {};
  const usageTimeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  let cleanup: CleanupRisk | null = null;
  if (options.cleanupConfigDirs) {
    try {
      cleanup = cleanupRisk(db, options.cleanupConfigDirs);
    } catch {
      // an unreadable settings file: no warning rather than no tree
      cleanup = null;
    }
  }
  return {
    sources: getDataSources(db, options),
    skills: getSkills(db, range, options),
    routing: getRouting(db, range, options),
    selfHeal: getSelfHeal(db, range, options),
    migrations: migrationStatus(db, { userDir: options.migrationsDir }),
    usageTimeZone,
    usage: usageSummary(db, { tz: usageTimeZone, prices: options.prices ?? BUNDLED_PRICES, nowMs: options.nowSeconds === undefined ? undefined : options.nowSeconds * 1000 }),
    cleanup,
  };
}
