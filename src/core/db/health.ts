import * as fs from 'fs';
import type { SqlDatabase as Database } from './database';
import { sidecarPaths } from './fileState';
import { describeEngine, openSnapshotWithInfo, type EngineChoice, type EngineInfo } from './database';
import type { WalSummary } from './snapshotImage';
import { quoteIdentifier } from './sqlNames';

export interface DatabaseHealth {
  path: string;
  exists: boolean;
  fileBytes: number;
  pageSize: number;
  pageCount: number;
  freelistPages: number;
  /** Highest successfully applied migration in schema_migrations, else PRAGMA user_version when set, else null. */
  schemaVersion: number | null;
  journalMode: 'wal' | 'rollback' | 'empty';
  wal: WalSummary & { shmPresent: boolean };
  /** PRAGMA integrity_check output: ['ok'] when healthy. */
  integrity: string[];
  integrityOk: boolean;
  tables: { name: string; rows: number }[];
  /** The storage engine that read it and why ("native: node:sqlite loaded (Node 22.23.5)"). */
  engine: EngineInfo;
}

/** Everything `health` reports, read from a consistent snapshot (never writes). */
export async function checkDatabaseHealth(dbPath: string, opts: { engine?: EngineChoice } = {}): Promise<DatabaseHealth> {
  const exists = fs.existsSync(dbPath);
  const { db, snapshot, engine } = await openSnapshotWithInfo(dbPath, { engine: opts.engine });
  try {
    const integrity = column(db, 'PRAGMA integrity_check').map(String);
    return {
      path: dbPath,
      exists,
      fileBytes: exists ? fs.statSync(dbPath).size : 0,
      pageSize: Number(scalar(db, 'PRAGMA page_size')),
      pageCount: Number(scalar(db, 'PRAGMA page_count')),
      freelistPages: Number(scalar(db, 'PRAGMA freelist_count')),
      schemaVersion: schemaVersion(db),
      journalMode: snapshot.journalMode,
      wal: { ...snapshot.wal, shmPresent: fs.existsSync(sidecarPaths(dbPath).shm) },
      integrity,
      integrityOk: integrity.length === 1 && integrity[0] === 'ok',
      tables: tableRowCounts(db),
      engine,
    };
  } finally {
    db.close();
  }
}

function scalar(db: Database, sql: string): unknown {
  return db.exec(sql)[0]?.values[0]?.[0] ?? null;
}

function column(db: Database, sql: string): unknown[] {
  return db.exec(sql)[0]?.values.map((r) => r[0]) ?? [];
}

function schemaVersion(db: Database): number | null {
  const cols = column(db, "SELECT name FROM pragma_table_info('schema_migrations')").map(String);
  if (cols.includes('version')) {
    const where = cols.includes('success') ? ' WHERE success = 1' : '';
    const v = scalar(db, `SELECT MAX(version) FROM schema_migrations${where}`);
    if (v !== null) return Number(v);
  }
  const userVersion = Number(scalar(db, 'PRAGMA user_version'));
  return userVersion > 0 ? userVersion : null;
}

function tableRowCounts(db: Database): { name: string; rows: number }[] {
  const names = column(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").map(String);
  return names.map((name) => ({ name, rows: Number(scalar(db, `SELECT COUNT(*) FROM ${quoteIdentifier(name)}`)) }));
}

/** Human-readable report (CLI text output and the VS Code markdown document share it). */
export function formatHealthMarkdown(h: DatabaseHealth): string {
  const mb = (n: number) => `${(n / 1048576).toFixed(2)} MB`;
  const lines = [
    `# Database health: ${h.integrityOk ? 'OK' : 'PROBLEMS FOUND'}`,
    '',
    `- **File**: \`${h.path}\`${h.exists ? '' : ' (does not exist yet)'}`,
    `- **Size**: ${mb(h.fileBytes)} on disk; ${h.pageCount} pages × ${h.pageSize} bytes (${h.freelistPages} free)`,
    `- **Schema version**: ${h.schemaVersion ?? 'none (not managed by Telemetry Lens)'}`,
    `- **Journal mode**: ${h.journalMode}`,
    `- **WAL**: ${describeWal(h)}`,
    `- **Integrity check**: ${h.integrityOk ? 'ok' : h.integrity.slice(0, 20).join('; ')}`,
    `- **Engine**: ${describeEngine(h.engine)}`,
    '',
    '| table | rows |',
    '|---|---:|',
    ...h.tables.map((t) => `| ${t.name.replace(/\|/g, '\\|')} | ${t.rows} |`),
  ];
  if (h.tables.length === 0) lines.push('| (no tables) | |');
  return lines.join('\n') + '\n';
}

function describeWal(h: DatabaseHealth): string {
  const w = h.wal;
  if (!w.present) return h.wal.shmPresent ? 'no -wal file, but a -shm exists' : 'no -wal file (nothing pending)';
  if (w.ignoredBecause) return `-wal present (${w.bytes} bytes) but ignored: ${w.ignoredBecause}`;
  const tail = w.validFrames - w.committedFrames;
  return `-wal present (${w.bytes} bytes): ${w.committedFrames} committed frames not yet checkpointed${tail ? `, ${tail} uncommitted` : ''}; ` +
    `another program probably has the database open${h.wal.shmPresent ? ' (-shm present)' : ''}`;
}
