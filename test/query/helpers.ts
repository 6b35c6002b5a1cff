import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const NEVER_ENDING = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
export const NEVER_ENDING_ROWS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'tl-query-'));
}

/** A database written by python3's sqlite3 (the users' hooks): table t(n INTEGER, s TEXT) with `rows` rows. */
export function pythonDb(rows = 1000, extraSql = ''): string {
  const db = path.join(tempDir(), 'q.db');
  const code = `import sqlite3,sys
con=sqlite3.connect(sys.argv[1])
con.execute("CREATE TABLE t (n INTEGER, s TEXT)")
con.executemany("INSERT INTO t VALUES (?,?)", [(i, 'row %d' % i) for i in range(${rows})])
${extraSql}
con.commit()`;
  const r = spawnSync('python3', ['-c', code, db], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return db;
}

/** Node processes whose parent is this process (query children left behind would show here). */
export function childNodeProcesses(): number[] {
  const r = spawnSync('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return r.stdout.split('\n').filter((l) => /node/.test(l)).map((l) => Number(l.trim().split(/\s+/)[0]));
}

/** Waits until no query child is left (kill → exit is asynchronous). */
export async function noChildrenLeft(timeoutMs = 5000): Promise<number[]> {
  const until = Date.now() + timeoutMs;
  let left = childNodeProcesses();
  while (left.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    left = childNodeProcesses();
  }
  return left;
}
