/** Shared text helpers of the audit/migrate/verify commands. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { resolveCommandLinePaths } from '../../core/ingest/sources/enginePaths';
import { UsageError } from '../../core/db/errors';
import { checkZone } from '../../core/formats/timestamps';
import { DEFAULT_EXCLUDES, splitPatternList, type DiscoveryIssue, type RejectSample } from '../../core/ingest';
import { optionString, type ParsedArgs } from '../args';

/** Options every discovering command (audit, migrate, verify) takes for exclude patterns. */
export const EXCLUDE_VALUE_OPTIONS = ['exclude'];
export const EXCLUDE_FLAG_OPTIONS = ['no-default-excludes'];
export const EXCLUDE_USAGE = '[--exclude GLOB,...] [--no-default-excludes]';

/**
 * `--exclude a/**,b` adds patterns to the default excludes (session transcripts, todos, caches…);
 * `--no-default-excludes` drops the defaults.
 */
export function excludeOption(args: ParsedArgs): string[] {
  const base = args.options.has('no-default-excludes') ? [] : [...DEFAULT_EXCLUDES];
  const given = optionString(args, 'exclude');
  return given === undefined ? base : [...base, ...splitPatternList(given)];
}

export function zoneOption(tz: string | undefined): string | undefined {
  if (tz === undefined) return undefined;
  try {
    return checkZone(tz);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * The files/folders to read: at least one, and each must exist — a mistyped path is a usage
 * error naming it, never an empty run that reports "every source is in the database".
 */
/**
 * The files and folders to read, resolved as the extension resolves its sources setting (core
 * source resolution): globs the shell left alone are expanded, following the excludes.
 */
export async function requirePaths(entries: string[], exclude: readonly string[] = DEFAULT_EXCLUDES): Promise<string[]> {
  if (!entries.length) throw new UsageError('give at least one file or folder to read');
  const { paths, problems } = await resolveCommandLinePaths(entries, { home: os.homedir(), workspaceFolders: [process.cwd()], exclude });
  const missing = problems.filter((p) => p.kind === 'not-found' || p.kind === 'no-match');
  if (missing.length) throw new UsageError(`${missing.map((p) => `${p.path}: ${p.kind === 'no-match' ? p.message : 'no such file or folder'}`).join('; ')} — check the path`);
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
