/**
 * `sync`: pushes one machine's event tables into the team database (docs/architecture.md "Bigger than one
 * machine", seed 004 phase 3).
 *
 * Per (machine, table) a watermark holds the highest local `id` already in the team table.
 * Each batch is one PostgreSQL transaction: take the (machine, table) advisory lock, re-read the
 * watermark, COPY the rows after it into a temporary staging table, INSERT … ON CONFLICT
 * (machine, id) DO NOTHING into the team table, advance the watermark — COMMIT. A run killed at
 * any moment leaves either the whole batch and its watermark or neither, so a re-run resumes
 * exactly; concurrent runs for the same machine serialise on the lock; other machines never wait.
 * Local ids only grow (AUTOINCREMENT), so rows written after the watermark always have larger ids.
 * Ends with validate(): per table and UTC day, local counts against the team's for that machine.
 */
import { hostname } from 'node:os';
import type { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { openSnapshot, type SqlDatabase } from '../db/database';
import { UsageError } from '../db/errors';
import { connectTeam, errorText, redactText, redactUrl, TeamDatabaseError, type TeamConnectOptions } from './connection';
import { MACHINE_COLUMN, quoteIdent, type TeamColumnType } from './dialect';
import { copyLine } from './copyText';
import { localTableSpecs } from './localTables';
import { allTeamColumns, ensureTeamTable, migrateTeamSchema, TeamSchemaError, type TeamTableSpec } from './schema';
import { validateMachine, type ValidationResult } from './validate';

export interface SyncOptions extends TeamConnectOptions {
  /** machine name (default: this host's name) */
  machine?: string;
  /** rows per transaction (default 50 000) */
  batchRows?: number;
  /** called after each committed batch (tests stop a run at a precise moment with it) */
  onBatch?: (info: { table: string; rows: number; watermark: number }) => void;
  /** skip the closing validation (benchmarks that time the copy alone) */
  skipValidation?: boolean;
  /**
   * true: only the totals per table plus the days of the rows this run started past, with the full
   * comparison for any table where those differ (src/core/team/validate.ts). Default: every day of
   * every table (seed 004's validate_migration as written; 0.54–0.64 s for a machine's 1M rows in a
   * 10M-row team table, bench team-sync part 3).
   */
  quickValidation?: boolean;
  /** @deprecated the default now; kept so callers that asked for it keep working */
  fullValidation?: boolean;
  /**
   * 'auto' (default): COPY straight into the team table when it holds no row of this machine
   * past the watermark (checked under the lock, so nothing can conflict), else through staging;
   * 'always': every batch through the staging table and INSERT … ON CONFLICT DO NOTHING.
   */
  staging?: 'auto' | 'always';
}

export interface TableSyncResult {
  table: string;
  kind: 'event' | 'mirror';
  /** rows read locally after the watermark and sent */
  sent: number;
  /** rows the team table did not have yet */
  inserted: number;
  /** highest local id now in the team table */
  watermark: number;
  /** values that did not fit the team column type and were kept in `extra` */
  keptInExtra: number;
}

export interface SyncResult {
  database: string;
  team: string;
  machine: string;
  migrations: { applied: string[]; current: number };
  tables: TableSyncResult[];
  validation: ValidationResult | null;
  durationMs: number;
  /** where the time went: local snapshot, connect + team schema, pushing rows, validation */
  phasesMs: { snapshot: number; schema: number; push: number; validate: number };
}

export function defaultMachineName(): string {
  return hostname() || 'unknown-host';
}

export function checkMachineName(name: string): string {
  const m = name.trim();
  if (!m) throw new UsageError('the machine name is empty');
  if (m.length > 200) throw new UsageError('the machine name is longer than 200 characters');
  return m;
}

/** Key of the per-(machine, table) advisory lock (two int4 halves of a hash). */
const SYNC_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('telemetry-lens sync'), hashtext($1 || '/' || $2))";

export async function syncToTeam(dbPath: string, url: string, opts: SyncOptions = {}): Promise<SyncResult> {
  const started = Date.now();
  const machine = checkMachineName(opts.machine ?? defaultMachineName());
  const db = await openSnapshot(dbPath);
  const phasesMs = { snapshot: Date.now() - started, schema: 0, push: 0, validate: 0 };
  let client: Client | undefined;
  try {
    let mark = Date.now();
    client = await connectTeam(url, { ...opts, applicationName: opts.applicationName ?? 'telemetry-lens sync' });
    const migrations = await migrateTeamSchema(client);
    await client.query(
      `INSERT INTO team_machines (machine, database_path) VALUES ($1, $2)
       ON CONFLICT (machine) DO UPDATE SET last_synced_at = now(), database_path = excluded.database_path`,
      [machine, dbPath],
    );
    const tables: TableSyncResult[] = [];
    const teamColumns = await allTeamColumns(client);
    // where each event table started: validation counts the days of the rows past it (and the totals)
    const since = new Map<string, number>();
    for (const spec of localTableSpecs(db)) {
      const teamTypes = await ensureTeamTable(client, spec, teamColumns.get(spec.table) ?? new Map());
      if (spec.kind === 'event') since.set(spec.table, await readWatermark(client, machine, spec.table));
      phasesMs.schema += Date.now() - mark;
      mark = Date.now();
      tables.push(spec.kind === 'event' ? await syncEventTable(client, db, spec, teamTypes, machine, opts) : await syncMirrorTable(client, db, spec, teamTypes, machine));
      phasesMs.push += Date.now() - mark;
      mark = Date.now();
    }
    const validation = opts.skipValidation ? null : await validateMachine(client, db, machine, localTableSpecs(db).filter((s) => s.kind === 'event'), opts.quickValidation && !opts.fullValidation ? { since } : {});
    phasesMs.validate = Date.now() - mark;
    return { database: dbPath, team: redactUrl(url), machine, migrations, tables, validation, durationMs: Date.now() - started, phasesMs };
  } catch (e) {
    if (e instanceof TeamDatabaseError || e instanceof UsageError) throw e;
    if (e instanceof TeamSchemaError) throw new TeamDatabaseError(e.message);
    throw new TeamDatabaseError(`sync to ${redactUrl(url)} failed: ${redactText(errorText(e), url, [opts.password])}`);
  } finally {
    db.close();
    await client?.end().catch(() => undefined);
  }
}

/** Local column order to read and write: every local column the team table has. */
function columnPlan(spec: TeamTableSpec, teamTypes: Map<string, TeamColumnType>) {
  const names = spec.columns.map((c) => c.name).filter((n) => n !== MACHINE_COLUMN && teamTypes.has(n));
  return { names, types: names.map((n) => teamTypes.get(n)!), extraIndex: names.indexOf('extra') };
}

/**
 * COPY text of local rows with id > after, up to `limit` rows; lastId = highest id read.
 * (Building the text in SQLite instead — one string per few thousand rows — measured no faster:
 * printf/replace in SQLite cost what sql.js's per-value reads cost.)
 */
function readBatch(db: SqlDatabase, spec: TeamTableSpec, plan: ReturnType<typeof columnPlan>, machineText: string, after: number, limit: number) {
  const stmt = db.prepare(`SELECT ${plan.names.map(quoteIdent).join(', ')} FROM ${quoteIdent(spec.table)} WHERE id > ? ORDER BY id LIMIT ?`);
  const idAt = plan.names.indexOf('id');
  const chunks: Buffer[] = [];
  let pending: string[] = [];
  let rows = 0;
  let lastId = after;
  let keptInExtra = 0;
  try {
    stmt.bind([after, limit]);
    while (stmt.step()) {
      const values = stmt.get() as unknown[];
      const { line, misfits } = copyLine(machineText, values, plan.types, plan.names, plan.extraIndex);
      keptInExtra += misfits;
      pending.push(line);
      lastId = Number(values[idAt]);
      rows++;
      if (pending.length === 2000) {
        chunks.push(Buffer.from(pending.join('')));
        pending = [];
      }
    }
  } finally {
    stmt.free();
  }
  if (pending.length) chunks.push(Buffer.from(pending.join('')));
  return { chunks, rows, lastId, keptInExtra };
}

function machineCopyText(machine: string): string {
  return machine.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

async function copyInto(client: Client, table: string, columns: string[], chunks: Buffer[]): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`));
  await new Promise<void>((resolve, reject) => {
    stream.on('error', reject);
    stream.on('finish', resolve);
    let i = 0;
    const pump = () => {
      while (i < chunks.length) {
        if (!stream.write(chunks[i++])) {
          stream.once('drain', pump);
          return;
        }
      }
      stream.end();
    };
    pump();
  });
}

async function readWatermark(client: Client, machine: string, table: string, forUpdate = false): Promise<number> {
  const r = await client.query(`SELECT last_id FROM team_watermarks WHERE machine = $1 AND table_name = $2${forUpdate ? ' FOR UPDATE' : ''}`, [machine, table]);
  return r.rows.length ? Number(r.rows[0].last_id) : 0;
}

async function syncEventTable(client: Client, db: SqlDatabase, spec: TeamTableSpec, teamTypes: Map<string, TeamColumnType>, machine: string, opts: SyncOptions): Promise<TableSyncResult> {
  const plan = columnPlan(spec, teamTypes);
  const batchRows = opts.batchRows ?? 50000;
  const machineText = machineCopyText(machine);
  const cols = [MACHINE_COLUMN, ...plan.names];
  const colList = cols.map(quoteIdent).join(', ');
  const result: TableSyncResult = { table: spec.table, kind: 'event', sent: 0, inserted: 0, watermark: await readWatermark(client, machine, spec.table), keptInExtra: 0 };
  let batch = readBatch(db, spec, plan, machineText, result.watermark, batchRows);
  while (batch.rows > 0) {
    await client.query('BEGIN');
    let next: typeof batch | undefined;
    try {
      await client.query(SYNC_LOCK_SQL, [machine, spec.table]);
      const current = await readWatermark(client, machine, spec.table, true);
      if (current !== result.watermark) {
        // another run for this machine moved it meanwhile: re-read from where it stopped
        await client.query('ROLLBACK');
        result.watermark = current;
        batch = readBatch(db, spec, plan, machineText, current, batchRows);
        continue;
      }
      // Under the lock nobody else writes this machine's rows of this table, and every committed
      // batch moved the watermark with it: when nothing of ours lies past the watermark, the batch
      // (local ids, unique, all > watermark) cannot conflict and goes straight in with COPY.
      const direct =
        opts.staging !== 'always' &&
        (await client.query(`SELECT 1 FROM ${quoteIdent(spec.table)} WHERE ${MACHINE_COLUMN} = $1 AND id > $2 LIMIT 1`, [machine, current])).rows.length === 0;
      let inserting: Promise<{ rowCount: number | null }>;
      if (direct) {
        inserting = copyInto(client, spec.table, cols, batch.chunks).then(() => ({ rowCount: batch.rows }));
      } else {
        await client.query(`CREATE TEMP TABLE tl_stage (LIKE ${quoteIdent(spec.table)}) ON COMMIT DROP`);
        await copyInto(client, 'tl_stage', cols, batch.chunks);
        inserting = client.query(`INSERT INTO ${quoteIdent(spec.table)} (${colList}) SELECT ${colList} FROM tl_stage ON CONFLICT (${MACHINE_COLUMN}, id) DO NOTHING`);
      }
      // read the next batch locally while the server inserts this one
      next = readBatch(db, spec, plan, machineText, batch.lastId, batchRows);
      const inserted = (await inserting).rowCount ?? 0;
      await client.query(
        `INSERT INTO team_watermarks (machine, table_name, last_id, rows_synced, synced_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (machine, table_name) DO UPDATE SET last_id = excluded.last_id, rows_synced = team_watermarks.rows_synced + excluded.rows_synced, synced_at = now()`,
        [machine, spec.table, batch.lastId, inserted],
      );
      await client.query('COMMIT');
      result.sent += batch.rows;
      result.inserted += inserted;
      result.keptInExtra += batch.keptInExtra;
      result.watermark = batch.lastId;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    opts.onBatch?.({ table: spec.table, rows: batch.rows, watermark: result.watermark });
    batch = next;
  }
  return result;
}

/** Ledger mirrors: small, and their rows change (offsets, counts), so upsert them whole. */
async function syncMirrorTable(client: Client, db: SqlDatabase, spec: TeamTableSpec, teamTypes: Map<string, TeamColumnType>, machine: string): Promise<TableSyncResult> {
  const plan = columnPlan(spec, teamTypes);
  const cols = [MACHINE_COLUMN, ...plan.names];
  const colList = cols.map(quoteIdent).join(', ');
  const batch = readBatch(db, spec, plan, machineCopyText(machine), Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  const updates = plan.names.filter((n) => n !== 'id').map((n) => `${quoteIdent(n)} = excluded.${quoteIdent(n)}`);
  await client.query('BEGIN');
  try {
    await client.query(SYNC_LOCK_SQL, [machine, spec.table]);
    await client.query(`CREATE TEMP TABLE tl_stage (LIKE ${quoteIdent(spec.table)}) ON COMMIT DROP`);
    if (batch.rows) await copyInto(client, 'tl_stage', cols, batch.chunks);
    const r = await client.query(
      `INSERT INTO ${quoteIdent(spec.table)} (${colList}) SELECT ${colList} FROM tl_stage
       ON CONFLICT (${MACHINE_COLUMN}, id) DO ${updates.length ? `UPDATE SET ${updates.join(', ')}` : 'NOTHING'}`,
    );
    await client.query(`DELETE FROM ${quoteIdent(spec.table)} t WHERE t.${MACHINE_COLUMN} = $1 AND NOT EXISTS (SELECT 1 FROM tl_stage s WHERE s.id = t.id)`, [machine]);
    await client.query('COMMIT');
    return { table: spec.table, kind: 'mirror', sent: batch.rows, inserted: r.rowCount ?? 0, watermark: batch.lastId, keptInExtra: batch.keptInExtra };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
