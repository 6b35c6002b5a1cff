/**
 * Seed 004's validate_migration: after a sync, per event table and UTC day, the machine's local
 * row count against the team database's count of that machine's rows. Any difference (rows
 * lost, doubled, or deleted locally after they were synced) is a mismatch: `sync` exits 1.
 */
import type { Client } from 'pg';
import type { SqlDatabase } from '../db/database';
import { queryRows } from '../metrics/sql';
import { dayOf, MACHINE_COLUMN, quoteIdent } from './dialect';
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
  for (const spec of specs) {
    const t = quoteIdent(spec.table);
    const tc = spec.timeColumn ? quoteIdent(spec.timeColumn) : null;
    const local = new Map<string | null, number>();
    for (const r of queryRows<{ day: string | null; n: number }>(db, `SELECT ${tc ? dayOf.sqlite(tc) : 'NULL'} AS day, count(*) AS n FROM ${t} GROUP BY 1`)) local.set(r.day, Number(r.n));
    const team = new Map<string | null, number>();
    const teamHasTime = tc !== null && (await client.query(`SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`, [spec.table, spec.timeColumn])).rows.length > 0;
    const rows = (await client.query(`SELECT ${teamHasTime ? dayOf.postgres(tc!) : 'NULL'} AS day, count(*) AS n FROM ${t} WHERE ${MACHINE_COLUMN} = $1 GROUP BY 1`, [machine])).rows;
    for (const r of rows) team.set(r.day ?? null, Number(r.n));
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
