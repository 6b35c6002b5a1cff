/**
 * A throwaway PostgreSQL cluster for the team-database tests and benchmark: the real server
 * (Debian's `postgresql`), initdb'd into a temp folder, a unix socket in that folder, TCP on
 * 127.0.0.1 at a free port, stopped and deleted in teardown. PostgreSQL refuses to run as root,
 * so when we are root (CI) initdb/pg_ctl run as the `postgres` OS user via runuser.
 */
import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export interface PgCluster {
  /** folder holding data/, the socket and the server log */
  dir: string;
  port: number;
  /** unix socket folder (psql -h) */
  socketDir: string;
  /** database the tests use */
  database: string;
  /** a login role with a password (scram over TCP), owner of `database` */
  user: string;
  password: string;
  /** postgresql://user:password@127.0.0.1:port/database */
  url: string;
  /** superuser psql over the socket; returns stdout (unaligned, tuples only) */
  psql(sql: string, opts?: { database?: string; input?: string }): string;
  /** path of the psql binary */
  psqlBin: string;
  stop(): void;
}

const CANDIDATE_BIN_DIRS = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/14/bin'];

/** The server's bin folder (PG_BIN overrides), or undefined when PostgreSQL is not installed. */
export function findPgBin(): string | undefined {
  const candidates = process.env.PG_BIN ? [process.env.PG_BIN] : CANDIDATE_BIN_DIRS;
  return candidates.find((d) => fs.existsSync(path.join(d, 'initdb')) && fs.existsSync(path.join(d, 'pg_ctl')));
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Runs a server binary as the postgres OS user when we are root, else as ourselves. */
function runAsServerUser(bin: string, args: string[]): SpawnSyncReturns<string> {
  const r = isRoot() ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' }) : spawnSync(bin, args, { encoding: 'utf8' });
  return r;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

const live = new Set<PgCluster>();
process.on('exit', () => {
  for (const c of live) c.stop();
});
// a test run interrupted (Ctrl-C, timeout) must not leave a server behind either
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of live) c.stop();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/**
 * Starts a fresh cluster. Throws with the server's own words when something is missing (a test
 * must fail loudly, never skip green, when PostgreSQL is absent).
 */
export async function startPgCluster(opts: { database?: string; user?: string; password?: string; settings?: Record<string, string> } = {}): Promise<PgCluster> {
  const bin = findPgBin();
  if (!bin) throw new Error('PostgreSQL server binaries not found (install Debian package `postgresql`, or set PG_BIN)');
  const psqlBin = fs.existsSync(path.join(bin, 'psql')) ? path.join(bin, 'psql') : 'psql';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-pg-'));
  fs.chmodSync(dir, 0o755);
  const data = path.join(dir, 'data');
  const log = path.join(dir, 'server.log');
  if (isRoot()) {
    const pg = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    if (pg.status !== 0) throw new Error('running as root but there is no `postgres` OS user to run the server as');
    const uid = Number(pg.stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    fs.chownSync(dir, uid, gid);
  }
  const init = runAsServerUser(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync', '-E', 'UTF8', '--locale=C']);
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr || init.stdout}`);
  const port = await freePort();
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: dir,
    fsync: 'off',
    full_page_writes: 'off',
    synchronous_commit: 'off',
    max_connections: '60',
    shared_buffers: '128MB',
    max_wal_size: '2GB',
    ...opts.settings,
  };
  fs.appendFileSync(path.join(data, 'postgresql.conf'), '\n' + Object.entries(settings).map(([k, v]) => `${k} = '${v}'`).join('\n') + '\n');
  const start = runAsServerUser(path.join(bin, 'pg_ctl'), ['-D', data, '-l', log, '-w', '-t', '60', 'start']);
  if (start.status !== 0) {
    const tail = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-2000) : '';
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`pg_ctl start failed: ${start.stderr || start.stdout}\n${tail}`);
  }
  const database = opts.database ?? 'team';
  const user = opts.user ?? 'tl_sync';
  const password = opts.password ?? 'Sync-Secret-' + Math.random().toString(36).slice(2, 10);
  let stopped = false;
  const cluster: PgCluster = {
    dir,
    port,
    socketDir: dir,
    database,
    user,
    password,
    url: `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`,
    psqlBin,
    psql(sql, o = {}) {
      const r = spawnSync(psqlBin, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', dir, '-p', String(port), '-U', 'postgres', '-d', o.database ?? database, '-c', sql], {
        encoding: 'utf8',
        input: o.input,
        maxBuffer: 1 << 28,
      });
      if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      live.delete(cluster);
      runAsServerUser(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(cluster);
  cluster.psql(`CREATE ROLE ${user} LOGIN PASSWORD '${password.replace(/'/g, "''")}'`, { database: 'postgres' });
  cluster.psql(`CREATE DATABASE ${database} OWNER ${user}`, { database: 'postgres' });
  return cluster;
}
