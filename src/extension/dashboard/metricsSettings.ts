import { BUNDLED_PRICES, loadPrices, type PriceTable } from '../../core/claudeCode/prices';
import { resolveTimeZone, type FreshnessThresholds } from '../../core/metrics';
import type { ExtensionServices } from '../services';

/**
 * The settings the metrics read (same as the Metrics tree): zone for days, freshness thresholds,
 * and the Claude Code prices of the Usage tab (bundled + the user's override file).
 */
export function metricsSettings(services: ExtensionServices): { timeZone?: string; freshness: FreshnessThresholds; prices: PriceTable } {
  let timeZone: string | undefined;
  try {
    timeZone = resolveTimeZone(services.config.timezone());
  } catch {
    // an unknown zone: the machine's zone (the tree logs the warning once)
    timeZone = undefined;
  }
  let prices = BUNDLED_PRICES;
  try {
    prices = loadPrices();
  } catch {
    // a malformed override file: the bundled table (the tree logs the warning)
  }
  return { timeZone, freshness: services.config.freshness(), prices };
}
