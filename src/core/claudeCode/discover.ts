/**
 * Where Claude Code keeps its transcripts, and which files under given paths are transcripts.
 *
 * A config folder (`~/.claude`, `~/.config/claude`, each folder of CLAUDE_CONFIG_DIR) holds
 * `projects/<project>/<sessionId>.jsonl` and, for subagents, `projects/<project>/<sessionId>/subagents/*.jsonl`.
 * A `projects` folder counts as Claude Code's when its parent is named `.claude` or `claude`, or
 * is a configured config folder, or when the `projects` folder itself was given. A file whose
 * name the source catalogue knows (routing-metrics.jsonl…) is the hooks' telemetry, not a transcript.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { knownSourceFor } from '../formats/catalogue';

export interface TranscriptFile {
  path: string;
  /** the project folder name under projects/ (Claude Code's encoding of the cwd) */
  project: string;
  /** under a `subagents` folder */
  subagent: boolean;
  size: number;
  mtimeMs: number;
}

/** The standard config folders: CLAUDE_CONFIG_DIR's (comma-separated) when set, else ~/.config/claude and ~/.claude. */
export function standardConfigDirs(env: NodeJS.ProcessEnv = process.env, home = os.homedir()): string[] {
  const configured = (env.CLAUDE_CONFIG_DIR ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => path.resolve(s.startsWith('~/') ? path.join(home, s.slice(2)) : s));
  if (configured.length) return [...new Set(configured)];
  const xdg = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : path.join(home, '.config');
  return [path.join(xdg, 'claude'), path.join(home, '.claude')];
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function looksLikeConfigDir(dir: string, configDirs: Set<string>): boolean {
  const name = path.basename(dir).toLowerCase();
  return name === '.claude' || name === 'claude' || configDirs.has(path.resolve(dir));
}

/**
 * The `projects` roots a path leads to: the path itself when it is one, `<path>/projects` of a
 * config folder, or config folders found a few levels down (a home folder, a backup folder).
 * Also returns a single project folder or transcript file given directly.
 */
function rootsUnder(given: string, configDirs: Set<string>): { projectsRoots: string[]; projectDirs: string[]; files: string[] } {
  const out = { projectsRoots: [] as string[], projectDirs: [] as string[], files: [] as string[] };
  const p = path.resolve(given);
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    return out;
  }
  if (st.isFile()) {
    const parts = p.split(path.sep);
    const i = parts.lastIndexOf('projects');
    if (p.endsWith('.jsonl') && i >= 0 && i < parts.length - 2) out.files.push(p);
    return out;
  }
  if (path.basename(p) === 'projects') {
    out.projectsRoots.push(p);
    return out;
  }
  if (path.basename(path.dirname(p)) === 'projects' && looksLikeConfigDir(path.dirname(path.dirname(p)), configDirs)) {
    out.projectDirs.push(p);
    return out;
  }
  // a config folder given directly (CLAUDE_CONFIG_DIR may use any name), or config folders below
  if (isDir(path.join(p, 'projects')) && (looksLikeConfigDir(p, configDirs) || path.basename(p).toLowerCase().includes('claude'))) {
    out.projectsRoots.push(path.join(p, 'projects'));
    return out;
  }
  const walk = (dir: string, depth: number): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'node_modules' || e.name === '.git') continue;
      const sub = path.join(dir, e.name);
      if ((e.name === '.claude' || e.name === 'claude' || configDirs.has(sub)) && isDir(path.join(sub, 'projects'))) out.projectsRoots.push(path.join(sub, 'projects'));
      else if (depth < 2) walk(sub, depth + 1);
    }
  };
  walk(p, 0);
  return out;
}

function listTranscripts(projectDir: string, project: string, into: Map<string, TranscriptFile>): void {
  const walk = (dir: string, depth: number, subagent: boolean): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < 3) walk(p, depth + 1, subagent || e.name === 'subagents');
      } else if (e.isFile() && e.name.endsWith('.jsonl') && !knownSourceFor(e.name)) addFile(p, project, subagent, into);
    }
  };
  walk(projectDir, 0, false);
}

function addFile(p: string, project: string, subagent: boolean, into: Map<string, TranscriptFile>): void {
  try {
    const st = fs.statSync(p);
    if (!into.has(p)) into.set(p, { path: p, project, subagent, size: st.size, mtimeMs: Math.floor(st.mtimeMs) });
  } catch {
    /* vanished between listing and stat: the next run sees it or not */
  }
}

/**
 * Every transcript under the given paths (see the header for what counts), sorted by path so a
 * session file is read before its subagents folder.
 */
export function findTranscripts(paths: string[], opts: { configDirs?: string[] } = {}): TranscriptFile[] {
  const configDirs = new Set((opts.configDirs ?? standardConfigDirs()).map((d) => path.resolve(d)));
  const files = new Map<string, TranscriptFile>();
  for (const given of paths) {
    const { projectsRoots, projectDirs, files: direct } = rootsUnder(given, configDirs);
    for (const root of projectsRoots) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(root, { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) if (e.isDirectory()) listTranscripts(path.join(root, e.name), e.name, files);
    }
    for (const dir of projectDirs) listTranscripts(dir, path.basename(dir), files);
    for (const f of direct) {
      if (knownSourceFor(path.basename(f))) continue;
      const parts = f.split(path.sep);
      const i = parts.lastIndexOf('projects');
      addFile(f, parts[i + 1], parts.slice(i + 2).includes('subagents'), files);
    }
  }
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
