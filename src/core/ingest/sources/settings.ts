import * as path from 'path';

/**
 * One entry of `telemetryLens.sources` after expansion: a concrete file or folder, or a glob
 * split into the folder it starts from and the pattern below it (the shape of a
 * vscode.RelativePattern, and of a directory walk).
 */
export interface SourceSpec {
  /** The setting entry as the user wrote it. */
  raw: string;
  /** Absolute path; for a glob the whole absolute pattern. */
  path: string;
  kind: 'path' | 'glob';
  /** The deepest folder without glob characters (the path itself for kind 'path'). */
  base: string;
  /** Forward-slash pattern relative to `base` (globs only). */
  pattern?: string;
  /** Came from the built-in default (a missing default folder is normal, not a problem). */
  isDefault: boolean;
}

export interface SourceEnvironment {
  home: string;
  /** Absolute paths of the open workspace folders, in order. */
  workspaceFolders: readonly string[];
}

/** A file or folder discovery could not use (unreadable, symlink loop, not found, ...). */
export interface SourceProblem {
  /** what went wrong, for callers that act on it (the CLI refuses a missing path, goes on past an unreadable folder) */
  kind: 'not-found' | 'no-match' | 'unreadable' | 'truncated';
  path: string;
  message: string;
}

const GLOB_CHARS = /[*?[\]{}]/;

/** The default when the setting is empty: `~/.claude` plus each workspace folder's `.claude`. */
export function defaultSourceEntries(env: SourceEnvironment): string[] {
  return ['~/.claude', ...env.workspaceFolders.map((f) => path.join(f, '.claude'))];
}

/**
 * Expands the `telemetryLens.sources` setting into concrete source specs.
 * - `~`, `${userHome}` → home; `${workspaceFolder}` → once per open workspace folder (an entry
 *   using it is skipped when no folder is open, rather than guessing the process's cwd);
 * - a relative entry is taken relative to each workspace folder (skipped when none is open);
 * - duplicates (same absolute path) are dropped, first one wins.
 */
export function resolveSourceSettings(entries: readonly string[] | string | undefined, env: SourceEnvironment): SourceSpec[] {
  // settings.json is hand-edited: a single string instead of a list is taken as one entry.
  const list0: readonly unknown[] = Array.isArray(entries) ? entries : typeof entries === 'string' ? [entries] : [];
  const raws = list0.map((e) => (typeof e === 'string' ? e.trim() : '')).filter((e) => e !== '');
  const isDefault = raws.length === 0;
  const list = isDefault ? defaultSourceEntries(env) : raws;
  const seen = new Set<string>();
  const specs: SourceSpec[] = [];
  for (const raw of list) {
    for (const abs of expandEntry(raw, env)) {
      const key = normaliseKey(abs);
      if (seen.has(key)) continue;
      seen.add(key);
      specs.push(toSpec(raw, abs, isDefault));
    }
  }
  return specs;
}

function expandEntry(raw: string, env: SourceEnvironment): string[] {
  let p = raw;
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = env.home + p.slice(1);
  p = p.replace(/\$\{userHome\}/g, env.home);
  const usesFolder = p.includes('${workspaceFolder}');
  if (usesFolder || !path.isAbsolute(p)) {
    return env.workspaceFolders.map((folder) =>
      path.resolve(folder, usesFolder ? p.replace(/\$\{workspaceFolder\}/g, folder) : p),
    );
  }
  return [path.resolve(p)];
}

function toSpec(raw: string, abs: string, isDefault: boolean): SourceSpec {
  const segments = abs.split(/[\\/]/);
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  if (firstGlob < 0) return { raw, path: abs, kind: 'path', base: abs, isDefault };
  const base = segments.slice(0, firstGlob).join(path.sep) || path.sep;
  return { raw, path: abs, kind: 'glob', base, pattern: segments.slice(firstGlob).join('/'), isDefault };
}

function normaliseKey(p: string): string {
  return process.platform === 'win32' || process.platform === 'darwin' ? p.toLowerCase() : p;
}
