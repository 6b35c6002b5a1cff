/**
 * Dual-read validation (seed 002 phase 3, docs/writer-contract.md): per JSONL source, which
 * events are only in the JSONL, only in the database (written directly by a program), in both,
 * and where the two copies of one event disagree. Read-only; a snapshot is enough (rows a hook
 * wrote after Telemetry Lens's last run are matched by natural key, like ingest would claim them).
 */
import type { SqlDatabase as Database } from '../db/database';
import { KNOWN_SOURCES } from '../formats/catalogue';
import { columnNames, DIRECT_ROWS_TABLE, loadDirectRows } from './directRows';
import { buildMapper } from './lineRows';
import { DirectRowIndex, disagreements, naturalKeyFor, type Values } from './naturalKeys';
import { scanDocument, scanJsonl } from './scan';
import { quoteIdent, tableExists } from './sql';
import type { DiscoveredSource } from './types';
import { readWriterModes } from './writerMode';

export type WriterMode = 'jsonl-only' | 'dual-write' | 'database-native';

export interface FieldDisagreement {
  path: string;
  line: number;
  rowId: number;
  column: string;
  jsonl: string | number | null;
  database: string | number | null;
}

export interface DualReadSource {
  stream: string;
  table: string;
  paths: string[];
  mode: WriterMode;
  naturalKey: string;
  /** events only in the JSONL (no row a program wrote directly) */
  onlyJsonl: number;
  /** rows a program wrote directly that no JSONL line of this source matches (within its time span) */
  onlyDatabase: number;
  /** events in both */
  both: number;
  /** of `both`, how many were matched without having been claimed yet (a hook wrote after the last run) */
  bothUnclaimed: number;
  /** per file: lines matched to a not-yet-claimed direct row (verify counts them as present) */
  unclaimedMatchesByPath: Record<string, number>;
  disagreements: FieldDisagreement[];
  /** lines that matched several different direct rows (kept apart) */
  ambiguous: { path: string; line: number }[];
  /** events in both with no disagreement / every event, in percent (null when no events) */
  agreementPercent: number | null;
  /** one-sided events tolerated as in flight (within IN_FLIGHT_SECONDS of the newest event) */
  inFlight: number;
  ok: boolean;
}

/** Events this close to the newest one may still have their other copy on the way. */
export const IN_FLIGHT_SECONDS = 5;

function claimedRows(db: Database, table: string, sourceIds: number[], columns: string[]): Map<string, { id: number; values: Values }> {
  const out = new Map<string, { id: number; values: Values }>();
  if (!sourceIds.length || !tableExists(db, DIRECT_ROWS_TABLE)) return out;
  const have = new Set(columnNames(db, table));
  const cols = columns.filter((c) => have.has(c));
  const stmt = db.prepare(
    `SELECT d.claimed_source_id, d.claimed_line, t.id${cols.map((c) => `, t.${quoteIdent(c)}`).join('')} FROM ${DIRECT_ROWS_TABLE} d JOIN ${quoteIdent(table)} t ON t.id = d.row_id
     WHERE d.table_name = ? AND d.claimed_source_id IN (${sourceIds.map(() => '?').join(', ')})`,
  );
  try {
    stmt.bind([table, ...sourceIds]);
    while (stmt.step()) {
      const r = stmt.get();
      const values: Values = {};
      for (let i = 0; i < cols.length; i++) values[cols[i]] = r[i + 3];
      out.set(`${String(r[0])}:${String(r[1])}`, { id: Number(r[2]), values });
    }
  } finally {
    stmt.free();
  }
  return out;
}

function sourceIdOf(db: Database, p: string): number | null {
  if (!tableExists(db, 'ingest_sources')) return null;
  const r = db.exec('SELECT id FROM ingest_sources WHERE path = ? ORDER BY id DESC LIMIT 1', [p]);
  return r.length ? Number(r[0].values[0][0]) : null;
}

/** Dual-read of one stream (its files) against the database. Known sources only (others: null). */
export async function dualReadStream(db: Database, key: string, files: DiscoveredSource[], tz: string): Promise<DualReadSource | null> {
  const first = files[0];
  const known = KNOWN_SOURCES.find((k) => k.kind === first.kind);
  if (!known || !tableExists(db, known.table)) return null;
  const mapper = buildMapper({ kind: known.kind, table: known.table, tz, adoptedColumns: null, inferredColumns: null });
  const nk = naturalKeyFor(known.table);
  const timeColumn = mapper.timeColumn;
  const index = new DirectRowIndex(loadDirectRows(db, known.table, mapper.columns, timeColumn), nk, mapper.columns, timeColumn);
  const ids = files.map((f) => sourceIdOf(db, f.path));
  const claimed = claimedRows(db, known.table, ids.filter((x): x is number => x !== null), mapper.columns);
  const res: DualReadSource = {
    stream: key,
    table: known.table,
    paths: files.map((f) => f.path),
    mode: 'jsonl-only',
    naturalKey: nk.description,
    onlyJsonl: 0,
    onlyDatabase: 0,
    both: 0,
    bothUnclaimed: 0,
    unclaimedMatchesByPath: {},
    disagreements: [],
    ambiguous: [],
    agreementPercent: null,
    inFlight: 0,
    ok: true,
  };
  const retiredStream = readWriterModes(db).get(key)?.mode === 'database-native';
  if (index.size === 0 && claimed.size === 0 && !retiredStream) {
    // no program writes this table directly: nothing to dual-read (and no second pass over a big file)
    return res;
  }
  const onlyJsonlTimes: number[] = [];
  let minTs = Infinity;
  let maxTs = -Infinity;
  let disagreeingEvents = 0;
  for (let fi = 0; fi < files.length; fi++) {
    const f = files[fi];
    const sid = ids[fi];
    const onRecord = (line: number, rec: Record<string, unknown>): void => {
      const m = mapper.map(rec);
      if ('reject' in m) return;
      const row = m.row as Values;
      const t = timeColumn ? row[timeColumn] : null;
      if (typeof t === 'number') {
        if (t < minTs) minTs = t;
        if (t > maxTs) maxTs = t;
      }
      let other = sid !== null ? claimed.get(`${sid}:${line}`) : undefined;
      if (!other) {
        const hit = index.match(row);
        if (hit.kind === 'ambiguous') res.ambiguous.push({ path: f.path, line });
        if (hit.kind === 'match') {
          index.take(hit.row);
          other = { id: hit.row.id, values: hit.row.values };
          res.bothUnclaimed++;
          res.unclaimedMatchesByPath[f.path] = (res.unclaimedMatchesByPath[f.path] ?? 0) + 1;
        }
      }
      if (!other) {
        res.onlyJsonl++;
        if (typeof t === 'number') onlyJsonlTimes.push(t);
        return;
      }
      res.both++;
      const diff = disagreements(row, other.values, mapper.columns, [...(timeColumn ? [timeColumn] : []), ...nk.loose]);
      if (diff.length) disagreeingEvents++;
      for (const d of diff) res.disagreements.push({ path: f.path, line, rowId: other.id, column: d.column, jsonl: d.jsonl as string | number | null, database: d.database as string | number | null });
    };
    const h = { record: onRecord, reject: () => {}, blank: () => {}, pending: () => {} };
    if (f.format === 'json-document') await scanDocument(f.path, h);
    else await scanJsonl(f.path, h);
  }
  const tol = nk.toleranceSeconds;
  const dbOnly = index.remaining().filter((r) => r.ts !== null && r.ts >= minTs - tol && r.ts <= maxTs + tol);
  for (const r of dbOnly) if (r.ts! > maxTs) maxTs = r.ts!;
  res.onlyDatabase = dbOnly.length;
  const inFlight = (t: number) => t >= maxTs - IN_FLIGHT_SECONDS;
  res.inFlight = onlyJsonlTimes.filter(inFlight).length + dbOnly.filter((r) => inFlight(r.ts!)).length;
  res.mode = retiredStream ? 'database-native' : res.both > 0 || res.onlyDatabase > 0 ? 'dual-write' : 'jsonl-only';
  const events = res.both + res.onlyJsonl + res.onlyDatabase;
  res.agreementPercent = events ? Math.round((10000 * (res.both - disagreeingEvents)) / events) / 100 : null;
  if (res.mode === 'dual-write') {
    const oneSided = res.onlyJsonl + res.onlyDatabase - res.inFlight;
    res.ok = oneSided <= 0 && res.disagreements.length === 0 && res.ambiguous.length === 0;
  } else if (res.mode === 'database-native') {
    // retired: its lines stay verifiable, new events exist only in the database
    res.ok = res.disagreements.length === 0 && res.ambiguous.length === 0;
  }
  return res;
}
