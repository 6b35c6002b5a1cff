/**
 * The one freshness rule: whether a data source is live, stale or frozen from the age of its
 * newest event (whoever wrote it). The Migrate preview (audit), the Metrics tree, the dashboard
 * and the report all use it, with the thresholds of the telemetryLens.freshness.* settings.
 */
export type FreshnessStatus = 'live' | 'stale' | 'frozen' | 'empty';

export interface FreshnessThresholds {
  /** Last event at most this old → live. */
  liveWithinSeconds: number;
  /** Last event at most this old (and not live) → stale; older → frozen. */
  staleWithinSeconds: number;
}

/** Defaults of the telemetryLens.freshness.* settings: live within 24 hours, stale within 7 days. */
export const DEFAULT_FRESHNESS: FreshnessThresholds = { liveWithinSeconds: 24 * 3600, staleWithinSeconds: 7 * 24 * 3600 };

/** Status of a source with `rows` events whose newest is `ageSeconds` old (null: no time). */
export function freshnessStatus(rows: number, ageSeconds: number | null, t: FreshnessThresholds = DEFAULT_FRESHNESS): FreshnessStatus {
  if (rows === 0 || ageSeconds === null) return rows === 0 ? 'empty' : 'frozen';
  if (ageSeconds <= t.liveWithinSeconds) return 'live';
  if (ageSeconds <= t.staleWithinSeconds) return 'stale';
  return 'frozen';
}

/** Thresholds from the settings' units (hours, days); out-of-range values fall back to the defaults. */
export function freshnessFromHoursDays(liveWithinHours: unknown, staleWithinDays: unknown): FreshnessThresholds {
  const hours = Number(liveWithinHours);
  const days = Number(staleWithinDays);
  const live = Number.isFinite(hours) && hours > 0 ? hours * 3600 : DEFAULT_FRESHNESS.liveWithinSeconds;
  const stale = Number.isFinite(days) && days > 0 ? days * 86400 : DEFAULT_FRESHNESS.staleWithinSeconds;
  return { liveWithinSeconds: live, staleWithinSeconds: Math.max(live, stale) };
}
