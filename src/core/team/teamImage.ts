/**
 * The team's rows as the local schema in an in-memory SQLite image: what both read paths share.
 * materialiseTeam (read.ts) copies every row into it; TeamRollupImage (rollupImage.ts) copies the
 * rollups computed in PostgreSQL and only the rows a request reads. Machines, the ledgers (streams
 * and sources, renumbered per machine), inferred tables and row ids are decided here once, so the two paths hold the same rows under the same ids.
 */
import type { Client } from 'pg';
import { types as pgTypes } from 'pg';
import type { SqlDatabase } from '../db/database';
import { UsageError } from '../db/errors';
import { queryRows, tableExists } from '../db/queryHelpers';
import { ensureSchema } from '../schema';
import { MACHINE_COLUMN, quoteIdent, type TeamColumnType } from './dialect';

/** int8 as JS numbers (ids, epoch seconds, hashes < 2^53) and JSON columns as their text, like SQLite holds them. */
export const RAW_TYPES = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (v: string) => Number(v);
    if (oid === 3802 || oid === 114) return (v: string) => v;
    if (oid === 1700) return (v: string) => Number(v);
    return pgTypes.getTypeParser(oid, format ?? 'text');
  },
};

const SQLITE_TYPE: Record<TeamColumnType, string> = { bigint: 'INTEGER', 'double precision': 'REAL', text: 'TEXT', jsonb: 'TEXT', bytea: 'BLOB' };

/**
 * With several machines a row's image id is machineIndex·2^40 + its local id: unique, in each
 * machine's own order, and the same whichever rows of it are copied (both paths, any subset).
 */
export const MACHINE_ID_SPAN = 2 ** 40;

const LEDGERS = new Set(['ingest_streams', 'ingest_sources']);

export interface ImageTable {
  name: string;
  kind: string;
  /** team columns the image table has too (machine excluded) */
  cols: string[];
  types: Map<string, TeamColumnType>;
}

/** The machines a read covers: one (checked), or every machine of the team, by name. */
export async function resolveMachines(c: Client, machine?: string): Promise<string[]> {
  if (machine) {
    if (!(await c.query('SELECT 1 FROM team_machines WHERE machine = $1', [machine])).rows.length) {
      throw new UsageError(`the team database has no machine named "${machine}" (see health --db URL)`);
    }
    return [machine];
  }
  return (await c.query('SELECT machine FROM team_machines ORDER BY machine')).rows.map((r) => String(r.machine));
}

export class ImageBuilder {
  private readonly streamIds = new Map<string, number>();
  private readonly sourceIds = new Map<string, number>();
  readonly tables: ImageTable[] = [];

  constructor(
    readonly db: SqlDatabase,
    readonly machines: string[],
  ) {}

  get single(): boolean {
    return this.machines.length === 1;
  }

  /** The image id of a machine's row. */
  rowId(machine: string, id: number): number {
    if (this.single) return id;
    if (!(id >= 0 && id < MACHINE_ID_SPAN)) throw new Error(`row id ${id} of machine ${machine} is outside 0..2^40`);
    return this.machines.indexOf(machine) * MACHINE_ID_SPAN + id;
  }

  /** Local schema, the team's tables (inferred ones created), ledgers first: the tables to copy into. */
  async prepare(c: Client): Promise<void> {
    ensureSchema(this.db);
    const tables = (await c.query(`SELECT table_name, kind FROM team_tables ORDER BY CASE WHEN table_name = 'ingest_streams' THEN 0 WHEN table_name = 'ingest_sources' THEN 1 ELSE 2 END, table_name`)).rows;
    for (const t of tables) {
      const teamCols = (await c.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, [t.table_name])).rows
        .map((r) => ({ name: String(r.column_name), type: String(r.data_type) as TeamColumnType }))
        .filter((col) => col.name !== MACHINE_COLUMN);
      if (!tableExists(this.db, t.table_name)) {
        if (t.kind !== 'event') continue;
        const defs = teamCols.filter((col) => col.name !== 'id').map((col) => `${quoteIdent(col.name)} ${SQLITE_TYPE[col.type] ?? 'TEXT'}`);
        this.db.run(`CREATE TABLE ${quoteIdent(t.table_name)} (id INTEGER PRIMARY KEY AUTOINCREMENT${defs.length ? ', ' + defs.join(', ') : ''})`);
      }
      const localCols = new Set(queryRows<{ name: string }>(this.db, 'SELECT name FROM pragma_table_info(?)', [t.table_name]).map((r) => r.name));
      this.tables.push({
        name: String(t.table_name),
        kind: String(t.kind),
        cols: teamCols.map((col) => col.name).filter((n) => localCols.has(n)),
        types: new Map(teamCols.map((col) => [col.name, col.type])),
      });
    }
  }

  /**
   * Copies one machine's rows of a table that match `where` (SQL over alias t, parameters from $2;
   * $1 is the machine): in id order, in pages, or with `orderLimit` as one query (newest first…).
   * `ignoreKnown`: rows the image holds already are skipped (a later request's rows overlap).
   */
  async copy(c: Client, table: ImageTable, machine: string, opts: { where?: string; params?: unknown[]; orderLimit?: string; ignoreKnown?: boolean; batchRows?: number } = {}): Promise<number> {
    const cols = table.cols;
    const writeCols = cols;
    const insert = this.db.prepare(
      `INSERT INTO ${quoteIdent(table.name)} (${writeCols.map(quoteIdent).join(', ')}) VALUES (${writeCols.map(() => '?').join(', ')})${opts.ignoreKnown && cols.includes('id') ? ' ON CONFLICT (id) DO NOTHING' : ''}`,
    );
    const select = `SELECT ${cols.map((n) => `t.${quoteIdent(n)}`).join(', ')} FROM ${quoteIdent(table.name)} AS t WHERE t.${MACHINE_COLUMN} = $1${opts.where ? ` AND (${opts.where})` : ''}`;
    let copied = 0;
    const put = (rows: unknown[][]) => {
      for (const row of rows) {
        const byName: Record<string, unknown> = {};
        cols.forEach((n, i) => (byName[n] = row[i]));
        if (!this.single) this.remap(table.name, machine, byName);
        insert.run(writeCols.map((n) => (byName[n] === undefined ? null : byName[n])) as never);
        copied++;
      }
    };
    try {
      if (opts.orderLimit) {
        const r = await c.query({ text: `${select} ${opts.orderLimit}`, values: [machine, ...(opts.params ?? [])], rowMode: 'array', types: RAW_TYPES });
        put(r.rows as unknown[][]);
      } else {
        let after = Number.MIN_SAFE_INTEGER;
        for (;;) {
          const r = await c.query({
            text: `${select} AND t.id > $${2 + (opts.params?.length ?? 0)} ORDER BY t.id LIMIT ${Math.max(1, Math.floor(opts.batchRows ?? 50000))}`,
            values: [machine, ...(opts.params ?? []), after],
            rowMode: 'array',
            types: RAW_TYPES,
          });
          if (!r.rows.length) break;
          after = Number((r.rows[r.rows.length - 1] as unknown[])[cols.indexOf('id')]);
          put(r.rows as unknown[][]);
        }
      }
    } finally {
      insert.free();
    }
    return copied;
  }

  /** Streams and sources get fresh ids per machine so two machines' ledgers do not collide; stream 0 (adopted) stays apart per machine too. */
  private remap(table: string, machine: string, row: Record<string, unknown>): void {
    const machineIndex = this.machines.indexOf(machine);
    const stream = (id: unknown) => {
      if (id === null || id === undefined) return id;
      if (Number(id) === 0) return machineIndex === 0 ? 0 : -machineIndex;
      const key = `${machine}\u0000${id}`;
      if (!this.streamIds.has(key)) this.streamIds.set(key, this.streamIds.size + 1);
      return this.streamIds.get(key)!;
    };
    const source = (id: unknown) => {
      if (id === null || id === undefined) return id;
      const key = `${machine}\u0000${id}`;
      if (!this.sourceIds.has(key)) this.sourceIds.set(key, this.sourceIds.size + 1);
      return this.sourceIds.get(key)!;
    };
    if (table === 'ingest_streams') {
      row.id = stream(row.id);
      // stream keys are paths on that machine: two machines may share one
      row.stream_key = `${machine}:${row.stream_key}`;
    } else if (table === 'ingest_sources') {
      row.id = source(row.id);
      row.stream_id = stream(row.stream_id);
      row.path = `${machine}:${row.path}`;
    } else {
      if ('id' in row && row.id !== null && row.id !== undefined) row.id = this.rowId(machine, Number(row.id));
      if ('stream_id' in row) row.stream_id = stream(row.stream_id);
      if ('source_id' in row) row.source_id = source(row.source_id);
    }
  }
}

export function isLedger(table: string): boolean {
  return LEDGERS.has(table);
}
