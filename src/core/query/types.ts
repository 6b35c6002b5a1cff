/**
 * Shapes shared by the query runner (the calling side) and its child process (query.worker.ts).
 * Plain data only: everything here crosses a process boundary (advanced IPC serialization,
 * which carries bigint and Uint8Array as they are).
 */

/** A cell of a user query's result. Integers beyond 2^53 are bigint so that no digit is lost. */
export type QueryValue = number | bigint | string | Uint8Array | null;

/** Which storage engine opens the database (src/core/db decides what 'auto' means). */
export type QueryEngine = 'auto' | 'native' | 'wasm';

/** What the child is asked to run. */
export interface QueryJob {
  dbPath: string;
  sql: string;
  engine: QueryEngine;
  /** Rows sent before the child only counts the rest; null = no cap. */
  maxRows: number | null;
  /** After the cap, how long the child may count the rows it does not send. */
  countMoreMs: number;
}

/** How many rows the cap held back; exact = false when counting stopped before the end. */
export interface MoreRows {
  rows: number;
  exact: boolean;
}

export type ChildMessage =
  /** The child got the job: the time limit starts now, not at spawn (startup is not the query's time). */
  | { type: 'started' }
  | { type: 'columns'; columns: string[] }
  | { type: 'rows'; rows: QueryValue[][] }
  /** The cap was reached: `counted` rows beyond it so far (sent while counting). */
  | { type: 'more'; counted: number }
  | { type: 'done'; rows: number; more: MoreRows | null }
  | { type: 'error'; message: string; exitCode: number };

export type ParentMessage = { type: 'run'; job: QueryJob } | { type: 'ack' };
