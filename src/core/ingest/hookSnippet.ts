/**
 * Hook snippets (seed 000 step 4, docs/writer-contract.md): a few lines that write one event
 * straight into a telemetry table, with WAL and busy_timeout, naming the documented columns —
 * the insert the writer contract promises will succeed.
 */
import { KNOWN_SOURCES, type ColumnSpec } from '../formats/catalogue';

export const HOOK_SNIPPET_LANGUAGES = ['python', 'bash', 'node'] as const;
export type HookSnippetLanguage = (typeof HOOK_SNIPPET_LANGUAGES)[number];

/** Tables a snippet can be made for: every known table. */
export function hookSnippetTables(): string[] {
  return [...new Set(KNOWN_SOURCES.map((s) => s.table))];
}

const EXAMPLES: Record<string, string | number> = {
  tool: 'Bash',
  event_type: 'commit',
  session_id: 'session-abc123',
  predicted_model: 'haiku',
  actual_model: 'sonnet',
  model: 'sonnet',
  skill_name: 'crackerjack-run',
  error_pattern: 'git_lock',
  error_type: 'timeout',
  action: 'spawn',
  domain: 'database',
  outcome: 'success',
  repo: 'my-repo',
  commit_hash: 'a1b2c3d',
};

/** Columns in the snippet: the time, the required ones, then the first others (at most 6). */
function snippetColumns(table: string): ColumnSpec[] {
  const src = KNOWN_SOURCES.find((s) => s.table === table);
  if (!src) throw new Error(`no documented table ${table}`);
  const time = src.columns.filter((c) => c.column === src.timeColumn);
  const required = src.columns.filter((c) => c.column !== src.timeColumn && (c.required || c.type === 'bool'));
  const others = src.columns.filter((c) => !time.includes(c) && !required.includes(c));
  return [...time, ...required, ...others].slice(0, 6);
}

function example(c: ColumnSpec): string | number {
  if (c.column in EXAMPLES) return EXAMPLES[c.column];
  if (c.type === 'bool') return 1;
  if (c.type === 'int') return 42;
  if (c.type === 'real') return 0.5;
  return `example ${c.column}`;
}

function sqlLiteral(v: string | number): string {
  return typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
}

/** The snippet text; `dbPath` is written in (default: the seeds' ~/.claude/data/claude.db). */
export function hookSnippet(table: string, lang: HookSnippetLanguage, dbPath?: string): string {
  const cols = snippetColumns(table);
  const names = cols.map((c) => c.column).join(', ');
  const marks = cols.map(() => '?').join(', ');
  const isTime = (c: ColumnSpec) => c.type === 'ts';
  if (lang === 'python') {
    const db = dbPath ? JSON.stringify(dbPath) : `str(Path.home() / '.claude/data/claude.db')`;
    const values = cols.map((c) => (isTime(c) ? 'int(time.time())' : typeof example(c) === 'number' ? String(example(c)) : JSON.stringify(example(c))));
    return [
      `# write one ${table} event (Telemetry Lens writer contract)`,
      `import sqlite3, time`,
      `from pathlib import Path`,
      `db = sqlite3.connect(${db}, timeout=5)`,
      `db.execute("PRAGMA journal_mode=WAL")`,
      `db.execute("PRAGMA busy_timeout=5000")`,
      `db.execute("INSERT INTO ${table} (${names}) VALUES (${marks})",`,
      `           (${values.join(', ')}))`,
      `db.commit()`,
      `db.close()`,
      '',
    ].join('\n');
  }
  if (lang === 'bash') {
    const db = dbPath ? `'${dbPath.replace(/'/g, `'\\''`)}'` : '"$HOME/.claude/data/claude.db"';
    const values = cols.map((c) => (isTime(c) ? '$(date +%s)' : sqlLiteral(example(c)))).join(', ');
    return [
      `# write one ${table} event (Telemetry Lens writer contract)`,
      `sqlite3 -cmd '.timeout 5000' ${db} >/dev/null <<SQL`,
      `PRAGMA journal_mode=WAL;`,
      `PRAGMA busy_timeout=5000;`,
      `INSERT INTO ${table} (${names}) VALUES (${values});`,
      `SQL`,
      '',
    ].join('\n');
  }
  const db = dbPath ? JSON.stringify(dbPath) : `require('node:path').join(require('node:os').homedir(), '.claude/data/claude.db')`;
  const values = cols.map((c) => (isTime(c) ? 'Math.floor(Date.now() / 1000)' : JSON.stringify(example(c)))).join(', ');
  return [
    `// write one ${table} event (Telemetry Lens writer contract); node:sqlite needs Node 22.5+`,
    `const { DatabaseSync } = require('node:sqlite');`,
    `const db = new DatabaseSync(${db});`,
    `db.exec('PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;');`,
    `db.prepare('INSERT INTO ${table} (${names}) VALUES (${marks})').run(${values});`,
    `db.close();`,
    '',
  ].join('\n');
}
