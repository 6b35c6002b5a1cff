import * as fs from 'fs';
import * as path from 'path';
import { globToRegExp } from '../globPattern';
import type { SourceProblem } from './settings';

/**
 * Glob support for `telemetryLens.sources`. The engine takes concrete paths; VS Code's
 * findFiles only searches inside the workspace, and `~/.claude` usually is not, so globs are
 * expanded here with a plain directory walk (patterns: src/core/ingest/globPattern.ts).
 */
export { globToRegExp };

export interface GlobWalkOptions {
  skipDirs?: readonly string[];
  maxDepth?: number;
  /** Stop after this many matches (a runaway `**` under `/` must not hang the window). */
  maxMatches?: number;
}

export interface GlobExpansion {
  /** Matching files and folders (a matching folder is not descended into: the engine scans it). */
  matches: string[];
  /** Folders that could not be read, with the reason. */
  problems: SourceProblem[];
  truncated: boolean;
}

/** All paths below `base` whose forward-slash relative path matches `pattern`. */
export async function expandGlob(base: string, pattern: string, opts: GlobWalkOptions = {}): Promise<GlobExpansion> {
  const matcher = globToRegExp(pattern);
  const skip = new Set(opts.skipDirs ?? ['node_modules', '.git']);
  const maxDepth = pattern.includes('**') ? (opts.maxDepth ?? 8) : pattern.split('/').length;
  const maxMatches = opts.maxMatches ?? 10_000;
  const result: GlobExpansion = { matches: [], problems: [], truncated: false };
  const visited = new Set<string>();

  async function walk(dir: string, rel: string, depth: number): Promise<void> {
    if (result.truncated) return;
    let real: string;
    try {
      real = await fs.promises.realpath(dir);
    } catch (e) {
      result.problems.push({ kind: 'unreadable', path: dir, message: (e as Error).message });
      return;
    }
    if (visited.has(real)) return; // symlink loop
    visited.add(real);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (e) {
      result.problems.push({ kind: 'unreadable', path: dir, message: (e as Error).message });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const child = path.join(dir, entry.name);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) isDir = await fs.promises.stat(child).then((s) => s.isDirectory(), () => false);
      if (matcher.test(childRel)) {
        result.matches.push(child);
        if (result.matches.length >= maxMatches) {
          result.truncated = true;
          return;
        }
        continue;
      }
      if (isDir && !skip.has(entry.name) && depth + 1 < maxDepth) await walk(child, childRel, depth + 1);
    }
  }

  await walk(base, '', 0);
  return result;
}
