/**
 * Seed 004's validate_migration: after a sync, per event table and UTC day, the machine's local
 * row count against the team database's count of that machine's rows. Any difference (rows
 * lost, doubled, or deleted locally after they were synced) is a mismatch: `sync` exits 1.
 */
import type { Client } from 'pg';
import type { SqlDatabase } from '../db/database';
import { queryRows } from '../metrics/sql';
import { dayNumberOf, dayOf, dayText, MACHINE_COLUMN, quoteIdent } from './dialect';
import type { TeamTableSpec } from './schema';

export interface DayMismatch {
  table: string;
  /** 'YYYY-MM-DD' (UTC), or null for rows without a usable time */
  day: string | null;
  local: number;
  team: number;
}

export interface ValidationResult {
  ok: boolean;
  tables: { table: string; local: number; team: number; days: number }[];
  mismatches: DayMismatch[];
}

export async function validateMachine(client: Client, db: SqlDatabase, machine: string, specs: TeamTableSpec[]): Promise<ValidationResult> {
  const result: ValidationResult = { ok: true, tables: [], mismatches: [] };
  const timeColumns = new Map<string, string>(
    (await client.query(`SELECT table_name || '/' || column_name AS k, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1)`, [specs.map((s) => s.table)])).rows.map((r) => [String(r.k), String(r.data_type)]),
  );
  // the team's counts are computed by the server (one query after the other) while the local ones are computed here
  const teamCounts = (async () => {
    const out: { day: string | number | null; n: string }[][] = [];
    for (const spec of specs) {
      const type = spec.timeColumn ? timeColumns.get(`${spec.table}/${spec.timeColumn}`) : undefined;
      const tc = spec.timeColumn && type ? quoteIdent(spec.timeColumn) : null;
      // integer arithmetic on bigint time columns; any other type the date text as before
      const day = tc ? (type === 'bigint' ? dayNumberOf.postgres(tc) : dayOf.postgres(tc)) : 'NULL';
      out.push((await client.query(`SELECT ${day} AS day, count(*) AS n FROM ${quoteIdent(spec.table)} WHERE ${MACHINE_COLUMN} = $1 GROUP BY 1`, [machine])).rows);
    }
    return out;
  })();
  teamCounts.catch(() => undefined);
  const locals = specs.map((spec) => {
    const tc = spec.timeColumn ? quoteIdent(spec.timeColumn) : null;
    const local = new Map<string | null, number>();
    for (const r of queryRows<{ day: number | null; n: number }>(db, `SELECT ${tc ? dayNumberOf.sqlite(tc) : 'NULL'} AS day, count(*) AS n FROM ${quoteIdent(spec.table)} GROUP BY 1`)) local.set(dayText(r.day), Number(r.n));
    return local;
  });
  const teamRows = await teamCounts;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    const local = locals[i];
    const team = new Map<string | null, number>();
    for (const r of teamRows[i]) team.set(dayText(r.day), Number(r.n));
    let localTotal = 0;
    let teamTotal = 0;
    const days = new Set([...local.keys(), ...team.keys()]);
    for (const day of [...days].sort()) {
      const l = local.get(day) ?? 0;
      const m = team.get(day) ?? 0;
      localTotal += l;
      teamTotal += m;
      if (l !== m) result.mismatches.push({ table: spec.table, day, local: l, team: m });
    }
    result.tables.push({ table: spec.table, local: localTotal, team: teamTotal, days: days.size });
  }
  result.ok = result.mismatches.length === 0;
  return result;
}
