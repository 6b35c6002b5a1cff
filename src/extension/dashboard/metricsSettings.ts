import { resolveTimeZone, type FreshnessThresholds } from '../../core/metrics';
import type { ExtensionServices } from '../services';

/** The settings the metrics read (same as the Metrics tree): zone for days, freshness thresholds. */
export function metricsSettings(services: ExtensionServices): { timeZone?: string; freshness: FreshnessThresholds } {
  let timeZone: string | undefined;
  try {
    timeZone = resolveTimeZone(services.config.timezone());
  } catch {
    // an unknown zone: the machine's zone (the tree logs the warning once)
    timeZone = undefined;
  }
  return { timeZone, freshness: services.config.freshness() };
}
