/** Shared helpers of the ingest tests: temp folders and reading results with real python3 sqlite3. */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tl-ingest-${prefix}-`));
}

export function write(file: string, content: string | Buffer): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

export function lines(...records: (object | string)[]): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r)) + '\n').join('');
}

const PY = `
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
con.row_factory = sqlite3.Row
print(json.dumps([dict(r) for r in con.execute(sys.argv[2])]))
`;

/** Runs a query with python3's sqlite3 on the database file (an independent reader). */
export function pyQuery<T = Record<string, unknown>>(db: string, sql: string): T[] {
  const r = spawnSync('python3', ['-c', PY, db, sql], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`python3 failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as T[];
}

export function pyCount(db: string, table: string, where = '1'): number {
  return Number(pyQuery<{ n: number }>(db, `SELECT count(*) AS n FROM "${table}" WHERE ${where}`)[0].n);
}
