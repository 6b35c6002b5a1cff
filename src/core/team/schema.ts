/**
 * The team database's schema, in PostgreSQL's dialect.
 *
 * Versioned migrations (TEAM_MIGRATIONS) create the bookkeeping and the ten known event tables,
 * recorded with SHA-256 checksums in `schema_migrations`; an applied migration whose text changed
 * is refused, like the local runner does. Tables that appear later on a machine (inferred tables,
 * columns a newer local schema or the user's own migrations added, the ingest ledger mirrors) are
 * added as they appear by ensureTeamTable, which records them in `team_tables`/`team_columns`.
 *
 * Every synced table is the local table plus `machine text`; rows are keyed by (machine, id):
 * `id` is the local INTEGER PRIMARY KEY AUTOINCREMENT, which SQLite assigns to every row —
 * including rows other programs insert without any Telemetry Lens bookkeeping — never reuses,
 * and keeps through VACUUM and baseline. So a re-run adds nothing and two machines with the same
 * events keep both.
 */
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { JSON_COLUMNS, MACHINE_COLUMN, quoteIdent, quoteLiteral, type TeamColumnType } from './dialect';

export interface TeamMigration {
  version: number;
  description: string;
  sql: string;
}

/** Session-level advisory lock key for schema changes (migrations, new tables, new columns). */
const SCHEMA_LOCK = 0x746c5343; // 'tlSC'

export interface TeamColumn {
  name: string;
  type: TeamColumnType;
}

export interface TeamTableSpec {
  table: string;
  /** 'event' tables are appended to by watermark; 'mirror' tables (ledger) are upserted whole */
  kind: 'event' | 'mirror';
  columns: TeamColumn[];
  /** epoch-seconds column used for day validation, BRIN and (machine, time) indexes */
  timeColumn: string | null;
  /** extra single-column btree indexes (the local schema's own indexes) */
  indexes?: string[];
}

/** Short, collision-free index name for any table name (PostgreSQL cuts names at 63 bytes). */
export function indexName(table: string, what: string): string {
  const readable = `${table}_${what}`;
  if (Buffer.byteLength(readable) <= 50 && /^[a-z0-9_]+$/.test(readable)) return `tl_${readable}`;
  return `tl_${createHash('sha1').update(table).digest('hex').slice(0, 12)}_${what.replace(/[^a-z0-9_]/g, '').slice(0, 30)}`;
}

/** CREATE TABLE + indexes for one synced table (idempotent: IF NOT EXISTS throughout). */
export function teamTableDdl(spec: TeamTableSpec): string {
  const t = quoteIdent(spec.table);
  const cols = spec.columns.filter((c) => c.name !== 'id' && c.name !== MACHINE_COLUMN);
  const out = [
    `CREATE TABLE IF NOT EXISTS ${t} (\n  ${MACHINE_COLUMN} text NOT NULL,\n  id bigint NOT NULL,\n${cols
      .map((c) => `  ${quoteIdent(c.name)} ${c.type}`)
      .join(',\n')}${cols.length ? ',\n' : ''}  PRIMARY KEY (${MACHINE_COLUMN}, id)\n);`,
  ];
  out.push(...teamIndexDdl(spec));
  return out.join('\n') + '\n';
}

export function teamIndexDdl(spec: TeamTableSpec): string[] {
  const t = quoteIdent(spec.table);
  const out: string[] = [];
  if (spec.kind !== 'event') return out;
  const names = new Set(spec.columns.map((c) => c.name));
  if (spec.timeColumn && names.has(spec.timeColumn)) {
    const tc = quoteIdent(spec.timeColumn);
    out.push(`CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(spec.table, 'machine_time'))} ON ${t} (${MACHINE_COLUMN}, ${tc});`);
    // events arrive roughly in time order: a BRIN index is tiny and serves range scans of big tables
    out.push(`CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(spec.table, 'time_brin'))} ON ${t} USING brin (${tc});`);
  }
  for (const c of spec.columns) {
    if (JSON_COLUMNS.has(c.name) && c.type === 'jsonb') {
      out.push(`CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(spec.table, c.name + '_gin'))} ON ${t} USING gin (${quoteIdent(c.name)} jsonb_path_ops);`);
    }
  }
  for (const col of spec.indexes ?? []) {
    if (names.has(col)) out.push(`CREATE INDEX IF NOT EXISTS ${quoteIdent(indexName(spec.table, col))} ON ${t} (${quoteIdent(col)});`);
  }
  return out;
}

const PROVENANCE: TeamColumn[] = [
  { name: 'source_id', type: 'bigint' },
  { name: 'source_line', type: 'bigint' },
  { name: 'extra', type: 'jsonb' },
  { name: 'stream_id', type: 'bigint' },
  { name: 'row_hash', type: 'bigint' },
  { name: 'row_seq', type: 'bigint' },
];

function known(table: string, spec: string, indexes: string[], timeColumn = 'timestamp'): TeamTableSpec {
  const columns: TeamColumn[] = spec
    .trim()
    .split(/,\s*/)
    .map((pair) => {
      const [name, ...type] = pair.trim().split(/\s+/);
      return { name, type: type.join(' ') as TeamColumnType };
    });
  return { table, kind: 'event', columns: [...columns, ...PROVENANCE], timeColumn, indexes };
}

/** The ten known event tables of the local V1 schema, in PostgreSQL types (frozen with V1 below). */
export const KNOWN_TEAM_TABLES: TeamTableSpec[] = [
  known('routing_metrics_events', 'timestamp bigint, query_id text, predicted_model text, actual_model text, dq_score double precision, complexity double precision, accuracy bigint, cost_saved double precision, latency_ms double precision, reasoning text', ['accuracy']),
  known('self_heal_events', 'timestamp bigint, error_pattern text, fix_applied text, success bigint, execution_time_ms bigint, error_message text, context jsonb', ['error_pattern', 'success']),
  known('recovery_events', 'timestamp bigint, error_type text, recovery_strategy text, success bigint, attempts bigint, time_to_recover_ms bigint, error_details text', ['error_type', 'success']),
  known('git_events', 'timestamp bigint, event_type text, repo text, branch text, commit_hash text, message text, files_changed bigint, additions bigint, deletions bigint', ['event_type', 'repo']),
  known('coordinator_events', 'timestamp bigint, agent_id text, action text, strategy text, file_path text, result text, duration_ms bigint', ['agent_id']),
  known('expertise_routing_events', 'timestamp bigint, domain text, expertise_level double precision, query_complexity double precision, chosen_model text, reasoning text', ['domain']),
  known('tool_events', 'timestamp bigint, tool text, session_id text, model text, success bigint, exit_code bigint, file_path text, command text', ['tool', 'session_id']),
  known('activity_events', 'timestamp bigint, event_type text, tool text, model text, query text, session_id text, success bigint', ['event_type']),
  known('session_outcome_events', 'timestamp bigint, session_id text, outcome text, quality double precision, complexity double precision, intent text, model text, messages_count bigint, duration_minutes double precision, cost_usd double precision, success bigint, summary text', ['session_id', 'outcome']),
  known('skill_invocation', 'skill_name text, invoked_at bigint, workflow_path text, completed bigint, duration_seconds double precision, error_type text, session_id text, follow_up_actions text', ['skill_name', 'completed'], 'invoked_at'),
];

const V1_SQL = `
CREATE TABLE team_machines (
  machine text PRIMARY KEY,
  first_synced_at timestamptz NOT NULL DEFAULT now(),
  last_synced_at timestamptz NOT NULL DEFAULT now(),
  database_path text
);
CREATE TABLE team_watermarks (
  machine text NOT NULL,
  table_name text NOT NULL,
  last_id bigint NOT NULL DEFAULT 0,
  rows_synced bigint NOT NULL DEFAULT 0,
  synced_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (machine, table_name)
);
CREATE TABLE team_tables (
  table_name text PRIMARY KEY,
  kind text NOT NULL,
  time_column text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE team_columns (
  table_name text NOT NULL,
  column_name text NOT NULL,
  column_type text NOT NULL,
  added_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (table_name, column_name)
);
${KNOWN_TEAM_TABLES.map(teamTableDdl).join('')}${KNOWN_TEAM_TABLES.map(
  (s) =>
    `INSERT INTO team_tables (table_name, kind, time_column) VALUES (${quoteLiteral(s.table)}, 'event', ${quoteLiteral(s.timeColumn!)});\n` +
    `INSERT INTO team_columns (table_name, column_name, column_type) VALUES ${s.columns.map((c) => `(${quoteLiteral(s.table)}, ${quoteLiteral(c.name)}, ${quoteLiteral(c.type)})`).join(', ')};\n`,
).join('')}`.trimStart();

export const TEAM_MIGRATIONS: TeamMigration[] = [{ version: 1, description: 'team_core', sql: V1_SQL }];

export function teamMigrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** Applies pending team migrations (one transaction each) under the schema lock; refuses edited ones. */
export async function migrateTeamSchema(client: Client, migrations: TeamMigration[] = TEAM_MIGRATIONS): Promise<{ applied: string[]; current: number }> {
  await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  checksum text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now(),
  execution_ms integer NOT NULL DEFAULT 0
)`);
    const done = new Map<number, { name: string; checksum: string }>();
    for (const r of (await client.query('SELECT version, name, checksum FROM schema_migrations')).rows) done.set(Number(r.version), r);
    const applied: string[] = [];
    for (const m of migrations) {
      const name = `V${m.version}__${m.description}`;
      const checksum = teamMigrationChecksum(m.sql);
      const prior = done.get(m.version);
      if (prior) {
        if (prior.checksum !== checksum) {
          throw new TeamSchemaError(`team migration ${name} was applied with checksum ${prior.checksum.slice(0, 12)}… but this version of Telemetry Lens has ${checksum.slice(0, 12)}…: refusing to change the team schema`);
        }
        continue;
      }
      const started = Date.now();
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum, execution_ms) VALUES ($1, $2, $3, $4)', [m.version, name, checksum, Date.now() - started]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
      applied.push(name);
    }
    const newest = Math.max(0, ...migrations.map((m) => m.version), ...done.keys());
    return { applied, current: newest };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
  }
}

export class TeamSchemaError extends Error {}

/** Column types of every table in the team schema, in one catalogue query. */
export async function allTeamColumns(client: Client): Promise<Map<string, Map<string, TeamColumnType>>> {
  const out = new Map<string, Map<string, TeamColumnType>>();
  const r = await client.query(`SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`);
  for (const x of r.rows) {
    let m = out.get(String(x.table_name));
    if (!m) out.set(String(x.table_name), (m = new Map()));
    m.set(String(x.column_name), String(x.data_type) as TeamColumnType);
  }
  return out;
}

/** Column types of a team table as PostgreSQL has them (empty map: no such table). */
export async function teamTableColumns(client: Client, table: string): Promise<Map<string, TeamColumnType>> {
  const r = await client.query(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  return new Map(r.rows.map((x) => [String(x.column_name), String(x.data_type) as TeamColumnType]));
}

/**
 * Makes the team table hold every column of `spec` (creating the table when new). Existing
 * columns keep their type: a value that does not fit is kept in `extra` by the sync.
 * Returns the team's column types.
 */
export async function ensureTeamTable(client: Client, spec: TeamTableSpec, known?: Map<string, TeamColumnType>): Promise<Map<string, TeamColumnType>> {
  let have = known ?? (await teamTableColumns(client, spec.table));
  const missing = () => spec.columns.filter((c) => !have.has(c.name));
  if (have.size > 0 && missing().length === 0) return have;
  await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK]);
  try {
    have = await teamTableColumns(client, spec.table);
    await client.query('BEGIN');
    try {
      if (have.size === 0) {
        await client.query(teamTableDdl(spec));
        await client.query('INSERT INTO team_tables (table_name, kind, time_column) VALUES ($1, $2, $3) ON CONFLICT (table_name) DO NOTHING', [spec.table, spec.kind, spec.timeColumn]);
      } else {
        for (const c of missing()) await client.query(`ALTER TABLE ${quoteIdent(spec.table)} ADD COLUMN IF NOT EXISTS ${quoteIdent(c.name)} ${c.type}`);
        // a time column that appeared later still gets its indexes
        for (const ddl of teamIndexDdl(spec)) await client.query(ddl);
        if (spec.timeColumn) await client.query('UPDATE team_tables SET time_column = coalesce(time_column, $2) WHERE table_name = $1', [spec.table, spec.timeColumn]);
      }
      for (const c of spec.columns) {
        await client.query('INSERT INTO team_columns (table_name, column_name, column_type) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [spec.table, c.name, have.get(c.name) ?? c.type]);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
    return await teamTableColumns(client, spec.table);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK]);
  }
}
