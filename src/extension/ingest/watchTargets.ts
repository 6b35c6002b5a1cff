import * as path from 'path';
import type { SourceSpec } from '../../core/ingest/sources/settings';

/** What one file-system watcher observes: the shape of a vscode.RelativePattern. */
export interface WatchTarget {
  base: string;
  pattern: string;
}

/**
 * Everything inside a source folder that can hold telemetry: `*.jsonl`, the known `*.json`
 * documents, and rotated siblings (`x.jsonl.1`). Broad on purpose: a change to an unrelated
 * `.json` costs one cheap run that inserts nothing, a missed change would cost data freshness.
 */
export const FOLDER_PATTERN = '**/*.{jsonl,json,jsonl.*}';

/**
 * Watch targets for live ingest.
 * - chosen files (from "Migrate JSONL"): their folder, the file name and its rotations
 *   (`x.jsonl`, `x.jsonl.1`, `x-2026-01-28.jsonl`), one target per folder;
 * - folders and globs from the setting: the folder recursively, or the glob itself.
 */
export function watchTargetsForFiles(files: readonly string[]): WatchTarget[] {
  const byFolder = new Map<string, Set<string>>();
  for (const file of files) {
    const folder = path.dirname(file);
    const names = byFolder.get(folder) ?? new Set<string>();
    for (const n of rotationPatterns(path.basename(file))) names.add(n);
    byFolder.set(folder, names);
  }
  return [...byFolder].map(([base, names]) => ({ base, pattern: braces([...names]) }));
}

export function watchTargetsForSpecs(specs: readonly SourceSpec[], isFile: (p: string) => boolean): WatchTarget[] {
  const targets: WatchTarget[] = [];
  const files: string[] = [];
  for (const spec of specs) {
    if (spec.kind === 'glob') targets.push({ base: spec.base, pattern: spec.pattern ?? '**' });
    else if (isFile(spec.path)) files.push(spec.path);
    else targets.push({ base: spec.path, pattern: FOLDER_PATTERN });
  }
  return [...targets, ...watchTargetsForFiles(files)];
}

/** `tool-usage.jsonl` → the name, `tool-usage.jsonl.*` and `tool-usage-*.jsonl` (rotations). */
function rotationPatterns(fileName: string): string[] {
  // A chosen file may itself be a rotated copy (`x.jsonl.1`, `x-2026-01-28.jsonl`): watch its stream.
  const name = fileName.replace(/\.\d+$/, '').replace(/-\d{4}-\d{2}-\d{2}(\.[^.]+)$/, '$1');
  const escaped = escapeGlob(name);
  const m = /^(.*)(\.[^.]+)$/.exec(name);
  if (!m) return [escaped, `${escaped}.*`];
  return [escaped, `${escaped}.*`, `${escapeGlob(m[1])}-*${escapeGlob(m[2])}`];
}

function braces(items: string[]): string {
  return items.length === 1 ? items[0] : `{${items.join(',')}}`;
}

/** File names with glob characters must match literally. */
function escapeGlob(name: string): string {
  return name.replace(/[*?[\]{},]/g, (c) => `[${c}]`);
}
