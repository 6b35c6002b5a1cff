/**
 * Rows of one file for the writer, as flat value arrays: per row the table's data columns in
 * insert order, then the `extra` JSON text (or null); plus the content hash. Produced on this
 * thread (readRowsHere), or for big reads by a worker thread (parse.worker.ts, started by
 * parseWorkers.ts) so that reading, JSON parsing, mapping and hashing overlap with the SQLite
 * inserts on the main thread. The mapper, sink, batch codec and scan handlers here are shared
 * by both threads.
 */
import type { SqlValue } from '../db/database';
import { KNOWN_SOURCES, type MapFailure, type MappedRecord } from '../formats/catalogue';
import { inferredMapper, type InferredColumn } from './inferred';
import type { ReadLinesResult } from './lineReader';
import { knownMapper, type TableMapper } from './mappers';
import { canonicalJson } from '../formats/rowIdentity';
import { scanJsonl, type LineReject, type ScanHandlers } from './scan';
import type { DeltasSnapshot, RollupSetup } from '../rollups/deltas';

/** Everything needed to rebuild the same mapper on another thread. */
export interface MapperSpec {
  kind: string;
  table: string;
  tz: string;
  adoptedColumns: string[] | null;
  inferredColumns: InferredColumn[] | null;
}

export function buildMapper(spec: MapperSpec): TableMapper {
  const known = KNOWN_SOURCES.find((k) => k.kind === spec.kind);
  if (known) return knownMapper(known, spec.tz, spec.adoptedColumns);
  return inferredMapper(spec.table, spec.inferredColumns ?? [], spec.tz);
}

export interface RowSink {
  /** `vals[at .. at + columns]`: data columns then extra text. */
  row(line: number, vals: SqlValue[], at: number, hash: number): void;
  /**
   * Optional: takes a parse worker's rows as one encoded batch instead of row() per row (no
   * strings are decoded on this thread). A sink with `rows` also gets the workers' summaries
   * of the rows they sent (`WorkerReadOptions.summarise`) through `summary`.
   */
  rows?(b: RowBatch): void;
  summary?(s: WorkerSummary): void;
  reject(x: LineReject): void;
  blank(): void;
  pending(): void;
}

/**
 * Rows of one worker batch without a JS value per cell: `width` values a row (data columns,
 * then extra). `kinds[j]` ≥ 0: text of that many UTF-8 bytes at `bytes[nums[j]]`; -1 NULL;
 * -2 a number that is an int32 (bound as int); -3 any other number; `nums[j]` = the number.
 * Its buffers are transferred between the threads and handed back for reuse with the ack.
 */
export interface RowBatch {
  rows: number;
  width: number;
  lines: Float64Array;
  hashes: Float64Array;
  kinds: Int32Array;
  nums: Float64Array;
  /** bytes[0 .. used): the UTF-8 of every text value */
  bytes: Uint8Array;
  used: number;
}

export const KIND_NULL = -1;
export const KIND_INT = -2;
export const KIND_REAL = -3;

/** What a worker sums over every row it sent (only meaningful when every one was inserted). */
export interface WorkerSummary {
  /** [min, max] of the time column over rows with a numeric time, or null */
  time: [number, number] | null;
  /** rollup contributions (TableRollupDeltas.snapshot()), when asked for */
  deltas: DeltasSnapshot | null;
}

export interface WorkerSummarise {
  /** index of the time column among the mapper's columns, -1 for none */
  timeAt: number;
  rollup: RollupSetup | null;
}

/** Texts up to this many UTF-16 units are tried as ASCII by hand before Buffer.write. */
const SHORT_TEXT = 24;

/** Fills a RowBatch row by row (worker side). Capacity grows by doubling. */
export class RowBatchEncoder {
  private b: RowBatch;
  private text: Buffer;
  private readonly pool: RowBatch[] = [];

  constructor(readonly width: number) {
    this.b = this.fresh();
    this.text = textView(this.b.bytes);
  }

  private fresh(): RowBatch {
    const reuse = this.pool.pop();
    if (reuse) {
      reuse.rows = 0;
      reuse.used = 0;
      return reuse;
    }
    const rows = 8192;
    return { rows: 0, width: this.width, lines: new Float64Array(rows), hashes: new Float64Array(rows), kinds: new Int32Array(rows * this.width), nums: new Float64Array(rows * this.width), bytes: new Uint8Array(1 << 21), used: 0 };
  }

  get rows(): number {
    return this.b.rows;
  }

  add(line: number, vals: SqlValue[], at: number, hash: number): void {
    let b = this.b;
    if (b.rows === b.lines.length) b = this.growRows();
    const r = b.rows++;
    b.lines[r] = line;
    b.hashes[r] = hash;
    const kinds = b.kinds;
    const nums = b.nums;
    for (let i = 0, j = r * this.width; i < this.width; i++, j++) {
      const v = vals[at + i];
      if (typeof v === 'string') {
        const len = v.length;
        if (b.used + len * 3 > b.bytes.length) this.growBytes(b.used + len * 3);
        let n = 0;
        if (len <= SHORT_TEXT) {
          // short ASCII (model names, ids): a JS loop beats the native call's overhead
          const bytes = b.bytes;
          const o = b.used;
          for (; n < len; n++) {
            const c = v.charCodeAt(n);
            if (c > 0x7f) break;
            bytes[o + n] = c;
          }
        }
        if (n < len) n = this.text.write(v, b.used);
        nums[j] = b.used;
        kinds[j] = n;
        b.used += n;
      } else if (typeof v === 'number') {
        nums[j] = v;
        kinds[j] = v === (v | 0) ? KIND_INT : KIND_REAL;
      } else if (v === null || v === undefined) kinds[j] = KIND_NULL;
      else throw new Error('internal: a mapper produced a value that is neither text, number nor NULL');
    }
  }

  /** The filled batch and its transfer list; the encoder starts a new (or returned) one. */
  take(): { batch: RowBatch; transfer: ArrayBuffer[] } {
    const batch = this.b;
    this.b = this.fresh();
    this.text = textView(this.b.bytes);
    return { batch, transfer: batchBuffers(batch) };
  }

  /** A batch the reader is done with (its buffers come back with the ack). */
  giveBack(b: RowBatch): void {
    if (b.width === this.width && this.pool.length < 4) this.pool.push(b);
  }

  private growRows(): RowBatch {
    const b = this.b;
    const rows = b.lines.length * 2;
    const grow = <T extends Float64Array | Int32Array>(a: T, n: number, make: (n: number) => T): T => {
      const x = make(n);
      x.set(a);
      return x;
    };
    b.lines = grow(b.lines, rows, (n) => new Float64Array(n));
    b.hashes = grow(b.hashes, rows, (n) => new Float64Array(n));
    b.kinds = grow(b.kinds, rows * this.width, (n) => new Int32Array(n));
    b.nums = grow(b.nums, rows * this.width, (n) => new Float64Array(n));
    return b;
  }

  private growBytes(need: number): void {
    const b = this.b;
    const bytes = new Uint8Array(Math.max(need, b.bytes.length * 2));
    bytes.set(b.bytes.subarray(0, b.used));
    b.bytes = bytes;
    this.text = textView(bytes);
  }
}

/** A Buffer over the same bytes (for its native UTF-8 write/toString), no copy. */
function textView(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The buffers a batch is made of: transferred to the reader, and back with the ack. */
export function batchBuffers(b: RowBatch): ArrayBuffer[] {
  return [b.lines.buffer, b.hashes.buffer, b.kinds.buffer, b.nums.buffer, b.bytes.buffer] as ArrayBuffer[];
}

/**
 * Every row of a batch as JS values, for sinks that want them: `out[0 .. width)` is filled
 * (and reused) per row before `each(row index)`.
 */
export function forEachDecodedRow(b: RowBatch, out: SqlValue[], each: (r: number) => void): void {
  const text = textView(b.bytes);
  for (let r = 0; r < b.rows; r++) {
    for (let i = 0, j = r * b.width; i < b.width; i++, j++) {
      const k = b.kinds[j];
      if (k >= 0) out[i] = text.toString('utf8', b.nums[j], b.nums[j] + k);
      else out[i] = k === KIND_NULL ? null : b.nums[j];
    }
    each(r);
  }
}

export interface ReadJob {
  path: string;
  startOffset: number;
  startLine: number;
  limit?: number;
  maxLineBytes?: number;
}

function isFailure(m: MappedRecord | MapFailure): m is MapFailure {
  return (m as MapFailure).reject !== undefined;
}

/** Scan handlers that map, flatten and hash records into `emit`. Shared by both threads. */
export function mappingHandlers(mapper: TableMapper, emit: RowSink): ScanHandlers {
  const cols = mapper.columns;
  const width = cols.length + 1;
  const vals: SqlValue[] = new Array<SqlValue>(width);
  return {
    record(line, rec, text) {
      const m = mapper.map(rec);
      if (isFailure(m)) {
        const raw = text || JSON.stringify(rec);
        emit.reject({ line, reason: m.reject, detail: m.detail, text: raw, bytes: Buffer.byteLength(raw) });
        return;
      }
      const row = m.row;
      for (let i = 0; i < cols.length; i++) vals[i] = row[cols[i]] ?? null;
      const extraText = m.extra ? canonicalJson(m.extra) : null;
      vals[cols.length] = extraText;
      emit.row(line, vals, 0, mapper.hashAt ? mapper.hashAt(vals, 0, extraText) : mapper.hash(m, extraText));
    },
    reject: (x) => emit.reject(x),
    blank: () => emit.blank(),
    pending: () => emit.pending(),
  };
}

export function readRowsHere(job: ReadJob, mapper: TableMapper, sink: RowSink, signal?: AbortSignal, onBytes?: (n: number) => void): Promise<ReadLinesResult> {
  return scanJsonl(job.path, mappingHandlers(mapper, sink), { startOffset: job.startOffset, startLine: job.startLine, limit: job.limit, maxLineBytes: job.maxLineBytes, signal, onBytes });
}
