/**
 * What a read-only query may run. An allow-list, checked on SQLite's own tokens (quoted names
 * are unquoted before they are compared, so `PRAGMA "journal_mode"='delete'` is the pragma
 * journal_mode with a value), before a statement is even prepared: some PRAGMAs act while
 * they are compiled. Then, on the open connection, each statement is compiled under EXPLAIN and
 * refused when its program would write: the rule of SQLite's sqlite3_stmt_readonly() (a write
 * transaction, a checkpoint, VACUUM or a journal-mode change), which sql.js does not export.
 * Under both sits `PRAGMA query_only`, and on the wasm engine a snapshot that is never written back.
 */
import type { SqlDatabase } from '../db/database';
import { UsageError } from '../db/errors';
import type { SqlStatement, SqlToken } from './sqlText';

const READ_STATEMENTS = new Set(['SELECT', 'WITH', 'VALUES']);

/** PRAGMAs allowed without an argument: they only report (with a value they would set). */
const REPORTING_PRAGMAS = new Set([
  'analysis_limit', 'application_id', 'auto_vacuum', 'automatic_index', 'busy_timeout', 'cache_size', 'cache_spill',
  'cell_size_check', 'checkpoint_fullfsync', 'collation_list', 'compile_options', 'data_version', 'database_list',
  'defer_foreign_keys', 'encoding', 'foreign_keys', 'freelist_count', 'fullfsync', 'function_list', 'hard_heap_limit',
  'ignore_check_constraints', 'journal_mode', 'journal_size_limit', 'legacy_alter_table', 'locking_mode',
  'max_page_count', 'mmap_size', 'module_list', 'page_count', 'page_size', 'pragma_list', 'query_only',
  'read_uncommitted', 'recursive_triggers', 'reverse_unordered_selects', 'schema_version', 'secure_delete',
  'soft_heap_limit', 'synchronous', 'temp_store', 'threads', 'trusted_schema', 'user_version', 'wal_autocheckpoint',
]);

/** PRAGMAs whose one argument names a table, an index or a limit of a check, never a new setting. */
const NAMING_PRAGMAS = new Set([
  'foreign_key_check', 'foreign_key_list', 'index_info', 'index_list', 'index_xinfo', 'integrity_check', 'quick_check',
  'table_info', 'table_list', 'table_xinfo',
]);

function refuse(statement: SqlStatement): never {
  throw new UsageError(
    `query is read-only: only SELECT, WITH, VALUES, EXPLAIN and reporting PRAGMAs (e.g. table_info, integrity_check, user_version) are allowed, not "${shown(statement.text)}"`,
  );
}

export function shown(sql: string): string {
  const s = sql.replace(/\s+/g, ' ').trim();
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

const isPunct = (t: SqlToken | undefined, p: string) => t?.kind === 'punct' && t.text === p;
const isName = (t: SqlToken | undefined) => t?.kind === 'word' || t?.kind === 'quoted';
const nameOf = (t: SqlToken) => t.value.toLowerCase();

function pragmaAllowed(t: SqlToken[]): boolean {
  let k = 0;
  if (isName(t[0]) && isPunct(t[1], '.')) k = 2; // schema prefix: main., "main"., temp.
  if (!isName(t[k])) return false;
  const name = nameOf(t[k]);
  const rest = t.slice(k + 1);
  if (rest.length === 0) return REPORTING_PRAGMAS.has(name) || NAMING_PRAGMAS.has(name);
  const argument = isPunct(rest[0], '=') ? rest.slice(1) : isPunct(rest[0], '(') && isPunct(rest[rest.length - 1], ')') ? rest.slice(1, -1) : null;
  return NAMING_PRAGMAS.has(name) && argument !== null && argument.length === 1 && argument[0].kind !== 'punct' && argument[0].kind !== 'param';
}

function tokensAllowed(t: SqlToken[]): boolean {
  const first = t[0];
  if (first?.kind !== 'word') return false;
  if (READ_STATEMENTS.has(first.value)) return true;
  if (first.value === 'PRAGMA') return pragmaAllowed(t.slice(1));
  // EXPLAIN never runs its statement, but some PRAGMAs act while compiled: the rest must pass too
  if (first.value === 'EXPLAIN') return tokensAllowed(t[1]?.value === 'QUERY' && t[2]?.value === 'PLAN' ? t.slice(3) : t.slice(1));
  return false;
}

/** Refuses a statement outside the allow-list. Call before the statement is prepared. */
export function assertReadStatement(statement: SqlStatement): void {
  if (!tokensAllowed(statement.tokens)) refuse(statement);
}

/** Opcodes for which sqlite3_stmt_readonly() says "writes" (vdbeaux.c, resolveP2Values). */
const WRITING_OPCODES = new Set(['Vacuum', 'JournalMode', 'Checkpoint']);

/**
 * Refuses a statement whose compiled program would write (e.g. `WITH x AS (…) DELETE FROM t`),
 * before anything runs. Statements that are themselves EXPLAIN or PRAGMA were settled by the
 * allow-list and are not compiled again.
 */
export function assertCompilesToRead(db: SqlDatabase, statement: SqlStatement): void {
  const first = statement.tokens[0];
  if (first.kind !== 'word' || !READ_STATEMENTS.has(first.value)) return;
  const program = db.prepare(`EXPLAIN ${statement.text}`);
  try {
    while (program.step()) {
      const op = program.getAsObject() as { opcode?: string; p2?: number };
      if ((op.opcode === 'Transaction' && op.p2 !== 0) || WRITING_OPCODES.has(String(op.opcode))) {
        throw new UsageError(`query is read-only: SQLite compiles this statement to a write ("${shown(statement.text)}")`);
      }
    }
  } finally {
    program.free();
  }
}
