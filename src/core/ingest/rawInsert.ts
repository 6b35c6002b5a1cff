/**
 * A prepared multi-row INSERT bound through SQLite's C API exported by sql.js, instead of
 * Statement.run(): all strings of a batch are UTF-8 encoded natively (Buffer.write) into one
 * WASM buffer and bound in place (SQLITE_STATIC), NULLs are left unbound. Measured: about
 * half the main-thread CPU of Statement.run for a million-row backfill. Falls back to
 * Statement.run when this sql.js build does not expose what is needed.
 */
import type { SqlDatabase as Database, SqlStatement as Statement, SqlValue } from '../db/database';
import { KIND_INT, KIND_NULL, type RowBatch } from './lineRows';

interface SqlJsExports {
  _malloc(n: number): number;
  _free(p: number): void;
  _sqlite3_sql(stmt: number): number;
  _sqlite3_bind_text(stmt: number, i: number, p: number, n: number, destructor: number): number;
  _sqlite3_bind_int(stmt: number, i: number, v: number): number;
  _sqlite3_bind_double(stmt: number, i: number, v: number): number;
  _sqlite3_step(stmt: number): number;
  _sqlite3_reset(stmt: number): number;
  _sqlite3_clear_bindings(stmt: number): number;
  _sqlite3_errmsg(db: number): number;
  UTF8ToString(p: number): string;
  writeArrayToMemory(a: Uint8Array, p: number): void;
}

const SQLITE_DONE = 101;

export class RawInsert {
  private readonly stmt: Statement;
  private readonly ptr: number;
  private readonly api: SqlJsExports | null;
  private mem = 0;
  private cap = 0;
  private scratch = Buffer.allocUnsafe(1 << 16);
  private readonly spans: Int32Array;

  /** `SQL`: the wasm engine's module (wasmModule()); anything else takes the Statement.run path. */
  constructor(
    SQL: unknown,
    private readonly db: Database,
    sql: string,
    params: number,
  ) {
    this.stmt = db.prepare(sql);
    this.spans = new Int32Array(params * 2);
    const api = SQL as unknown as SqlJsExports;
    const needed: (keyof SqlJsExports)[] = ['_malloc', '_free', '_sqlite3_sql', '_sqlite3_bind_text', '_sqlite3_bind_int', '_sqlite3_bind_double', '_sqlite3_step', '_sqlite3_reset', '_sqlite3_clear_bindings', '_sqlite3_errmsg', 'UTF8ToString', 'writeArrayToMemory'];
    let ptr = 0;
    if (api && needed.every((k) => typeof api[k] === 'function') && typeof (db as unknown as { db?: unknown }).db === 'number') {
      // the statement handle is a private field: find the one whose SQL text is ours
      for (const v of Object.values(this.stmt as unknown as Record<string, unknown>)) {
        if (typeof v === 'number' && v > 4096 && api.UTF8ToString(api._sqlite3_sql(v)) === sql) ptr = v;
      }
    }
    this.ptr = ptr;
    this.api = ptr ? api : null;
  }

  /** True when binding goes through the C API (false = the Statement.run fallback). */
  get native(): boolean {
    return this.api !== null;
  }

  run(values: SqlValue[]): void {
    const api = this.api;
    if (!api) {
      this.stmt.run(values);
      return;
    }
    // 1. encode every string into one scratch buffer
    let off = 0;
    const spans = this.spans;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== 'string') continue;
      if (off + v.length * 3 > this.scratch.length) {
        const bigger = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, off + v.length * 3));
        this.scratch.copy(bigger, 0, 0, off);
        this.scratch = bigger;
      }
      const n = this.scratch.write(v, off);
      spans[2 * i] = off;
      spans[2 * i + 1] = n;
      off += n;
    }
    this.ensureBlock(api, off);
    if (off) api.writeArrayToMemory(this.scratch.subarray(0, off), this.mem);
    // 2. bind in place; NULL needs no call after clear_bindings
    const p = this.ptr;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v === 'string') api._sqlite3_bind_text(p, i + 1, this.mem + spans[2 * i], spans[2 * i + 1], 0);
      else if (typeof v === 'number') this.bindNumber(p, i + 1, v);
      else if (v !== null && v !== undefined) {
        api._sqlite3_clear_bindings(p);
        this.stmt.run(values); // a blob: rare, let sql.js bind it
        return;
      }
    }
    this.step(api, p);
  }

  /** Copies an encoded batch's text bytes into WASM memory once, for runRows() (native only). */
  load(b: RowBatch): void {
    const api = this.api!;
    this.ensureBlock(api, b.used);
    if (b.used) api.writeArrayToMemory(b.bytes.subarray(0, b.used), this.mem);
  }

  /**
   * Inserts rows [first, first + count) of the batch last given to load() (count = the rows
   * this statement's VALUES list holds), texts bound in place. Per row the parameters are
   * the data values, then source_id, source_line, extra, stream_id, row_hash, row_seq.
   */
  runRows(b: RowBatch, first: number, count: number, seqs: Float64Array, sourceId: number, streamId: number, mem = this.mem): void {
    const api = this.api!;
    const p = this.ptr;
    const { kinds, nums, lines, hashes } = b;
    const n = b.width - 1;
    let param = 1;
    for (let r = first; r < first + count; r++) {
      const j0 = r * b.width;
      for (let i = 0; i <= n; i++) {
        const k = kinds[j0 + i];
        if (k === KIND_NULL) continue;
        // data columns take parameters param .. param+n-1; extra (value n) is the third after them
        const at = i < n ? param + i : param + n + 2;
        if (k >= 0) api._sqlite3_bind_text(p, at, mem + nums[j0 + i], k, 0);
        else if (k === KIND_INT) api._sqlite3_bind_int(p, at, nums[j0 + i]);
        else api._sqlite3_bind_double(p, at, nums[j0 + i]);
      }
      this.bindNumber(p, param + n, sourceId);
      this.bindNumber(p, param + n + 1, lines[r]);
      this.bindNumber(p, param + n + 3, streamId);
      this.bindNumber(p, param + n + 4, hashes[r]);
      this.bindNumber(p, param + n + 5, seqs[r]);
      param += n + 6;
    }
    this.step(api, p);
  }

  /** WASM address of the bytes last given to load() (another statement may bind them too). */
  get loaded(): number {
    return this.mem;
  }

  /** A WASM block of at least `bytes`; always one: a NULL pointer would bind an empty string as NULL. */
  private ensureBlock(api: SqlJsExports, bytes: number): void {
    if (bytes <= this.cap && this.mem) return;
    if (this.mem) api._free(this.mem);
    this.cap = Math.max(bytes, this.cap * 2, 1 << 16);
    this.mem = api._malloc(this.cap);
  }

  /** Runs the bound statement once and resets it for the next bindings. */
  private step(api: SqlJsExports, p: number): void {
    const rc = api._sqlite3_step(p);
    api._sqlite3_reset(p);
    api._sqlite3_clear_bindings(p);
    if (rc !== SQLITE_DONE) throw new Error(`insert failed: ${api.UTF8ToString(api._sqlite3_errmsg((this.db as unknown as { db: number }).db))}`);
  }

  private bindNumber(p: number, at: number, v: number): void {
    if (v === (v | 0)) this.api!._sqlite3_bind_int(p, at, v);
    else this.api!._sqlite3_bind_double(p, at, v);
  }

  free(): void {
    if (this.api && this.mem) this.api._free(this.mem);
    this.mem = 0;
    this.stmt.free();
  }
}
