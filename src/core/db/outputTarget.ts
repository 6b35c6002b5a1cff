/**
 * Where a file Telemetry Lens writes may go (issue 12, class 3): one check for `report --out`,
 * `backup --out` and the extension's Export Dashboard as HTML. Never the database or one of its
 * sidecars (-wal, -shm, -journal, .lock) — by any name: a symlink or a hard link to them is the
 * same file (same device and inode) — never a folder or a non-regular file, and an existing file
 * only when it is of the kind being written (an earlier report, an earlier backup), so a
 * telemetry source or a document is never replaced. Throws a one-line UsageError (exit 2).
 */
import * as fs from 'fs';
import * as path from 'path';
import { UsageError } from './errors';
import { realPathOrSelf, sidecarPaths } from './fileState';

export interface OutputTargetOptions {
  /** The database the command reads: its file and sidecars are refused. */
  db?: string;
  /** What is written: an HTML report or an SQLite database (a backup). */
  kind: 'html' | 'database';
  /** How the message names the target (CLI: `--out FILE`); default: the path. */
  label?: string;
  /** A file name the target must not look like (report: telemetry source names). */
  refuseName?: (baseName: string) => string | null;
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

function headOf(p: string, n: number): string {
  const buf = Buffer.alloc(n);
  const fd = fs.openSync(p, 'r');
  try {
    return buf.subarray(0, fs.readSync(fd, buf, 0, n, 0)).toString('latin1');
  } finally {
    fs.closeSync(fd);
  }
}

export function checkOutputTarget(out: string, opts: OutputTargetOptions): void {
  const label = opts.label ?? out;
  const give = opts.kind === 'html' ? 'give a new .html file' : 'give a new file name';
  const target = realPathOrSelf(path.resolve(out));
  const st = statOrNull(target);
  if (opts.db !== undefined) {
    const real = realPathOrSelf(path.resolve(opts.db));
    const side = sidecarPaths(real);
    const files = [real, side.wal, side.shm, side.journal, side.lock];
    const sameInode = (p: string) => {
      const s = st && statOrNull(p);
      return !!s && s.dev === st!.dev && s.ino === st!.ino;
    };
    if (files.includes(target) || files.some(sameInode)) {
      throw new UsageError(`${label} is the database ${real} or one of its files (-wal, -shm, -journal, .lock), by this or another name; ${give}`);
    }
  }
  const nameProblem = opts.refuseName?.(path.basename(target));
  if (nameProblem) throw new UsageError(`${label} ${nameProblem}; ${give}`);
  if (!st) return; // a new file
  if (st.isDirectory()) throw new UsageError(`${label} is a folder; ${opts.kind === 'html' ? 'give a file name ending in .html' : 'give a file name in it'}`);
  if (!st.isFile()) throw new UsageError(`${label} is not a regular file; ${give}`);
  if (st.size === 0) return;
  const head = headOf(target, 64);
  const isDatabase = head.startsWith('SQLite format 3\u0000');
  if (opts.kind === 'html') {
    if (isDatabase) throw new UsageError(`${label} is an SQLite database; refusing to overwrite it — ${give}`);
    if (!/^\s*(<!doctype html|<html)/i.test(head)) throw new UsageError(`${label} exists and is not an HTML report; refusing to overwrite it — ${give}`);
  } else if (!isDatabase) {
    throw new UsageError(`${label} exists and is not an SQLite database (an earlier backup); refusing to overwrite it — ${give}`);
  }
}
