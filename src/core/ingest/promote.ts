/**
 * Promotion of an inferred stream to a known source (docs/ingest.md "When the catalogue learns a
 * file"). A file the catalogue did not know was imported into an inferred table; once the
 * catalogue knows it, the next migrate adopts the stream's rows exactly, inside the run's write
 * and before the stream is read:
 * - the table the catalogue names is made ready (knownTables.ts): the inferred table itself when
 *   it has that name — it gains the catalogue's columns and indexes, nothing is dropped or
 *   renamed, rows other programs wrote into it (another stream, stream 0) are not touched;
 * - every row of the stream is re-mapped in place (same id, source, line): a row whose line is
 *   still in the stream's files takes that line's catalogue mapping; a row whose line is gone
 *   (a deleted rotation, a truncated file) is mapped from its stored record (its columns by the
 *   keys they came from, plus `extra`); identity = the catalogue mapper's own hash, occurrence
 *   numbers in row order — as if the stream had been imported as known from the start;
 * - the ledger names the known kind and table, and its offsets are reset: the run then reads
 *   the files in full, finds every line present by its new identity and rewrites the entries.
 * A kill at any moment leaves either the stream as it was (its savepoint / the run's write never
 * committed) or promoted with every row: a re-run gives exact counts either way.
 * A promotion never turns a row into a reject: when a row's record would not map (a required
 * field missing, a time the catalogue cannot read), the stream stays inferred (streamKinds.ts).
 */
import type { SqlDatabase as Database, SqlValue } from '../db/database';
import { fitsShape, KNOWN_SOURCES, type KnownSource } from '../formats/catalogue';
import { exactIntegerSql } from '../formats/exactNumbers';
import { refreshRollups, type TouchedRange } from '../rollups/refresh';
import { inferredMapper, loadInferredColumns } from './inferred';
import { ensureKnownTable } from './knownTables';
import { planStream, streamEntries } from './ledger';
import { knownMapper, type TableMapper } from './mappers';
import { mappingHandlers, type RowSink } from './lineRows';
import { scanJsonl } from './scan';
import { quoteIdent, tableExists } from './sql';
import { ledgerKind } from './streamKinds';
import type { DiscoveredSource } from './types';

export interface Promotion {
  stream: string;
  kind: string;
  fromTable: string;
  toTable: string;
  /** rows re-mapped: from a line still on disk, from the stored record */
  fromLines: number;
  fromStored: number;
}

export interface PromotionRefusal {
  stream: string;
  reason: string;
}

interface Mapped {
  vals: SqlValue[];
  hash: number;
}

/** One record through a mapper as ingest maps it (mappingHandlers): values + extra text + hash, or null for a reject. */
function mapOne(mapper: TableMapper): (rec: Record<string, unknown>) => Mapped | null {
  let out: Mapped | null = null;
  const sink: RowSink = {
    row: (_l, vals, at, hash) => void (out = { vals: vals.slice(at, at + mapper.columns.length + 1), hash }),
    reject: () => void (out = null),
    blank: () => {},
    pending: () => {},
  };
  const h = mappingHandlers(mapper, sink);
  return (rec) => {
    out = null;
    h.record(0, rec, '');
    return out;
  };
}

interface StoredRow {
  id: number;
  hash: number;
  seq: number;
  sourceId: number | null;
  sourceLine: number | null;
  rec: Record<string, unknown>;
  next?: Mapped;
}

/**
 * The stream's rows with their records rebuilt from the inferred columns' keys and `extra`; null
 * at the first record `fits` refuses (a stream of another shape costs one row per run, not a scan).
 */
function storedRows(db: Database, table: string, sid: number, fits: (rec: Record<string, unknown>) => boolean): StoredRow[] | null {
  const cols = loadInferredColumns(db, table);
  const sel = cols.map((c) => exactIntegerSql(quoteIdent(c.column))).join(', ');
  const stmt = db.prepare(`SELECT id, row_hash, row_seq, source_id, source_line, extra${sel ? ', ' + sel : ''} FROM ${quoteIdent(table)} WHERE stream_id = ? ORDER BY id`);
  const out: StoredRow[] = [];
  try {
    stmt.bind([sid]);
    while (stmt.step()) {
      const r = stmt.get();
      let rec: Record<string, unknown> = {};
      if (typeof r[5] === 'string') {
        try {
          const x = JSON.parse(r[5]) as unknown;
          if (x && typeof x === 'object' && !Array.isArray(x)) rec = x as Record<string, unknown>;
        } catch {
          /* not JSON: left out of the record */
        }
      }
      for (let i = 0; i < cols.length; i++) if (r[6 + i] !== null) rec[cols[i].key] = r[6 + i];
      if (!fits(rec)) return null;
      out.push({ id: Number(r[0]), hash: Number(r[1]), seq: Number(r[2]), sourceId: r[3] === null ? null : Number(r[3]), sourceLine: r[4] === null ? null : Number(r[4]), rec });
    }
  } finally {
    stmt.free();
  }
  return out;
}

/**
 * Promotes every stream among `sources` that the catalogue knows and the ledger records as
 * inferred. Runs inside the run's write, before the streams are read. Returns what it did and
 * what it left inferred (and why).
 */
export async function promoteInferredStreams(db: Database, sources: DiscoveredSource[], tz: string, signal?: AbortSignal): Promise<{ promoted: Promotion[]; refused: PromotionRefusal[] }> {
  const promoted: Promotion[] = [];
  const refused: PromotionRefusal[] = [];
  if (!tableExists(db, 'ingest_streams')) return { promoted, refused };
  const streams = new Map<string, DiscoveredSource[]>();
  for (const s of sources) {
    if (s.kind === 'inferred' || s.format !== 'jsonl') continue;
    streams.set(s.stream, [...(streams.get(s.stream) ?? []), s]);
  }
  for (const [key, files] of streams) {
    const src = KNOWN_SOURCES.find((k) => k.kind === files[0].kind);
    const ledger = ledgerKind(db, key);
    if (!src || !ledger || ledger.kind !== 'inferred') continue;
    db.run('SAVEPOINT tl_promote');
    try {
      const r = await promoteStream(db, key, files, src, ledger.table, tz, signal);
      if ('reason' in r) {
        db.run('ROLLBACK TO tl_promote');
        refused.push(r);
      } else promoted.push(r);
      db.run('RELEASE tl_promote');
    } catch (e) {
      db.run('ROLLBACK TO tl_promote');
      db.run('RELEASE tl_promote');
      throw e;
    }
  }
  return { promoted, refused };
}

async function promoteStream(db: Database, key: string, files: DiscoveredSource[], src: KnownSource, fromTable: string, tz: string, signal?: AbortSignal): Promise<Promotion | PromotionRefusal> {
  const sid = Number(db.exec('SELECT id FROM ingest_streams WHERE stream_key = ?', [key])[0].values[0][0]);
  const toTable = src.table;
  const rows = tableExists(db, fromTable) ? storedRows(db, fromTable, sid, (rec) => fitsShape(src, rec)) : [];
  if (rows === null) return { stream: key, reason: `a row of ${fromTable} lacks a field the catalogue requires for ${src.kind}` };
  const notReady = ensureKnownTable(db, src);
  if (notReady) return { stream: key, reason: notReady };
  const inferred = inferredMapper(fromTable, loadInferredColumns(db, fromTable), tz);
  const known = knownMapper(src, tz, null);
  const asKnown = mapOne(known);
  // rows of files still on disk pair with their lines: per inferred hash, in occurrence order
  const entries = streamEntries(db, sid);
  const onDisk = new Set(planStream(files, entries).flatMap((p) => (p.entry ? [p.entry.id] : [])));
  const queues = new Map<number, StoredRow[]>();
  for (const row of [...rows].sort((a, b) => a.seq - b.seq)) {
    if (row.sourceId === null || !onDisk.has(row.sourceId)) continue;
    const q = queues.get(row.hash) ?? [];
    q.push(row);
    queues.set(row.hash, q);
  }
  let fromLines = 0;
  let refusal: string | null = null;
  const asInferred = mapOne(inferred);
  for (const f of files) {
    await scanJsonl(
      f.path,
      {
        record: (line, rec) => {
          if (refusal) return;
          const i = asInferred(rec);
          const row = i ? queues.get(i.hash)?.shift() : undefined;
          if (!row) return; // a line not imported yet: the run's read inserts it
          const k = asKnown(rec);
          if (!k) refusal = `${f.path}:${line} would be rejected as ${src.kind}`;
          else {
            row.next = k;
            fromLines++;
          }
        },
        reject: () => {},
        blank: () => {},
        pending: () => {},
      },
      { signal },
    );
    if (refusal) return { stream: key, reason: refusal };
  }
  let fromStored = 0;
  for (const row of rows) {
    if (row.next) continue;
    const k = asKnown(row.rec);
    if (!k) return { stream: key, reason: `row ${row.id} of ${fromTable} would be rejected as ${src.kind}` };
    row.next = k;
    fromStored++;
  }
  // occurrence numbers of the new hashes in row order (the order the lines were imported in)
  const seen = new Map<number, number>();
  const cols = known.columns;
  const from = quoteIdent(fromTable);
  const to = quoteIdent(toTable);
  const timeAt = known.timeColumn ? cols.indexOf(known.timeColumn) : -1;
  let minTs = Infinity;
  let maxTs = -Infinity;
  if (rows.length) {
    const oldTs = inferred.timeColumn;
    if (oldTs) {
      const r = db.exec(`SELECT min(${quoteIdent(oldTs)}), max(${quoteIdent(oldTs)}) FROM ${from} WHERE stream_id = ?`, [sid]);
      if (r.length && typeof r[0].values[0][0] === 'number') [minTs, maxTs] = [Number(r[0].values[0][0]), Number(r[0].values[0][1])];
    }
    // free the stream's identities first: a new (hash, seq) may equal an old one of another row
    db.run(`UPDATE ${from} SET row_seq = -id WHERE stream_id = ?`, [sid]);
    const same = fromTable === toTable;
    const set = [...cols.map((c) => `${quoteIdent(c)} = ?`), 'extra = ?', 'row_hash = ?', 'row_seq = ?'].join(', ');
    const stmt = same
      ? db.prepare(`UPDATE ${to} SET ${set} WHERE id = ?`)
      : db.prepare(`INSERT INTO ${to} (${[...cols, 'extra', 'row_hash', 'row_seq', 'stream_id', 'source_id', 'source_line'].map(quoteIdent).join(', ')}) VALUES (${[...cols, 0, 0, 0, 0, 0, 0].map(() => '?').join(', ')})`);
    try {
      for (const row of rows) {
        const k = row.next!;
        const seq = (seen.get(k.hash) ?? 0) + 1;
        seen.set(k.hash, seq);
        const t = timeAt >= 0 ? k.vals[timeAt] : null;
        if (typeof t === 'number') {
          if (t < minTs) minTs = t;
          if (t > maxTs) maxTs = t;
        }
        stmt.run(same ? [...k.vals, k.hash, seq, row.id] : [...k.vals, k.hash, seq, sid, row.sourceId, row.sourceLine]);
      }
    } finally {
      stmt.free();
    }
    if (!same) db.run(`DELETE FROM ${from} WHERE stream_id = ?`, [sid]);
  }
  db.run('UPDATE ingest_streams SET kind = ?, table_name = ? WHERE id = ?', [src.kind, toTable, sid]);
  // the run reads every file in full and rewrites each entry (the ledger is only a speed-up)
  db.run(
    `UPDATE ingest_sources SET kind = ?, table_name = ?, byte_offset = 0, line_count = 0, blank_lines = 0, rejected_lines = 0, ends_mid_line = 0,
       head_fingerprint = NULL, tail_fingerprint = NULL WHERE stream_id = ?`,
    [src.kind, toTable, sid],
  );
  if (minTs <= maxTs) {
    const touched: TouchedRange[] = [{ table: toTable, minTs, maxTs }];
    if (fromTable !== toTable) touched.push({ table: fromTable, minTs, maxTs });
    refreshRollups(db, touched);
  }
  return { stream: key, kind: src.kind, fromTable, toTable, fromLines, fromStored };
}
