import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runCli } from '../../src/cli/main';
import { setDefaultEngine } from '../../src/core/db/database';

// test/db exercises the wasm engine's snapshot + verified write-back protocol (and the lock and
// WAL tools it rests on), so it pins that engine here and in the processes it starts, also in
// the suite's native pass (TL_ENGINE=native); the native engine's file contract is test/native.
setDefaultEngine('wasm');
process.env.TL_ENGINE = 'wasm';

export const repoRoot = path.resolve(__dirname, '..', '..');

export function tempDir(prefix = 'tl-db-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs a python3 program (real sqlite3 module); returns stdout, throws with stderr on failure. */
export function python(code: string, ...args: string[]): string {
  const r = spawnSync('python3', ['-c', code, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

/** Starts python3 in the background; resolves once it prints `ready`. */
export function pythonBackground(code: string, ...args: string[]) {
  const child = spawn('python3', ['-u', '-c', code, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => (stdout.includes('ready') ? resolve() : undefined);
    child.stdout.on('data', check);
    child.on('exit', (c) => reject(new Error(`python exited ${c} before ready: ${stderr}`)));
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, ready, exited };
}

/** The real CLI entry point, in-process, with captured output. */
export async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

/** Runs test/db/fixtures/writeCycle.ts (real withWrite in its own process) and waits for it. */
export function writeCycleProcess(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'writeCycle.ts'), ...args], { cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Answers python's sqlite3 gives for a database copy: integrity, tables, per-table count and id sum. */
export const PY_DIGEST = `
import sqlite3, sys, json
con = sqlite3.connect(sys.argv[1])
out = {"integrity": con.execute("PRAGMA integrity_check").fetchone()[0], "tables": {}}
for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"):
    q = '"' + name.replace('"', '""') + '"'
    out["tables"][name] = list(con.execute(f"SELECT COUNT(*), TOTAL(rowid), IFNULL(MAX(rowid), 0) FROM {q}").fetchone())
print(json.dumps(out))
`;

/** Copies db + wal (not shm, so SQLite must recover the WAL from the file itself) into a fresh folder. */
export function copyDbWithWal(dbPath: string, walBytes: Uint8Array | null, label: string): string {
  const dir = tempDir(`tl-${label}-`);
  const target = path.join(dir, 'copy.db');
  fs.copyFileSync(dbPath, target);
  if (walBytes) fs.writeFileSync(`${target}-wal`, walBytes);
  return target;
}
