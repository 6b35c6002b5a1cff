/**
 * Appends complete, valid lines to a source the way a hook does (one write per line), for
 * live-ingest tests: `appendTelemetryLines(file, 'tool-usage', 5, { seed, now })` returns the
 * number of rows the importer must add. Kinds are the keys of `RECORD_BUILDERS`.
 */
import * as fs from 'node:fs';
import { Prng } from './prng';
import * as r from './records';

export const RECORD_BUILDERS: Record<string, r.RecordBuilder> = {
  'routing-metrics': r.routingMetrics,
  'self-heal-outcomes': r.selfHeal,
  'recovery-outcomes': r.recovery,
  'git-activity': r.gitActivity,
  'coordination-log': r.coordination,
  'expertise-routing': r.expertiseRouting,
  'tool-usage': r.toolUsage,
  'tool-success': r.toolSuccess,
  'activity-events': r.activity,
  'session-outcomes': r.sessionOutcomes,
  'skill-invocations': r.skillInvocationLine,
  inferred: r.permissionEvent,
};

export function appendTelemetryLines(file: string, kind: string, count: number, opts: { seed?: number; now?: number } = {}): number {
  const build = RECORD_BUILDERS[kind];
  if (!build) throw new Error(`unknown sample kind '${kind}' (known: ${Object.keys(RECORD_BUILDERS).join(', ')})`);
  const rng = new Prng(opts.seed ?? 4242);
  const now = opts.now ?? Date.now();
  for (let i = 0; i < count; i++) {
    // a fresh session id per line keeps appended events distinct from earlier ones
    fs.appendFileSync(file, JSON.stringify(build(rng, now - (count - i) * 1000, i)) + '\n');
  }
  return count;
}
