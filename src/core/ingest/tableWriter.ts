/**
 * Writes rows of one table inside the run's write: identity lookups per (stream, hash),
 * claiming rows adopted by baseline (stream 0), inserts with the next occurrence number.
 */
import { engineOf, type SqlDatabase as Database, type SqlStatement as Statement, type SqlValue } from '../db/database';
import { MultiRowInsert } from './nativeInsert';
import { RawInsert } from './rawInsert';
import { forEachDecodedRow, type RowBatch } from './lineRows';
import type { TableMapper } from './mappers';
import { quoteIdent, scalar } from './sql';
import { tableAliasesOf } from '../formats/catalogue';
import { loadDirectRows, recordClaim } from './directRows';
import { DirectRowIndex, naturalKeyFor } from './naturalKeys';
import { adoptedRowSql, identityShape, identityWhere } from './identityIndex';

function tableColumnNames(db: Database, table: string): string[] {
  const r = db.exec(`SELECT name FROM pragma_table_info(?)`, [table]);
  return r.length ? r[0].values.map((v) => String(v[0])) : [];
}

/** A stream's copies of one content are counted under this key (TableWriter.countKey). */
export type CountKey = number | string;

function timedCountKey(hash: number, time: SqlValue): string {
  return hash + (typeof time === 'number' ? '|' + time : time === null ? '|null' : '|s' + String(time));
}

export interface HashCount {
  /** rows of this stream with this hash in the database (grows as this run adds copies) */
  n: number;
  /** highest row_seq in use */
  max: number;
  /** occurrences met in this run */
  seen: number;
}

/** Rows per multi-row INSERT: amortises sql.js's per-statement bind/step/reset overhead. */
const BATCH_ROWS = 64;
/** SQLite's bound-parameter limit (32766) caps rows per statement for wide inferred tables. */
const MAX_PARAMS = 32000;

export class TableWriter {
  /** the one-row INSERT (C API when available): flush() and the tail of an encoded batch */
  private readonly insertOne: RawInsert;
  private readonly decoded: SqlValue[];
  private readonly insertBatch: RawInsert;
  private readonly batch: SqlValue[] = [];
  private readonly lookup: Statement;
  private adoptFind: Statement | null = null;
  private adoptClaim: Statement | null = null;
  private readonly values: SqlValue[];
  private readonly width: number;
  private readonly batchRows: number;
  private readonly direct: DirectRowIndex | null;
  private readonly nowS = Math.floor(Date.now() / 1000);
  hasAdopted: boolean;
  /** lines that claimed a directly written row (dual-write) */
  dualWritten = 0;
  /** lines that matched several different directly written rows: kept apart, reported */
  readonly ambiguous: { line: number; candidates: number }[] = [];

  /**
   * Native engine, set only where no savepoint is open: called after each flush (every row
   * handed over is then in the table), where a chunked write may commit.
   */
  afterFlush: (() => void) | null = null;

  /** native engine: 64-row INSERTs (node:sqlite's per-call binding is slow; nativeInsert.ts) */
  private readonly nativeInsert: MultiRowInsert | null;

  /**
   * count(*) of a stream's copies that a line may match: rows inserted from a file that no
   * longer exists (deleted after a rotation; `goneSources`) are history, not copies — else five
   * identical events across a deleted rotation would match three old rows and lose two.
   * max(row_seq) still spans every row, so new occurrence numbers never collide.
   */
  private readonly countExpr: string;
  /** where the identity index's time column is among the mapper's values (-1: V1 shape, or not mapped: NULL) */
  private readonly identityTimeAt: number;
  private readonly identityTimed: boolean;

  /** `SQL`: the wasm engine's module (wasmModule()), null on the native engine. */
  constructor(
    SQL: unknown,
    private readonly db: Database,
    readonly mapper: TableMapper,
    goneSources: readonly number[] = [],
  ) {
    const gone = goneSources.filter((n) => Number.isSafeInteger(n));
    this.countExpr = gone.length ? `sum(CASE WHEN source_id IN (${gone.join(', ')}) THEN 0 ELSE 1 END)` : 'count(*)';
    const t = quoteIdent(mapper.table);
    const cols = [...mapper.columns, 'source_id', 'source_line', 'extra', 'stream_id', 'row_hash', 'row_seq'];
    this.width = cols.length;
    this.batchRows = Math.max(1, Math.min(BATCH_ROWS, Math.floor(MAX_PARAMS / this.width)));
    this.values = new Array<SqlValue>(this.width).fill(null);
    // the users' own name for a column (tool_name) gets the same value: numbered parameters reuse it
    const present = new Set(tableColumnNames(db, mapper.table));
    const mirrors = [...tableAliasesOf(mapper.table)].flatMap(([col, names]) =>
      mapper.columns.includes(col) ? names.filter((n) => present.has(n) && !cols.includes(n)).map((n) => [n, mapper.columns.indexOf(col)] as const) : [],
    );
    const names = [...cols, ...mirrors.map(([n]) => n)].map(quoteIdent).join(', ');
    const tuple = (r: number) => `(${[...cols.map((_, i) => `?${r * this.width + i + 1}`), ...mirrors.map(([, at]) => `?${r * this.width + at + 1}`)].join(', ')})`;
    this.nativeInsert = engineOf(db) === 'native' ? new MultiRowInsert(db, mapper.table, cols, mirrors) : null;
    this.insertOne = new RawInsert(SQL, db, `INSERT INTO ${t} (${names}) VALUES ${tuple(0)}`, this.width);
    this.decoded = new Array<SqlValue>(mapper.columns.length + 1).fill(null);
    const tuples = Array.from({ length: this.batchRows }, (_, r) => tuple(r));
    this.insertBatch = new RawInsert(SQL, db, `INSERT INTO ${t} (${names}) VALUES ${tuples.join(', ')}`, this.width * this.batchRows);
    const shape = identityShape(db, mapper.table);
    this.identityTimed = shape.timeColumn !== null;
    this.identityTimeAt = shape.timeColumn ? mapper.columns.indexOf(shape.timeColumn) : -1;
    this.lookup = db.prepare(`SELECT ${this.countExpr}, coalesce(max(row_seq), 0) FROM ${t} WHERE ${identityWhere(shape)}`);
    this.hasAdopted = mapper.adoptHash !== null && scalar(db, `SELECT 1 FROM ${t} WHERE stream_id = 0 LIMIT 1`) !== null;
    // rows the users' programs wrote (dual-write): a JSONL line that is their backup claims them
    const direct = loadDirectRows(db, mapper.table, mapper.columns, mapper.timeColumn);
    this.direct = direct.length ? new DirectRowIndex(direct, naturalKeyFor(mapper.table), mapper.columns, mapper.timeColumn) : null;
    if (this.hasAdopted) this.adoptFind = db.prepare(adoptedRowSql(shape, mapper.table));
    this.hasAdopted ||= this.direct !== null;
    if (this.hasAdopted) {
      const fill = mapper.columns.map((c) => `${quoteIdent(c)} = coalesce(${quoteIdent(c)}, ?)`).join(', ');
      this.adoptClaim = db.prepare(
        `UPDATE ${t} SET stream_id = ?, row_hash = ?, row_seq = ?, source_id = coalesce(source_id, ?), source_line = coalesce(source_line, ?), extra = coalesce(extra, ?), ${fill} WHERE id = ?`,
      );
    }
  }

  /** True when the stream already has rows (identity lookups needed). */
  streamHasRows(streamId: number): boolean {
    return scalar(this.db, `SELECT 1 FROM ${quoteIdent(this.mapper.table)} WHERE stream_id = ? LIMIT 1`, [streamId]) !== null;
  }

  /** The stream's copies of this content (`vals[at ..]` as in add(): the row, for its time). */
  lookupCount(streamId: number, hash: number, vals: SqlValue[], at: number): HashCount {
    this.lookup.bind(this.identityArgs(streamId, hash, vals, at));
    this.lookup.step();
    const r = this.lookup.get();
    this.lookup.reset();
    return { n: Number(r[0]), max: Number(r[1]), seen: 0 };
  }

  private identityArgs(streamId: number, hash: number, vals: SqlValue[], at: number): SqlValue[] {
    if (!this.identityTimed) return [streamId, hash];
    return [streamId, hash, this.identityTimeAt >= 0 ? vals[at + this.identityTimeAt] : null];
  }

  /**
   * The key a stream's copies are counted under: the content hash, and with an ordered identity
   * index (V6) also the row's time — the index counts per (time, hash), so two contents whose
   * 53-bit hashes collide but whose times differ are counted apart, as the index holds them.
   */
  countKey(hash: number, vals: SqlValue[], at: number): CountKey {
    if (!this.identityTimed) return hash;
    return timedCountKey(hash, this.identityTimeAt >= 0 ? vals[at + this.identityTimeAt] : null);
  }

  /** Every hash of the stream at once (cheaper than point lookups for big re-reads), keyed by countKey(). */
  loadCounts(streamId: number, into: Map<CountKey, HashCount>): void {
    const t = quoteIdent(this.mapper.table);
    const time = this.identityTimed ? (this.identityTimeAt >= 0 ? quoteIdent(this.mapper.columns[this.identityTimeAt]) : 'NULL') : null;
    const sql = time
      ? `SELECT row_hash, ${this.countExpr}, max(row_seq), ${time} FROM ${t} WHERE stream_id = ? GROUP BY ${time}, row_hash`
      : `SELECT row_hash, ${this.countExpr}, max(row_seq) FROM ${t} WHERE stream_id = ? GROUP BY row_hash`;
    const stmt = this.db.prepare(sql);
    try {
      stmt.bind([streamId]);
      while (stmt.step()) {
        const r = stmt.get();
        const h = Number(r[0]);
        into.set(time ? timedCountKey(h, r[3]) : h, { n: Number(r[1]), max: Number(r[2]), seen: 0 });
      }
    } finally {
      stmt.free();
    }
  }

  /**
   * Takes over one adopted row with this content, or the row a program wrote directly for the
   * same event (natural key, naturalKeys.ts); false when there is none. `vals` as in add().
   */
  claim(vals: SqlValue[], at: number, hash: number, streamId: number, seq: number, sourceId: number, line: number): boolean {
    if (!this.adoptClaim) return false;
    const cols = this.mapper.columns;
    const row: Record<string, string | number | null> = {};
    for (let i = 0; i < cols.length; i++) row[cols[i]] = vals[at + i] as string | number | null;
    let found: number | null = null;
    if (this.adoptFind && this.mapper.adoptHash) {
      this.adoptFind.bind(this.identityArgs(0, this.mapper.adoptHash({ row }), vals, at).slice(1));
      found = this.adoptFind.step() ? Number(this.adoptFind.get()[0]) : null;
      this.adoptFind.reset();
      if (found !== null && this.direct) {
        const same = this.direct.remaining().find((d) => d.id === found);
        if (same) this.direct.take(same);
        if (same) recordClaim(this.db, this.mapper.table, found, sourceId, line, 'content', this.nowS);
      }
    }
    if (found === null && this.direct) {
      this.flush(); // queued rows go in first, in line order
      const m = this.direct.match(row);
      if (m.kind === 'ambiguous') this.ambiguous.push({ line, candidates: m.candidates });
      if (m.kind !== 'match') return false;
      found = m.row.id;
      this.direct.take(m.row);
      this.dualWritten++;
      recordClaim(this.db, this.mapper.table, found, sourceId, line, m.by, this.nowS);
    }
    if (found === null) return false;
    const args: SqlValue[] = [streamId, hash, seq, sourceId, line, vals[at + cols.length]];
    for (let i = 0; i < cols.length; i++) args.push(vals[at + i]);
    args.push(found);
    this.adoptClaim.run(args);
    return true;
  }

  /**
   * Queues one row (`vals[at ..]`: data columns in mapper order, then the extra JSON text);
   * rows reach the table in batches (flush() before reading the table).
   */
  add(vals: SqlValue[], at: number, hash: number, streamId: number, seq: number, sourceId: number, line: number): void {
    const b = this.batch;
    const n = this.mapper.columns.length;
    for (let i = 0; i < n; i++) b.push(vals[at + i]);
    b.push(sourceId, line, vals[at + n], streamId, hash, seq);
    if (this.nativeInsert) {
      if (b.length >= this.width * MultiRowInsert.BUFFER_ROWS) this.flush();
      return;
    }
    if (b.length === this.width * this.batchRows) {
      this.insertBatch.run(b);
      b.length = 0;
    }
  }

  /**
   * Inserts every row of an encoded batch (row i with occurrence number seqs[i]) straight
   * from its bytes: one copy into WASM memory, no JS strings.
   */
  addBatch(b: RowBatch, seqs: Float64Array, streamId: number, sourceId: number): void {
    if (this.nativeInsert || !this.insertBatch.native || !this.insertOne.native) {
      forEachDecodedRow(b, this.decoded, (r) => this.add(this.decoded, 0, b.hashes[r], streamId, seqs[r], sourceId, b.lines[r]));
      return;
    }
    this.flush(); // rows queued by add() go first
    this.insertBatch.load(b);
    const per = this.batchRows;
    let r = 0;
    for (; r + per <= b.rows; r += per) this.insertBatch.runRows(b, r, per, seqs, sourceId, streamId);
    for (; r < b.rows; r++) this.insertOne.runRows(b, r, 1, seqs, sourceId, streamId, this.insertBatch.loaded);
  }

  flush(): void {
    const b = this.batch;
    if (this.nativeInsert) {
      this.nativeInsert.insert(b, this.width);
      b.length = 0;
      this.afterFlush?.();
      return;
    }
    const v = this.values;
    for (let at = 0; at < b.length; at += this.width) {
      for (let i = 0; i < this.width; i++) v[i] = b[at + i];
      this.insertOne.run(v);
    }
    b.length = 0;
  }

  free(): void {
    this.insertBatch.free();
    this.insertOne.free();
    this.lookup.free();
    this.adoptFind?.free();
    this.adoptClaim?.free();
    this.nativeInsert?.free();
  }
}
