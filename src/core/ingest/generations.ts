/**
 * File generations of a stream (issue 12): a ledger entry stands for one physical file, known
 * by (dev, inode). When the file an entry read is gone — its inode is in no file of the stream
 * any more — its rows are history, not copies of lines still on disk, so identical lines read
 * later get occurrence numbers of their own. Two ways a file goes:
 * - its path no longer exists (deleted after a rotation);
 * - its path now holds another file (a new inode): rotated away and deleted between two runs,
 *   with a fresh file created at the name. A file replaced by a rewrite (an editor's save, a
 *   tool writing a temp file and renaming it over) looks the same on disk, so the content
 *   decides: a new file that holds every row the old one gave (same content hashes, at least as
 *   often) is its rewrite and takes over the entry; otherwise it is a new generation.
 *   (A rewrite that dropped valid lines therefore counts as a new generation: its remaining
 *   lines are inserted again. Rotation is far more common than hand-editing a log.)
 * Used by migrate (stream/fileGenerations.ts) and by audit/verify (compare.ts) alike, so they agree.
 */
import * as fs from 'fs';
import type { SqlDatabase as Database } from '../db/database';
import type { LedgerEntry } from './ledger';
import type { TableMapper } from './mappers';
import { readRowsHere } from './lineRows';
import { quoteIdent } from './sql';
import type { DiscoveredSource } from './types';

function sameFile(e: LedgerEntry, f: { dev: number; ino: number }): boolean {
  return e.ino !== 0 && e.dev === f.dev && e.ino === f.ino;
}

/**
 * Entries whose path now holds a different file that no entry of the stream knows, while the
 * entry's own file is in no file of the stream: a rewrite or a new generation (content decides).
 */
export function replacedEntries(entries: LedgerEntry[], files: DiscoveredSource[]): Map<LedgerEntry, DiscoveredSource> {
  const out = new Map<LedgerEntry, DiscoveredSource>();
  for (const f of files) {
    if (f.format !== 'jsonl' || f.ino === 0) continue;
    if (entries.some((e) => sameFile(e, f))) continue;
    const e = entries.find((x) => x.path === f.path && x.ino !== 0 && !sameFile(x, f) && !files.some((g) => sameFile(x, g)));
    if (e) out.set(e, f);
  }
  return out;
}

/** Content hashes of a file's rows, with how often each occurs. */
export async function fileHashCounts(file: DiscoveredSource, mapper: TableMapper, signal?: AbortSignal, maxLineBytes?: number): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  const noop = (): void => {};
  await readRowsHere({ path: file.path, startOffset: 0, startLine: 0, maxLineBytes }, mapper, { row: (_l, _v, _a, h) => void counts.set(h, (counts.get(h) ?? 0) + 1), reject: noop, blank: noop, pending: noop }, signal);
  return counts;
}

/** True when `file` lacks some row the entry's file gave: a new generation, not a rewrite. */
export function isNewGeneration(db: Database, table: string, sid: number, entry: LedgerEntry, fileCounts: Map<number, number>): boolean {
  const stmt = db.prepare(`SELECT row_hash, count(*) FROM ${quoteIdent(table)} WHERE stream_id = ? AND source_id = ? AND row_hash IS NOT NULL GROUP BY row_hash`);
  try {
    stmt.bind([sid, entry.id]);
    while (stmt.step()) {
      const r = stmt.get();
      if ((fileCounts.get(Number(r[0])) ?? 0) < Number(r[1])) return true;
    }
    return false;
  } finally {
    stmt.free();
  }
}

/**
 * Entries of files that are gone: no file of the stream has their inode, and their path no
 * longer exists or holds a file another entry (or `newGenerations`, this run) stands for.
 * An entry a plan took is not gone.
 */
export function goneEntryIds(entries: LedgerEntry[], files: DiscoveredSource[], taken: Set<number>, newGenerations: Set<LedgerEntry> = new Set()): number[] {
  return entries
    .filter((e) => {
      if (taken.has(e.id) && !newGenerations.has(e)) return false;
      if (files.some((f) => sameFile(e, f))) return false;
      if (newGenerations.has(e) || !fs.existsSync(e.path)) return true;
      const atPath = files.find((f) => f.path === e.path);
      return !!atPath && entries.some((x) => x !== e && sameFile(x, atPath));
    })
    .map((e) => e.id);
}
