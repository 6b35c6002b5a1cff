/** Shared text helpers of the audit/migrate/verify commands. */
import { UsageError } from '../../core/db/errors';
import { checkZone } from '../../core/ingest/timestamps';
import type { DiscoveryIssue, RejectSample } from '../../core/ingest';

export function zoneOption(tz: string | undefined): string | undefined {
  if (tz === undefined) return undefined;
  try {
    return checkZone(tz);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

export function requirePaths(paths: string[]): string[] {
  if (!paths.length) throw new UsageError('give at least one file or folder to read');
  return paths;
}

export function isoOrDash(ts: number | null): string {
  return ts === null ? '-' : new Date(ts * 1000).toISOString().replace('.000Z', 'Z');
}

/** Fixed-width table of rows (first row = header). */
export function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

export function rejectLines(rejects: RejectSample[]): string[] {
  return rejects.map((r) => `  ${r.path}:${r.line}: ${r.reason} (${r.detail})${r.raw ? ` ${JSON.stringify(r.raw.slice(0, 80))}` : ''}`);
}

export function issueLines(issues: DiscoveryIssue[]): string[] {
  return issues.map((i) => `  ${i.problem}: ${i.message}`);
}
