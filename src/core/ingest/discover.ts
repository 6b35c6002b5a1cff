/**
 * Discovery: paths in (files or folders), classified sources out. Folders are scanned for
 * *.jsonl (with rotated siblings) and the known JSON documents; node_modules/.git skipped;
 * unknown files under the exclude patterns (session transcripts…, excludes.ts) skipped;
 * missing paths, unreadable entries and symlink loops are reported, never fatal.
 */
import * as fs from 'fs';
import * as path from 'path';
import { baseFileName, isCandidateFileName, knownSourceFor } from '../formats/catalogue';
import { ExcludeMatcher, DEFAULT_EXCLUDES, excludesFile } from './excludes';
import { inferredTableName } from './inferred';
import type { DiscoveredSource, DiscoverOptions, DiscoveryIssue, DiscoveryResult } from './types';

const DEFAULT_SKIP = ['node_modules', '.git'];

/** Stream key: the folder + file name without rotation suffix (docs/architecture.md row identity). */
export function streamKeyFor(filePath: string): string {
  return path.join(path.dirname(filePath), baseFileName(path.basename(filePath)));
}

/** Classifies one file path (no I/O). */
export function classify(filePath: string): Pick<DiscoveredSource, 'kind' | 'table' | 'format' | 'stream'> {
  const name = path.basename(filePath);
  const known = knownSourceFor(name);
  if (known) return { kind: known.kind, table: known.table, format: known.format, stream: streamKeyFor(filePath) };
  return { kind: 'inferred', table: inferredTableName(name), format: 'jsonl', stream: streamKeyFor(filePath) };
}

/** Rotation order inside a stream: oldest first (x.jsonl.3, x.jsonl.2, dated ascending, then x.jsonl). */
export function rotationRank(filePath: string): [number, string] {
  const name = path.basename(filePath).toLowerCase();
  const num = /\.(\d+)$/.exec(name);
  if (num) return [-Number(num[1]), name];
  if (baseFileName(name) !== name) return [1_000_000, name];
  return [2_000_000, name];
}

export async function discoverSources(paths: string[], opts: DiscoverOptions = {}): Promise<DiscoveryResult> {
  const skip = new Set(opts.skipDirs ?? DEFAULT_SKIP);
  const maxDepth = opts.maxDepth ?? 8;
  const sources = new Map<string, DiscoveredSource>();
  const issues: DiscoveryIssue[] = [];
  const visitedDirs = new Set<string>();
  const exclude = new ExcludeMatcher(opts.exclude ?? DEFAULT_EXCLUDES);
  let excludedFiles = 0;

  const addFile = async (file: string, explicit: boolean): Promise<void> => {
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(file);
      await fs.promises.access(file, fs.constants.R_OK);
    } catch (e) {
      issues.push({ path: file, problem: 'unreadable', message: `cannot read ${file}: ${(e as Error).message}` });
      return;
    }
    if (!st.isFile()) {
      // a FIFO would block the reader forever, a device never ends: never opened, always said
      if (explicit || isCandidateFileName(path.basename(file))) issues.push({ path: file, problem: 'not-a-source', message: `${file} is ${fileKind(st)}, not a regular file; skipped` });
      return;
    }
    if (!explicit && !isCandidateFileName(path.basename(file))) return;
    if (explicit && !isCandidateFileName(path.basename(file))) {
      issues.push({ path: file, problem: 'not-a-source', message: `${file} is not a *.jsonl file or a known telemetry document; skipped` });
      return;
    }
    const real = await fs.promises.realpath(file).catch(() => file);
    if (sources.has(real)) return;
    sources.set(real, { path: path.resolve(file), ...classify(path.resolve(file)), size: st.size, mtimeMs: Math.floor(st.mtimeMs), dev: st.dev, ino: st.ino });
  };

  /** `excluded`: an exclude pattern covers `dir` (known telemetry files are still taken). */
  const walk = async (dir: string, depth: number, excluded: boolean): Promise<void> => {
    let real: string;
    try {
      real = await fs.promises.realpath(dir);
    } catch (e) {
      issues.push({ path: dir, problem: 'unreadable', message: `cannot resolve ${dir}: ${(e as Error).message}` });
      return;
    }
    if (visitedDirs.has(real)) {
      issues.push({ path: dir, problem: 'symlink-loop', message: `${dir} leads back to ${real}, already scanned; skipped` });
      return;
    }
    visitedDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch (e) {
      issues.push({ path: dir, problem: 'unreadable', message: `cannot list ${dir}: ${(e as Error).message}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = path.join(dir, e.name);
      let isDir = e.isDirectory();
      let isFile = e.isFile();
      if (e.isSymbolicLink()) {
        const st = await fs.promises.stat(p).catch(() => undefined);
        if (!st) {
          issues.push({ path: p, problem: 'unreadable', message: `broken symbolic link ${p}` });
          continue;
        }
        isDir = st.isDirectory();
        isFile = st.isFile();
      }
      if (isDir) {
        if (skip.has(e.name) || opts.skipTrees?.has(p)) continue;
        if (isCandidateFileName(e.name)) issues.push({ path: p, problem: 'not-a-source', message: `${p} is a folder, not a telemetry file; its files were scanned as a folder's` });
        if (depth < maxDepth) await walk(p, depth + 1, excluded || exclude.matches(p));
      } else if (!isFile && isCandidateFileName(e.name)) {
        await addFile(p, false); // not a regular file (FIFO, socket, device): reported, never opened
      } else if (isFile && isCandidateFileName(e.name)) {
        if (excludesFile(e.name, excluded || exclude.matches(p), p)) excludedFiles++;
        else await addFile(p, false);
      }
    }
  };

  for (const given of paths) {
    const p = path.resolve(given);
    const st = await fs.promises.stat(p).catch((e: Error) => e);
    if (st instanceof Error) {
      issues.push({ path: p, problem: (st as NodeJS.ErrnoException).code === 'ENOENT' ? 'not-found' : 'unreadable', message: `${p}: ${st.message}` });
      continue;
    }
    if (st.isDirectory()) {
      if (!opts.skipTrees?.has(p)) await walk(p, 0, false);
    } else await addFile(p, true);
  }
  return { sources: inStreamOrder([...sources.values()]), issues, excludedFiles };
}

/** Sorted by stream, and in rotation order inside each (what byStream and the ledger expect). */
export function inStreamOrder<T extends DiscoveredSource>(list: T[]): T[] {
  return list.sort((a, b) => {
    if (a.stream !== b.stream) return a.stream < b.stream ? -1 : 1;
    const ra = rotationRank(a.path);
    const rb = rotationRank(b.path);
    return ra[0] - rb[0] || (ra[1] < rb[1] ? -1 : ra[1] > rb[1] ? 1 : 0);
  });
}

function fileKind(st: fs.Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isDirectory()) return 'a folder';
  return 'not a regular file';
}

/** Groups sources by stream, keeping discovery's rotation order inside each. */
export function byStream(sources: DiscoveredSource[]): Map<string, DiscoveredSource[]> {
  const m = new Map<string, DiscoveredSource[]>();
  for (const s of sources) {
    const list = m.get(s.stream) ?? [];
    list.push(s);
    m.set(s.stream, list);
  }
  return m;
}
