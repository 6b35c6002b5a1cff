import { UsageError } from '../../core/db/errors';
import { csvRecord, JsonRowsWriter, toTextTable, type QueryOutputFormat } from '../../core/query/queryFormat';
import { moreRowsText } from '../../core/query/resultText';
import { DEFAULT_QUERY_TIMEOUT_SECONDS, QueryTimeoutError, runUserQuery } from '../../core/query/runUserQuery';
import type { MoreRows, QueryEngine, QueryValue } from '../../core/query/types';
import { isTeamUrl } from '../../core/team/url';
import { runTeamUserQuery } from '../../core/team/query';
import { optionString, parseArgs, requireOption } from '../args';
import { OutputClosedError, type CliCommand, type CliIO } from './types';

const FORMATS: QueryOutputFormat[] = ['table', 'csv', 'json'];
const VALUE_OPTIONS = ['db', 'format', 'timeout', 'max-rows', 'engine'];

/** `--name` or `--name=value`: anything else that starts with `--` is SQL opening with a comment. */
const OPTION_SHAPE = /^--[A-Za-z][\w-]*(?:=[\s\S]*)?$/;

/**
 * Moves SQL that starts with `--` (a comment: `"-- top users\nSELECT …"`) behind an end-of-options
 * `--`, so it is taken as the SQL argument, not as an unknown option. Option values stay with
 * their option, and an explicit `--` keeps its meaning.
 */
export function sqlAfterOptions(argv: string[], valueOptions: string[]): string[] {
  const options: string[] = [];
  const sql: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      sql.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') && !OPTION_SHAPE.test(a)) sql.push(a);
    else {
      options.push(a);
      if (valueOptions.includes(a.slice(2)) && i + 1 < argv.length) options.push(argv[++i]);
    }
  }
  return sql.length > 0 ? [...options, '--', ...sql] : options;
}
const ENGINES: QueryEngine[] = ['auto', 'native', 'wasm'];
/** A terminal table is collected to align its columns: without --max-rows it shows this many. */
const TABLE_DEFAULT_MAX_ROWS = 1000;

function parseTimeout(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_QUERY_TIMEOUT_SECONDS;
  const s = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(s) || s < 0) throw new UsageError(`--timeout must be a number of seconds (0 = no limit), not "${raw}"`);
  return s;
}

function parseMaxRows(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new UsageError(`--max-rows must be a whole number of at least 1, not "${raw}"`);
  return Number(raw);
}

/**
 * `query --db FILE|postgresql://… "SQL"`: user SQL runs in a child process (src/core/query) on a snapshot that is
 * never written back, with a time limit, an optional row cap and Ctrl-C. CSV and JSON stream to
 * stdout as rows arrive, so an unbounded result never piles up in memory.
 */
export const queryCommand: CliCommand = {
  name: 'query',
  usage: 'query      --db FILE|postgresql://… "SQL" [--format table|csv|json] [--timeout SECONDS] [--max-rows N]   read-only',
  async run(argv, io) {
    const args = parseArgs(sqlAfterOptions(argv, VALUE_OPTIONS), VALUE_OPTIONS, []);
    const db = requireOption(args, 'db');
    const format = (optionString(args, 'format') ?? 'table') as QueryOutputFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    const engine = (optionString(args, 'engine') ?? 'auto') as QueryEngine;
    if (!ENGINES.includes(engine)) throw new UsageError(`--engine must be one of ${ENGINES.join(', ')}`);
    const timeoutSeconds = parseTimeout(optionString(args, 'timeout'));
    const maxRows = parseMaxRows(optionString(args, 'max-rows'));
    if (args.positionals.length !== 1) throw new UsageError('give exactly one SQL argument (quote it)');
    const sql = args.positionals[0];

    const cancel = new AbortController();
    const onSigint = () => cancel.abort();
    process.once('SIGINT', onSigint);
    try {
      const out = format === 'table' ? tableOutput() : streamOutput(format as 'csv' | 'json', io);
      const limits = {
        timeoutMs: timeoutSeconds * 1000,
        maxRows: format === 'table' ? (maxRows ?? TABLE_DEFAULT_MAX_ROWS) : maxRows,
        signal: cancel.signal,
        onColumns: (columns: string[]) => out.columns(columns),
        onRows: (rows: QueryValue[][]) => out.rows(rows),
      };
      // postgresql://…: the team database (READ ONLY transaction, server-side cursor, statement_timeout)
      const outcome = isTeamUrl(db) ? await runTeamUserQuery(db, sql, limits) : await runUserQuery(db, sql, { ...limits, engine });
      out.end(io, outcome.more);
      if (outcome.more && format !== 'table') io.err(`telemetry-lens query: printed ${outcome.rows} row${outcome.rows === 1 ? '' : 's'}; ${moreRowsText(outcome.more)} not printed (--max-rows ${maxRows})`);
      return 0;
    } catch (e) {
      if (e instanceof QueryTimeoutError) throw new UsageError(`${e.message} (raise it with --timeout SECONDS; 0 = no limit)`);
      if (e instanceof OutputClosedError) return 0; // `| head` has what it wanted; the query child is stopped
      throw e;
    } finally {
      process.removeListener('SIGINT', onSigint);
    }
  },
};

interface QueryOutput {
  columns(columns: string[]): void;
  rows(rows: QueryValue[][]): void | Promise<void>;
  end(io: CliIO, more: MoreRows | null): void;
}

function tableOutput(): QueryOutput {
  let columns: string[] = [];
  const rows: QueryValue[][] = [];
  return {
    columns: (c) => void (columns = c),
    rows: (batch) => void rows.push(...batch),
    end(io, more) {
      const text = toTextTable({ columns, rows });
      io.out(more ? text.replace(/\)$/, `; ${moreRowsText(more)} not shown: --max-rows N, or --format csv|json for all)`) : text);
    },
  };
}

/** CSV and JSON go out batch by batch, waiting for stdout to drain (bounded memory whatever the result size). */
function streamOutput(format: 'csv' | 'json', io: CliIO): QueryOutput {
  let json: JsonRowsWriter | null = null;
  // an injected io without write() (tests) gets the whole text once, as out() always did
  let held = '';
  const write = async (text: string) => {
    if (io.write) await io.write(text);
    else held += text;
  };
  return {
    columns(columns) {
      if (format === 'csv') return write(csvRecord(columns));
      json = new JsonRowsWriter(columns);
    },
    rows: (rows) => write(format === 'csv' ? rows.map(csvRecord).join('') : json!.rows(rows)),
    end(io) {
      if (format === 'json') void write((json ?? new JsonRowsWriter([])).end() + '\n');
      if (!io.write && held !== '') io.out(held);
    },
  };
}
