/**
 * The read side over the team database: `query`, `health`, `verify` and `report` with
 * `--db postgresql://…`.
 *
 * runTeamQuery and teamHealth run in PostgreSQL. report (like the extension's Team scope) runs the
 * local metrics over TeamRollupImage: the rollups computed in PostgreSQL, rows copied only where
 * the metrics read them (rollupImage.ts). verify needs a machine's rows themselves: it copies them
 * all into an in-memory SQLite image with the local schema (materialiseTeam). See docs/team.md.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Client } from 'pg';
import { types as pgTypes } from 'pg';
import type { SqlDatabase } from '../db/database';
import { UsageError } from '../db/errors';
import type { QueryResult } from '../query/readOnlyQuery';
import { loadSqlJs } from '../db/sqljs';
import { verifySources } from '../ingest';
import type { VerifyOptions, VerifyResult } from '../ingest/types';
import { rebuildRollups } from '../rollups/refresh';
import { queryRows, tableExists } from '../db/queryHelpers';
import { buildReportData, buildReportHtml, REPORT_PRESETS, REPORT_SAMPLE_ROWS, type ReportData } from '../dashboard/index';
import type { ReportOptions } from '../dashboard/index';
import { resolveRange } from '../dashboard/tabPayload';
import { SPEC_TABS } from '../dashboard/tabs';
import { getDataSources } from '../metrics';
import type { DrillDownResult } from '../metrics/types';
import { TeamRollupImage } from './rollupImage';
import { ensureSchema } from '../schema';
import { redactUrl, withTeam, type TeamConnectOptions } from './connection';
import { ImageBuilder, resolveMachines } from './teamImage';
import { MACHINE_COLUMN, quoteIdent } from './dialect';
import { collectTeamQuery } from './query';

export interface TeamQueryLimits extends TeamConnectOptions {
  /** rows returned at most (default 100 000) */
  maxRows?: number;
  /** time limit (default 60 s) */
  timeoutMs?: number;
}

/**
 * One read-only statement on the team database, its rows collected (bounded by maxRows): the shape
 * `formatQueryResult` prints. The work is runTeamUserQuery's (src/core/team/query.ts: READ ONLY
 * transaction, one statement, server-side cursor, statement_timeout).
 */
export async function runTeamQuery(url: string, sql: string, limits: TeamQueryLimits = {}): Promise<QueryResult & { truncated: boolean }> {
  const r = await collectTeamQuery(url, sql, { ...limits, maxRows: limits.maxRows ?? 100000, timeoutMs: limits.timeoutMs ?? 60000 });
  return { columns: r.columns, rows: r.rows as QueryResult['rows'], truncated: r.truncated };
}

export interface TeamHealth {
  database: string;
  server: string;
  schemaVersion: number | null;
  migrations: { version: number; name: string; checksum: string; appliedAt: string }[];
  machines: { machine: string; firstSyncedAt: string; lastSyncedAt: string; rows: number }[];
  tables: { name: string; kind: string; rows: number; machines: number }[];
  /** watermarks that point past the rows the team holds for that machine (a lost commit) */
  problems: string[];
  ok: boolean;
}

/** `health --db postgresql://…`: server, team schema, machines, tables with rows per machine. */
export async function teamHealth(url: string, opts: TeamConnectOptions = {}): Promise<TeamHealth> {
  return withTeam(url, opts, async (c) => {
    const server = String((await c.query('SHOW server_version')).rows[0].server_version);
    const hasSchema = (await c.query(`SELECT to_regclass('schema_migrations') IS NOT NULL AND to_regclass('team_tables') IS NOT NULL AS ok`)).rows[0].ok;
    const health: TeamHealth = { database: redactUrl(url), server, schemaVersion: null, migrations: [], machines: [], tables: [], problems: [], ok: true };
    if (!hasSchema) {
      health.problems.push('no team schema yet (run sync once)');
      health.ok = false;
      return health;
    }
    health.migrations = (await c.query('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version')).rows.map((r) => ({
      version: Number(r.version),
      name: String(r.name),
      checksum: String(r.checksum),
      appliedAt: new Date(r.applied_at).toISOString(),
    }));
    health.schemaVersion = health.migrations.length ? health.migrations[health.migrations.length - 1].version : null;
    const perMachine = new Map<string, number>();
    for (const t of (await c.query('SELECT table_name, kind FROM team_tables ORDER BY table_name')).rows) {
      const counts = (await c.query(`SELECT ${MACHINE_COLUMN} AS m, count(*)::bigint AS n, max(id)::bigint AS top FROM ${quoteIdent(t.table_name)} GROUP BY 1`, [], )).rows;
      let rows = 0;
      for (const r of counts) {
        rows += Number(r.n);
        if (t.kind === 'event') perMachine.set(r.m, (perMachine.get(r.m) ?? 0) + Number(r.n));
      }
      health.tables.push({ name: t.table_name, kind: t.kind, rows, machines: counts.length });
      if (t.kind === 'event') {
        for (const w of (await c.query('SELECT machine, last_id FROM team_watermarks WHERE table_name = $1', [t.table_name])).rows) {
          const top = counts.find((r) => r.m === w.machine);
          if (Number(w.last_id) > 0 && !top) health.problems.push(`${t.table_name}: watermark of ${w.machine} is ${w.last_id} but the table holds none of its rows`);
        }
      }
    }
    health.machines = (await c.query('SELECT machine, first_synced_at, last_synced_at FROM team_machines ORDER BY machine')).rows.map((r) => ({
      machine: String(r.machine),
      firstSyncedAt: new Date(r.first_synced_at).toISOString(),
      lastSyncedAt: new Date(r.last_synced_at).toISOString(),
      rows: perMachine.get(r.machine) ?? 0,
    }));
    health.ok = health.problems.length === 0;
    return health;
  });
}

export function formatTeamHealthMarkdown(h: TeamHealth): string {
  const lines = [
    `# Team database health: ${h.ok ? 'OK' : 'PROBLEMS FOUND'}`,
    '',
    `- **Database**: \`${h.database}\` (PostgreSQL ${h.server})`,
    `- **Team schema version**: ${h.schemaVersion ?? 'none'}${h.migrations.length ? ` (${h.migrations.map((m) => m.name).join(', ')})` : ''}`,
    ...h.problems.map((p) => `- **Problem**: ${p}`),
    '',
    '| machine | event rows | first sync | last sync |',
    '|---|---:|---|---|',
    ...h.machines.map((m) => `| ${m.machine.replace(/\|/g, '\\|')} | ${m.rows} | ${m.firstSyncedAt} | ${m.lastSyncedAt} |`),
    '',
    '| table | kind | rows | machines |',
    '|---|---|---:|---:|',
    ...h.tables.map((t) => `| ${t.name.replace(/\|/g, '\\|')} | ${t.kind} | ${t.rows} | ${t.machines} |`),
  ];
  return lines.join('\n') + '\n';
}

/**
 * The team rows of one machine (or of all) as an in-memory SQLite database with the local schema,
 * rollups rebuilt: what the local verify reads (and the reference the rollup image is tested
 * against). With one machine its local ids are kept; with all, row ids are machineIndex·2^40 + id
 * and each machine's streams and sources get fresh ids (teamImage.ts).
 */
export async function materialiseTeam(url: string, opts: TeamConnectOptions & { machine?: string; batchRows?: number } = {}): Promise<SqlDatabase> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  try {
    await withTeam(url, opts, async (c) => {
      const image = new ImageBuilder(db, await resolveMachines(c, opts.machine));
      await image.prepare(c);
      db.run('BEGIN');
      for (const t of image.tables) for (const machine of image.machines) await image.copy(c, t, machine, { batchRows: opts.batchRows });
      db.run('COMMIT');
      rebuildRollups(db);
    });
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** `verify --db postgresql://… --machine NAME <paths>`: this machine's sources against its rows in the team database. */
export async function verifyAgainstTeam(url: string, machine: string, paths: string[], opts: VerifyOptions & TeamConnectOptions = {}): Promise<VerifyResult & { machine: string }> {
  const db = await materialiseTeam(url, { ...opts, machine });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-team-verify-'));
  try {
    const file = path.join(dir, 'team.db');
    fs.writeFileSync(file, db.export());
    db.close();
    const r = await verifySources(file, paths, opts);
    return { ...r, database: redactUrl(url), machine };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface TeamReportOptions extends ReportOptions, TeamConnectOptions {
  machine?: string;
  /** 'rollups' (default): rollups computed in PostgreSQL, rows only where read; 'copy': every row copied (materialiseTeam) */
  via?: 'rollups' | 'copy';
}

/** The report's data over the team's rows (all machines, or one): the same buildReportData over either image. */
export async function buildTeamReportData(url: string, options: TeamReportOptions = {}): Promise<ReportData> {
  const nowSeconds = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const dataOptions = {
    databaseLabel: `team ${redactUrl(url)}${options.machine ? ` — machine ${options.machine}` : ' — all machines'}`,
    nowSeconds,
    timeZone: options.timeZone,
    freshness: options.freshness,
    prices: options.prices,
  };
  if (options.via === 'copy') {
    const db = await materialiseTeam(url, options);
    try {
      return buildReportData(db, dataOptions);
    } finally {
      db.close();
    }
  }
  const image = await TeamRollupImage.open(url, options);
  try {
    const metrics = { timeZone: options.timeZone, nowSeconds };
    const rowTables = SPEC_TABS.flatMap((t) => t.tables);
    for (const preset of REPORT_PRESETS) await image.prepareFor(resolveRange({ preset }, nowSeconds), metrics, rowTables);
    // the samples: each table's newest rows, counted in PostgreSQL
    const samples = new Map<string, DrillDownResult>();
    for (const { table, rows } of getDataSources(image.db, metrics).sources) {
      if (rows > 0) samples.set(table, await image.listRows({ table, range: {}, limit: REPORT_SAMPLE_ROWS }));
    }
    return buildReportData(image.db, { ...dataOptions, listRows: (request) => samples.get(request.table)! });
  } finally {
    image.close();
  }
}

/** `report --db postgresql://… [--machine NAME]`: the static dashboard over the team's rows (all machines, or one). */
export async function generateTeamReportHtml(url: string, webviewBundle: string, options: TeamReportOptions = {}): Promise<string> {
  return buildReportHtml({ webviewBundle, data: await buildTeamReportData(url, options) });
}

/** One machine in the team database: when it last synced and its rows per event table. */
export interface TeamMachineOverview {
  machine: string;
  lastSyncedAt: string;
  tables: { table: string; rows: number }[];
}

/** The machines and their data sources (rows per event table), for the tree's "Team database" section. */
export async function teamOverview(url: string, opts: TeamConnectOptions = {}): Promise<TeamMachineOverview[]> {
  return withTeam(url, opts, async (c) => {
    if (!(await c.query(`SELECT to_regclass('team_tables') IS NOT NULL AS ok`)).rows[0].ok) return [];
    const machines = new Map<string, TeamMachineOverview>();
    for (const r of (await c.query('SELECT machine, last_synced_at FROM team_machines ORDER BY machine')).rows) {
      machines.set(String(r.machine), { machine: String(r.machine), lastSyncedAt: new Date(r.last_synced_at).toISOString(), tables: [] });
    }
    const tables = (await c.query(`SELECT table_name FROM team_tables WHERE kind = 'event' ORDER BY table_name`)).rows.map((r) => String(r.table_name));
    if (tables.length) {
      const counts = await c.query(tables.map((t, i) => `SELECT $${i + 1}::text AS t, ${MACHINE_COLUMN} AS m, count(*)::bigint AS n FROM ${quoteIdent(t)} GROUP BY 2`).join(' UNION ALL '), tables);
      for (const r of counts.rows) machines.get(String(r.m))?.tables.push({ table: String(r.t), rows: Number(r.n) });
    }
    for (const m of machines.values()) m.tables.sort((a, b) => b.rows - a.rows || a.table.localeCompare(b.table));
    return [...machines.values()];
  });
}

/**
 * What the team holds, as one comparable text: changes whenever any machine syncs rows (watermarks
 * and their row counts) or a machine appears. A reader keeps its copy while this stays the same.
 */
export async function teamVersion(url: string, opts: TeamConnectOptions = {}): Promise<string> {
  return withTeam(url, opts, async (c) => {
    if (!(await c.query(`SELECT to_regclass('team_watermarks') IS NOT NULL AS ok`)).rows[0].ok) return 'empty';
    const r = await c.query(`SELECT (SELECT count(*) FROM team_machines) AS m, count(*) AS w, coalesce(sum(last_id), 0)::text AS ids, coalesce(sum(rows_synced), 0)::text AS rows, coalesce(max(synced_at)::text, '') AS at FROM team_watermarks`);
    const v = r.rows[0];
    return `${v.m}|${v.w}|${v.ids}|${v.rows}|${v.at}`;
  });
}
