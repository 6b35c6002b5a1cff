/**
 * The storage interface every module outside src/core/db uses (docs/architecture.md "Storage model").
 * It is the subset of sql.js's API the code uses, so the wasm engine hands out sql.js's own
 * objects unchanged and the native engine (node:sqlite) adapts to the same shape. Neither
 * engine's types may appear outside src/core/db.
 */
export type SqlValue = number | string | Uint8Array | null;
export type SqlParamsObject = Record<string, SqlValue>;
export type BindParams = SqlValue[] | SqlParamsObject | null;

export interface QueryExecResult {
  columns: string[];
  values: SqlValue[][];
}

export interface SqlStatement {
  /** Binds (and resets) the statement; the next step() runs it. */
  bind(values?: BindParams): boolean;
  /** Advances to the next row; false when done. */
  step(): boolean;
  /** The current row (binding `params` first and stepping once when given). */
  get(params?: BindParams): SqlValue[];
  getAsObject(params?: BindParams): SqlParamsObject;
  getColumnNames(): string[];
  getSQL(): string;
  reset(): void;
  /** Releases the statement (further use is an error). */
  free(): boolean;
  /** Binds, runs to completion, resets. */
  run(values?: BindParams): void;
}

export interface SqlStatementIterator extends Iterator<SqlStatement>, Iterable<SqlStatement> {
  /** The SQL text not yet prepared. */
  getRemainingSQL(): string;
}

export interface SqlAggregate<S> {
  init?: () => S;
  step: (state: S, ...args: SqlValue[]) => S;
  finalize?: (state: S) => SqlValue;
}

/**
 * Both engines also answer `create_aggregate(name, { init, step, finalize })` (sql.js ≥ 1.8's
 * name; rollups/percentile.ts registers its aggregates with it). It is left out of the type
 * because @types/sql.js does not declare it.
 */
export interface SqlDatabase {
  /** Runs every statement of `sql`; the results of those that return columns. */
  exec(sql: string, params?: BindParams): QueryExecResult[];
  /** Runs every statement of `sql` for its effect. */
  run(sql: string, params?: BindParams): unknown;
  prepare(sql: string, params?: BindParams): SqlStatement;
  /** Statements of a multi-statement script, prepared one at a time by SQLite's parser. */
  iterateStatements(sql: string): SqlStatementIterator;
  /** The whole database as a file image (native: VACUUM INTO a temp file; not inside a transaction). */
  export(): Uint8Array;
  close(): void;
}
