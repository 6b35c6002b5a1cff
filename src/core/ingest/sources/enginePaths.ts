import * as fs from 'fs';
import { withoutExcluded } from './excludeSetting';
import { expandGlob } from './globWalk';
import { resolveSourceSettings, type SourceEnvironment, type SourceProblem, type SourceSpec } from './settings';

export interface EnginePaths {
  /** Files and folders to hand to the engine (existing ones only). */
  paths: string[];
  problems: SourceProblem[];
}

/**
 * Turns expanded setting entries into the concrete paths the engine takes: globs are walked,
 * missing entries reported (except missing default folders, which are simply not set up).
 * Glob matches follow `exclude` (telemetryLens.exclude) like a folder scan; none given = no filter.
 * `origin` says where the entries came from, so a message can point the user back to it.
 */
export async function resolveEnginePaths(specs: readonly SourceSpec[], exclude: readonly string[] = [], origin: 'setting' | 'command line' = 'setting'): Promise<EnginePaths> {
  const from = (spec: SourceSpec) => (origin === 'setting' ? ` (from setting entry "${spec.raw}")` : '');
  const paths: string[] = [];
  const problems: SourceProblem[] = [];
  const seen = new Set<string>();
  const add = (p: string) => {
    if (!seen.has(p)) {
      seen.add(p);
      paths.push(p);
    }
  };
  for (const spec of specs) {
    if (spec.kind === 'path') {
      if (fs.existsSync(spec.path)) add(spec.path);
      else if (!spec.isDefault) problems.push({ kind: 'not-found', path: spec.path, message: `not found${from(spec)}` });
      continue;
    }
    if (!fs.existsSync(spec.base)) {
      if (!spec.isDefault) problems.push({ kind: 'not-found', path: spec.base, message: `folder not found${from(spec)}` });
      continue;
    }
    const expansion = await expandGlob(spec.base, spec.pattern ?? '**');
    for (const m of withoutExcluded(expansion.matches, exclude)) add(m);
    problems.push(...expansion.problems);
    if (expansion.matches.length === 0) problems.push({ kind: 'no-match', path: spec.path, message: `no file matches "${spec.raw}"` });
    if (expansion.truncated) problems.push({ kind: 'truncated', path: spec.path, message: `"${spec.raw}" matches too many paths; only the first ${expansion.matches.length} are used` });
  }
  return { paths, problems };
}

/**
 * Paths given on the command line, resolved like the sources setting: a plain path is taken as
 * given (a missing one is a problem), a glob the shell left alone (quoted, or matching nothing
 * there) is walked from `cwd` and follows `exclude` like a folder scan. One resolution for the
 * CLI and the extension.
 */
export async function resolveCommandLinePaths(entries: readonly string[], env: SourceEnvironment & { exclude?: readonly string[] }): Promise<EnginePaths> {
  return resolveEnginePaths(resolveSourceSettings(entries, env), env.exclude ?? [], 'command line');
}
