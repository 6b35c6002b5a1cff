/**
 * Which files a folder scan must not turn into inferred tables. A real `~/.claude` holds Claude
 * Code's own data beside the hooks' telemetry: session transcripts (`projects/<project>/<uuid>.jsonl`,
 * huge, not telemetry), todos, shell snapshots, caches. Rules:
 * - a file whose name the catalogue knows (routing-metrics.jsonl, …) is telemetry wherever it is:
 *   exclude patterns never apply to it;
 * - a file given explicitly is always read; a folder given explicitly lifts the folder patterns
 *   that cover it (file-name patterns such as the UUID one still apply inside);
 * - otherwise a `*.jsonl` file is skipped when a pattern matches it or one of its folders.
 * Patterns are globs (globPattern.ts) matched against absolute forward-slash paths; one without a
 * leading `/`, `~/` or `**` matches at any depth (`archive` = any file or folder named archive).
 */
import * as os from 'os';
import * as path from 'path';
import { fitsShape, isCandidateFileName, knownSourceFor } from '../formats/catalogue';
import { firstRecord } from './streamKinds';
import { globToRegExp } from './globPattern';

/** The default exclude list (also the default of the `telemetryLens.exclude` setting). */
export const DEFAULT_EXCLUDES: readonly string[] = [
  '**/.claude/projects',
  '**/.claude/todos',
  '**/.claude/shell-snapshots',
  '**/.claude/statsig',
  '**/.claude/ide',
  '**/.claude/debug',
  '**/.claude/file-history',
  '**/.claude/session-env',
  '**/.claude/plugins',
  '**/.claude/local',
  '**/.claude/history.jsonl',
  // a UUID-named *.jsonl is a session transcript wherever it lives (CLAUDE_CONFIG_DIR, copies)
  '**/????????-????-????-????-????????????.jsonl',
];

/** A path as the patterns see it: forward slashes, no leading slash. */
export function patternPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\/+/, '');
}

export class ExcludeMatcher {
  private readonly patterns: RegExp[];

  constructor(patterns: readonly string[] = DEFAULT_EXCLUDES) {
    this.patterns = patterns
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => globToRegExp(normalisePattern(p)));
  }

  get isEmpty(): boolean {
    return this.patterns.length === 0;
  }

  /** The absolute path (file or folder) matches a pattern. */
  matches(absPath: string): boolean {
    if (this.patterns.length === 0) return false;
    const p = patternPath(absPath);
    return this.patterns.some((re) => re.test(p));
  }

  /** The path or one of the folders above it matches a pattern. */
  coversPath(absPath: string): boolean {
    if (this.patterns.length === 0) return false;
    for (let p = absPath; ; p = path.dirname(p)) {
      if (this.matches(p)) return true;
      if (path.dirname(p) === p) return false;
    }
  }
}

/**
 * The one exclude rule, for folder scans, glob matches of the sources setting and live ingest: a
 * candidate file the catalogue does not know is skipped when a pattern covers it; a known
 * telemetry file never is — unless (given its path) its first record has another program's
 * shape: then it is read as an inferred table (streamKinds.ts), and excluded like one.
 */
export function excludesFile(fileName: string, covered: boolean, filePath?: string): boolean {
  if (!covered || !isCandidateFileName(fileName)) return false;
  const known = knownSourceFor(fileName);
  if (!known) return true;
  if (filePath === undefined || known.format !== 'jsonl') return false;
  const rec = firstRecord(filePath);
  return rec !== null && !fitsShape(known, rec);
}

function normalisePattern(raw: string): string {
  let p = raw.replace(/\\/g, '/');
  if (p === '~' || p.startsWith('~/')) p = os.homedir().replace(/\\/g, '/') + p.slice(1);
  if (p.startsWith('/') || /^[A-Za-z]:\//.test(p)) return patternPath(p);
  if (p.startsWith('**')) return p;
  return `**/${p}`;
}

/**
 * Splits a comma-separated pattern list (the CLI's `--exclude`), keeping commas inside `{a,b}`.
 */
export function splitPatternList(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of list) {
    if (c === '{') depth++;
    if (c === '}') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s !== '');
}
