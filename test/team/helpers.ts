/** Shared helpers of the team-database tests: local databases built by the real CLI, checked with python3 sqlite3. */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { writeBigRoutingMetrics } from '../../src/sample';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const distCli = path.join(repoRoot, 'dist', 'cli.js');

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `tl-team-${prefix}-`));
}

export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

/** The built CLI in its own process (what cron / a second machine runs); needs `npm run build`. */
export function cliProcess(args: string[], env: NodeJS.ProcessEnv = {}) {
  if (!fs.existsSync(distCli)) throw new Error(`${distCli} is missing: run npm run build first`);
  const child = spawn(process.execPath, [distCli, ...args], { cwd: repoRoot, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, exited };
}

// independent readers and writers: python3's sqlite3, one copy shared with the ingest and db suites
export { pyQuery } from '../ingest/helpers';
export { python } from '../db/helpers';
import { python } from '../db/helpers';

const DIGEST_PY = `
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
out = {}
for (name,) in con.execute("""SELECT m.name FROM sqlite_master m WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'rollup_%'
        AND (SELECT count(*) FROM pragma_table_info(m.name) c WHERE c.name IN ('id', 'row_hash', 'stream_id', 'row_seq')) = 4 ORDER BY m.name"""):
    q = '"' + name.replace('"', '""') + '"'
    n, idsum = con.execute(f"SELECT count(*), coalesce(sum(id), 0) FROM {q}").fetchone()
    ident = con.execute(f"SELECT group_concat(x, ',') FROM (SELECT stream_id || ':' || coalesce(row_hash, '') || ':' || row_seq AS x FROM {q} ORDER BY id)").fetchone()[0]
    if n: out[name] = {"rows": n, "idSum": idsum, "identities": ident}
print(json.dumps(out))
`;

export interface TableDigest {
  rows: number;
  idSum: number;
  /** stream:hash:seq of every row in id order */
  identities: string;
}

/** Per non-empty event table (those with the identity columns): rows, id sum and identities, read by python3 in one call. */
export function localDigest(db: string): Record<string, TableDigest> {
  return JSON.parse(python(DIGEST_PY, db));
}

export function rowCounts(digest: Record<string, TableDigest>): Record<string, number> {
  return Object.fromEntries(Object.entries(digest).map(([t, d]) => [t, d.rows]));
}

/** A local database with `rows` routing events, built by the real migrate. */
export async function routingDatabase(dir: string, rows: number, seed = 7): Promise<string> {
  const src = path.join(dir, `src-${seed}`);
  fs.mkdirSync(src, { recursive: true });
  writeBigRoutingMetrics(path.join(src, 'routing-metrics.jsonl'), rows, { seed, now: Date.UTC(2026, 10, 1), spanDays: 30 });
  const db = path.join(dir, `routing-${seed}.db`);
  const r = await cli('migrate', '--db', db, src);
  if (r.code !== 0) throw new Error(`migrate failed: ${r.err}`);
  return db;
}
