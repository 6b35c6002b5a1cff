/**
 * The native engine's connection: node:sqlite's DatabaseSync behind the storage interface
 * (sqlTypes.ts). node:sqlite is loaded lazily with a guarded require, so runtimes without it
 * (Node 20, VS Code < 1.101) and the bundler never need it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { BindParams, QueryExecResult, SqlAggregate, SqlDatabase, SqlParamsObject, SqlStatement, SqlStatementIterator, SqlValue } from './sqlTypes';
import { splitSqlStatements } from './sqlSplit';

/** The parts of node:sqlite this engine uses (@types/node 20 does not declare the module). */
export interface NodeStatementSync {
  all(...args: unknown[]): unknown[];
  get(...args: unknown[]): unknown;
  run(...args: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  iterate(...args: unknown[]): IterableIterator<unknown[]>;
  columns(): { name: string }[];
  setReturnArrays(on: boolean): void;
  setReadBigInts(on: boolean): void;
}
export interface NodeDatabaseSync {
  exec(sql: string): void;
  prepare(sql: string): NodeStatementSync;
  close(): void;
  aggregate(name: string, options: object): void;
  readonly isOpen?: boolean;
}
interface NodeSqliteModule {
  DatabaseSync: new (path: string, options?: { readOnly?: boolean; open?: boolean; timeout?: number; enableForeignKeyConstraints?: boolean }) => NodeDatabaseSync;
}

let loaded: { module: NodeSqliteModule | null; reason: string } | undefined;

/**
 * node:sqlite when this runtime has it with everything the engine needs (aggregate functions
 * and array rows: Node ≥ 22.16), else null and why not (for health and --json outputs).
 */
export function loadNodeSqlite(): { module: NodeSqliteModule | null; reason: string } {
  if (loaded) return loaded;
  let mod: NodeSqliteModule | null = null;
  const emitWarning = process.emitWarning;
  try {
    // node:sqlite announces itself as experimental on load; users of the CLI need not see that
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const text = typeof warning === 'string' ? warning : warning?.message;
      if (/SQLite is an experimental feature/i.test(String(text))) return;
      return (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
    }) as typeof process.emitWarning;
    // a computed name: bundlers and Node 20 must not resolve it ahead of time
    const name = ['node', 'sqlite'].join(':');
    mod = (typeof require === 'function' ? require(name) : null) as NodeSqliteModule | null;
  } catch {
    mod = null;
  } finally {
    process.emitWarning = emitWarning;
  }
  const node = `Node ${process.versions.node}`;
  if (!mod || typeof mod.DatabaseSync !== 'function') {
    loaded = { module: null, reason: `this runtime (${node}) has no node:sqlite` };
  } else {
    const db = mod.DatabaseSync.prototype as unknown as Record<string, unknown>;
    const probe = new mod.DatabaseSync(':memory:');
    const st = probe.prepare('SELECT 1') as unknown as Record<string, unknown>;
    const missing = [
      typeof db.aggregate !== 'function' ? 'aggregate functions' : '',
      typeof st.setReturnArrays !== 'function' ? 'array rows' : '',
      typeof st.columns !== 'function' ? 'column names' : '',
    ].filter(Boolean);
    probe.close();
    loaded = missing.length ? { module: null, reason: `this runtime's node:sqlite (${node}) lacks ${missing.join(', ')} (Node ≥ 22.16 needed)` } : { module: mod, reason: `node:sqlite loaded (${node})` };
  }
  return loaded;
}

/** Converts one JS value to what node:sqlite binds like sql.js does (integers as INTEGER). */
function bindable(v: unknown): unknown {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v === undefined) return null;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return v;
}

function argsOf(values: BindParams | undefined): unknown[] {
  if (values === null || values === undefined) return [];
  if (Array.isArray(values)) return values.map(bindable);
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) o[k] = bindable(v);
  return [o];
}

/** Rows read with BigInts (a value beyond 2^53) come back as numbers, lossy like sql.js. */
function numbersOf(row: unknown[]): SqlValue[] {
  for (let i = 0; i < row.length; i++) if (typeof row[i] === 'bigint') row[i] = Number(row[i]);
  return row as SqlValue[];
}

const TOO_BIG = 'ERR_OUT_OF_RANGE';
const READS = /^\s*(SELECT|WITH|VALUES|PRAGMA|EXPLAIN)\b/i;

function isTooBig(e: unknown): boolean {
  return (e as { code?: string })?.code === TOO_BIG;
}

class NativeStatement implements SqlStatement {
  private args: unknown[] = [];
  private it: IterableIterator<unknown[]> | null = null;
  private row: unknown[] | null = null;
  /** the current row as read in BigInt mode (exact integers), when that mode is on */
  private raw: unknown[] | null = null;
  private delivered = 0;
  private bigInts = false;
  private names: string[] | null = null;
  private freed = false;

  constructor(
    private readonly stmt: NodeStatementSync,
    private readonly sql: string,
  ) {
    stmt.setReturnArrays(true);
  }

  bind(values?: BindParams): boolean {
    this.reset();
    this.args = argsOf(values);
    return true;
  }

  step(): boolean {
    if (this.freed) throw new Error('statement was freed');
    if (!this.it) {
      this.it = this.stmt.iterate(...this.args);
      this.delivered = 0;
    }
    let r: IteratorResult<unknown[]>;
    try {
      r = this.it.next();
    } catch (e) {
      if (!isTooBig(e) || this.bigInts || !READS.test(this.sql)) throw e;
      // a value beyond 2^53: read again with BigInts, skipping the rows already handed out
      this.bigInts = true;
      this.stmt.setReadBigInts(true);
      this.it = this.stmt.iterate(...this.args);
      for (let i = 0; i < this.delivered; i++) this.it.next();
      r = this.it.next();
    }
    if (r.done) {
      this.it = null;
      this.row = null;
      return false;
    }
    this.delivered++;
    this.raw = this.bigInts ? r.value.slice() : null;
    this.row = this.bigInts ? numbersOf(r.value) : r.value;
    return true;
  }

  /**
   * Re-reads the statement with BigInts up to the current row (as sql.js's get(…, { useBigInt })
   * reads integers exactly): the rest of the rows are then read in that mode too.
   */
  private switchToBigInts(): void {
    this.bigInts = true;
    this.stmt.setReadBigInts(true);
    this.it = this.stmt.iterate(...this.args);
    for (let i = 0; i < this.delivered - 1; i++) this.it.next();
    const r = this.it.next();
    if (r.done) return;
    this.raw = r.value.slice();
    this.row = numbersOf(r.value);
  }

  get(params?: BindParams, config?: { useBigInt?: boolean }): SqlValue[] {
    if (params !== undefined && params !== null) {
      this.bind(params);
      this.step();
    }
    if (config?.useBigInt && this.row && this.it) {
      if (!this.bigInts) this.switchToBigInts();
      // integers beyond 2^53 as bigint (every digit), the rest as numbers
      return (this.raw ?? this.row).map((v) => (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v)) as SqlValue[];
    }
    return (this.row ?? []) as SqlValue[];
  }

  getAsObject(params?: BindParams): SqlParamsObject {
    const row = this.get(params);
    const names = this.getColumnNames();
    const o: SqlParamsObject = {};
    for (let i = 0; i < names.length; i++) o[names[i]] = row[i] ?? null;
    return o;
  }

  getColumnNames(): string[] {
    this.names ??= this.stmt.columns().map((c) => c.name);
    return this.names;
  }

  getSQL(): string {
    return this.sql;
  }

  reset(): void {
    // an unfinished read keeps its read transaction (and in rollback mode, a shared lock)
    if (this.it) this.it.return?.();
    this.it = null;
    this.row = null;
  }

  free(): boolean {
    this.reset();
    this.freed = true;
    return true;
  }

  run(values?: BindParams): void {
    if (values !== undefined && values !== null) this.bind(values);
    else this.reset();
    this.stmt.run(...this.args);
  }
}

/** Rows of one prepared statement, retried with BigInts when a value is beyond 2^53. */
function allRows(stmt: NodeStatementSync, sql: string, args: unknown[]): SqlValue[][] {
  try {
    return stmt.all(...args) as SqlValue[][];
  } catch (e) {
    if (!isTooBig(e) || !READS.test(sql)) throw e;
    stmt.setReadBigInts(true);
    return (stmt.all(...args) as unknown[][]).map(numbersOf);
  }
}

export class NativeDatabase implements SqlDatabase {
  constructor(
    readonly connection: NodeDatabaseSync,
    readonly path: string,
  ) {}

  exec(sql: string, params?: BindParams): QueryExecResult[] {
    const args = argsOf(params);
    const out: QueryExecResult[] = [];
    for (const p of splitSqlStatements(sql)) {
      const text = sql.slice(p.start, p.end);
      const stmt = this.connection.prepare(text);
      stmt.setReturnArrays(true);
      const columns = stmt.columns().map((c) => c.name);
      if (columns.length === 0) {
        stmt.run(...args);
        continue;
      }
      // like sql.js: a statement that returned no row gives no result
      const values = allRows(stmt, text, args);
      if (values.length > 0) out.push({ columns, values });
    }
    return out;
  }

  run(sql: string, params?: BindParams): this {
    if (params === undefined || params === null) {
      this.connection.exec(sql);
      return this;
    }
    const args = argsOf(params);
    for (const p of splitSqlStatements(sql)) this.connection.prepare(sql.slice(p.start, p.end)).run(...args);
    return this;
  }

  prepare(sql: string, params?: BindParams): SqlStatement {
    const s = new NativeStatement(this.connection.prepare(sql), sql);
    if (params !== undefined && params !== null) s.bind(params);
    return s;
  }

  iterateStatements(sql: string): SqlStatementIterator {
    const pieces = splitSqlStatements(sql);
    let next = 0;
    let consumed = 0;
    const self = this;
    const iterator: SqlStatementIterator = {
      getRemainingSQL: () => sql.slice(consumed),
      next(): IteratorResult<SqlStatement> {
        if (next >= pieces.length) {
          consumed = sql.length;
          return { done: true, value: undefined };
        }
        const p = pieces[next];
        const stmt = self.prepare(sql.slice(p.start, p.end));
        next++;
        consumed = p.end;
        return { done: false, value: stmt };
      },
      [Symbol.iterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  create_aggregate<S>(name: string, aggregate: SqlAggregate<S>): this {
    const init = aggregate.init;
    const finalize = aggregate.finalize;
    this.connection.aggregate(name, {
      start: () => (init ? init() : null),
      step: (state: S, ...args: unknown[]) => aggregate.step(state, ...(args.map((a) => (typeof a === 'bigint' ? Number(a) : a)) as SqlValue[])),
      result: (state: S) => {
        const v = finalize ? finalize(state) : (state as unknown as SqlValue);
        return v === undefined ? null : v;
      },
      varargs: true,
    });
    return this;
  }

  export(): Uint8Array {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-export-'));
    const file = path.join(dir, 'image.db');
    try {
      this.connection.prepare('VACUUM INTO ?').run(file);
      return new Uint8Array(fs.readFileSync(file));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  close(): void {
    if (this.connection.isOpen === false) return;
    this.connection.close();
  }
}

/** The native connection behind a handle, or null for a wasm one. */
export function nativeConnection(db: SqlDatabase): NodeDatabaseSync | null {
  return db instanceof NativeDatabase ? db.connection : null;
}
