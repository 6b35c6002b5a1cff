import * as path from 'path';
import { DEFAULT_EXCLUDES, ExcludeMatcher, excludesFile } from '../excludes';

/**
 * `telemetryLens.exclude` as the engine takes it. The setting is hand-edited: a single string is
 * one pattern, anything else that is not a list of strings means the defaults.
 */
export function excludePatternsFromSetting(value: unknown): string[] {
  if (typeof value === 'string') return value.trim() ? [value.trim()] : [];
  if (!Array.isArray(value)) return [...DEFAULT_EXCLUDES];
  return value.filter((v): v is string => typeof v === 'string' && v.trim() !== '').map((v) => v.trim());
}

/**
 * Glob matches of `telemetryLens.sources` are a pattern, not a file named directly: they follow
 * the same exclude rule as a folder scan (unknown files under an excluded path are dropped).
 * A matched folder is kept: the engine scans it.
 */
export function withoutExcluded(files: readonly string[], patterns: readonly string[]): string[] {
  const isExcluded = excludedFileTest(patterns);
  return files.filter((f) => !isExcluded(f));
}

/**
 * A test for "this file is one a folder scan skips": an unknown `*.jsonl` under an exclude
 * pattern. Live ingest uses it to ignore changes to files no run would read; Claude Code's
 * transcripts are read by the Claude Code source, so with it on live ingest lets their changes
 * through (watchTargets.ts withTranscriptsIncluded).
 */
export function excludedFileTest(patterns: readonly string[]): (file: string) => boolean {
  const matcher = new ExcludeMatcher(patterns);
  if (matcher.isEmpty) return () => false;
  return (f) => excludesFile(path.basename(f), matcher.coversPath(f), f);
}
