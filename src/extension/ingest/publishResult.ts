import type { ExtensionServices } from '../services';
import { liveIngestLogLine, statusBarIngestSummary } from './messages';
import { totalsOf, type IngestView } from './viewModel';

/**
 * After any ingest (manual or live): log it, show it in the status bar, and tell the views
 * when something changed. One function so both paths report the same way.
 */
export function publishIngestResult(services: ExtensionServices, view: IngestView, origin: 'live' | 'manual'): void {
  if (view.cancelled) return;
  services.log.info(liveIngestLogLine(view, origin));
  if (view.migrationsApplied.length > 0) services.log.info(`schema migrations applied: ${view.migrationsApplied.join(', ')}`);
  for (const f of view.files) {
    if (f.rejected > 0) services.log.warn(`${f.path}: ${f.rejected} rejected line(s) — "Telemetry: Show Rejected Lines" lists them`);
  }
  reportToStatusBar(services, view, origin);
  const t = totalsOf(view);
  if (t.inserted > 0 || t.rejected > 0 || view.migrationsApplied.length > 0) services.fireDatabaseChanged();
}

function reportToStatusBar(services: ExtensionServices, view: IngestView, origin: 'live' | 'manual'): void {
  services.statusBar.setLastIngest(statusBarIngestSummary(view, origin));
}

/** Runs an ingest with the status bar showing it; a failure stays visible there too. */
export async function withStatusBarActivity<T>(services: ExtensionServices, what: string, work: () => Promise<T>): Promise<T> {
  services.statusBar.setActivity({ kind: 'busy', what });
  try {
    const result = await work();
    services.statusBar.setActivity({ kind: 'idle' });
    return result;
  } catch (e) {
    services.statusBar.setActivity({ kind: 'error', what: `${what} failed: ${e instanceof Error ? e.message : String(e)}` });
    throw e;
  }
}
