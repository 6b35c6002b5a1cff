/**
 * Seed 004's validate_migration: after a sync, per event table and UTC day, the machine's local
 * row count against the team database's count of that machine's rows. Any difference (rows
 * lost, doubled, or deleted locally after they were synced) is a mismatch: `sync` exits 1.
 */
import type { Client } from 'pg';
import type { SqlDatabase } from '../db/database';
import { queryRows } from '../db/queryHelpers';
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

export interface ValidateOptions {
  /**
   * Per table, the watermark this sync started from. A table whose totals agree then has only the
   * days of its rows past that watermark counted (a range both sides read by index); every other
   * day is covered by the totals. A table whose totals or touched days differ gets the full
   * per-day comparison, so the mismatch report names its days. Absent: every table in full.
   */
  since?: ReadonlyMap<string, number>;
}

export async function validateMachine(client: Client, db: SqlDatabase, machine: string, specs: TeamTableSpec[], opts: ValidateOptions = {}): Promise<ValidationResult> {
  if (!opts.since) return validateFull(client, db, machine, specs);
  const result: ValidationResult = { ok: true, tables: [], mismatches: [] };
  const types = await teamTimeTypes(client, specs);
  const full: TeamTableSpec[] = [];
  for (const spec of specs) {
    const table = quoteIdent(spec.table);
    const since = opts.since.get(spec.table) ?? 0;
    const teamTotal = Number((await client.query(`SELECT count(*) AS n FROM ${table} WHERE ${MACHINE_COLUMN} = $1`, [machine])).rows[0].n);
    const localTotal = Number(queryRows<{ n: number }>(db, `SELECT count(*) AS n FROM ${table}`)[0].n);
    const type = spec.timeColumn ? types.get(`${spec.table}/${spec.timeColumn}`) : undefined;
    // most of the table is new (a first sync): comparing every day costs no more than the days touched
    const fresh = since <= 0 ? localTotal : Number(queryRows<{ n: number }>(db, `SELECT count(*) AS n FROM ${table} WHERE id > ?`, [since])[0].n);
    if (teamTotal !== localTotal || (spec.timeColumn && type !== 'bigint') || (spec.timeColumn && fresh * 2 > localTotal)) {
      full.push(spec);
      continue;
    }
    // (a table without a time column has one "day", NULL: the totals are its per-day comparison)
    let checked = 0;
    if (spec.timeColumn) {
      const tc = quoteIdent(spec.timeColumn);
      const touched = queryRows<{ lo: number | null; hi: number | null; unusable: number }>(
        db,
        `SELECT min(d) AS lo, max(d) AS hi, sum(d IS NULL) AS unusable FROM (SELECT ${dayNumberOf.sqlite(tc)} AS d FROM ${table} WHERE id > ?)`,
        [since],
      )[0];
      if (Number(touched.unusable ?? 0) > 0) {
        // rows without a usable time: only a full pass counts them per "day"
        full.push(spec);
        continue;
      }
      if (touched.lo !== null && touched.hi !== null) {
        const from = Number(touched.lo) * 86400;
        const to = (Number(touched.hi) + 1) * 86400;
        const local = new Map<string | null, number>();
        for (const r of queryRows<{ day: number; n: number }>(db, `SELECT ${dayNumberOf.sqlite(tc)} AS day, count(*) AS n FROM ${table} WHERE ${tc} >= ? AND ${tc} < ? GROUP BY 1`, [from, to])) local.set(dayText(r.day), Number(r.n));
        const team = new Map<string | null, number>();
        for (const r of (await client.query(`SELECT ${dayNumberOf.postgres(tc)} AS day, count(*) AS n FROM ${table} WHERE ${MACHINE_COLUMN} = $1 AND ${tc} >= $2 AND ${tc} < $3 GROUP BY 1`, [machine, from, to])).rows) {
          team.set(dayText(r.day), Number(r.n));
        }
        const days = new Set([...local.keys(), ...team.keys()]);
        if ([...days].some((d) => (local.get(d) ?? 0) !== (team.get(d) ?? 0))) {
          full.push(spec);
          continue;
        }
        checked = days.size;
      }
    }
    result.tables.push({ table: spec.table, local: localTotal, team: teamTotal, days: checked });
  }
  if (full.length) {
    const detail = await validateFull(client, db, machine, full);
    result.tables.push(...detail.tables);
    result.mismatches.push(...detail.mismatches);
    const order = new Map(specs.map((s, i) => [s.table, i]));
    result.tables.sort((a, b) => order.get(a.table)! - order.get(b.table)!);
  }
  result.ok = result.mismatches.length === 0;
  return result;
}

async function teamTimeTypes(client: Client, specs: TeamTableSpec[]): Promise<Map<string, string>> {
  return new Map<string, string>(
    (await client.query(`SELECT table_name || '/' || column_name AS k, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1)`, [specs.map((s) => s.table)])).rows.map((r) => [String(r.k), String(r.data_type)]),
  );
}

/** Every day of every table, both sides (seed 004's validate_migration as written). */
async function validateFull(client: Client, db: SqlDatabase, machine: string, specs: TeamTableSpec[]): Promise<ValidationResult> {
  const result: ValidationResult = { ok: true, tables: [], mismatches: [] };
  const timeColumns = await teamTimeTypes(client, specs);
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
