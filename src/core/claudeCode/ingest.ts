/**
 * Imports Claude Code transcripts into the claude_code_* tables (V5). One line can feed several
 * tables, so transcripts have their own path beside the generic JSONL ingest:
 * - streaming by bytes (lineReader): a 1 GB transcript never becomes one string;
 * - incremental: the claude_code_files ledger keeps each file's byte offset and fingerprints of
 *   what was read; an appended file is read from there, a rewritten one from the start;
 * - idempotent: every row is an upsert on its natural key, so re-reading changes nothing;
 * - a final line without its newline is left for its writer (read once it is complete).
 * Runs inside the caller's transaction (migrate's withWrite): all or nothing.
 */
import * as fs from 'fs';
import type { SqlDatabase } from '../db/database';
import { fingerprints } from '../ingest/ledger';
import { readLines, throwIfAborted } from '../ingest/lineReader';
import type { TranscriptFile } from './discover';
import { costOf, isLongContext, LONG_CONTEXT_THRESHOLD, priceFor, type PriceTable } from './prices';
import { recordsOfLine, type ActivityRecord, type ResponseRecord } from './transcriptLine';

export interface ClaudeCodeImportOptions {
  prices: PriceTable;
  /** epoch seconds, for missing_since */
  nowS?: number;
  signal?: AbortSignal;
  /** re-read every file from its start (the ledger is ignored; upserts keep it exact) */
  rescan?: boolean;
  /** longest line parsed (longer ones are skipped with a reject); default 256 MiB */
  maxLineBytes?: number;
  onBytes?: (bytesReadThisFile: number, file: TranscriptFile) => void;
}

export interface TranscriptReject {
  path: string;
  line: number;
  message: string;
}

export interface ClaudeCodeImportResult {
  files: number;
  /** files read this run (the others were unchanged since the last run) */
  filesRead: number;
  bytesRead: number;
  /** lines read this run */
  lines: number;
  /** final lines without a newline, left for their writer */
  pending: number;
  rejected: number;
  rejects: TranscriptReject[];
  /** rows per table after the run */
  tables: Record<string, number>;
  /** models seen this run that have no price (their cost is NULL, never $0) */
  unpricedModels: string[];
}

interface LedgerRow {
  id: number;
  size: number;
  mtimeMs: number;
  byteOffset: number;
  lineCount: number;
  head: number | null;
  tail: number | null;
}

export const CLAUDE_CODE_TABLES = ['claude_code_sessions', 'claude_code_responses', 'claude_code_tool_calls', 'claude_code_prompts'] as const;

const RESPONSE_COLUMNS = `message_id, request_id, session_id, ts_ms, model, input_tokens, output_tokens, cache_read_tokens,
  cache_write_5m_tokens, cache_write_1h_tokens, cost_usd, is_sidechain, is_subagent, agent_id, source_file, source_line`;
// the later state of a response wins: a higher output count, or a later line of the same file
const RESPONSE_CONFLICT = `ON CONFLICT (message_id, request_id) DO UPDATE SET
  ts_ms = excluded.ts_ms, model = excluded.model, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
  cache_read_tokens = excluded.cache_read_tokens, cache_write_5m_tokens = excluded.cache_write_5m_tokens,
  cache_write_1h_tokens = excluded.cache_write_1h_tokens, cost_usd = excluded.cost_usd, source_line = excluded.source_line
WHERE excluded.output_tokens > claude_code_responses.output_tokens
   OR (excluded.source_file = claude_code_responses.source_file AND excluded.source_line > claude_code_responses.source_line)`;

const TOOL_COLUMNS = `tool_use_id, session_id, message_id, ts_ms, tool, input_summary, is_error, result_ts_ms, duration_ms, is_sidechain, is_subagent, source_file, source_line`;
// one statement for a use, a result, or both: the first use and the first result seen win; a
// result read before its use (another file first) leaves a stub (tool NULL) that the use completes
const TOOL_CONFLICT = `ON CONFLICT (tool_use_id) DO UPDATE SET
  session_id = COALESCE(t.session_id, excluded.session_id), message_id = COALESCE(t.message_id, excluded.message_id),
  ts_ms = COALESCE(t.ts_ms, excluded.ts_ms), tool = COALESCE(t.tool, excluded.tool), input_summary = COALESCE(t.input_summary, excluded.input_summary),
  is_sidechain = CASE WHEN t.tool IS NULL THEN excluded.is_sidechain ELSE t.is_sidechain END,
  is_subagent = CASE WHEN t.tool IS NULL THEN excluded.is_subagent ELSE t.is_subagent END,
  source_file = COALESCE(t.source_file, excluded.source_file), source_line = COALESCE(t.source_line, excluded.source_line),
  is_error = COALESCE(t.is_error, excluded.is_error), result_ts_ms = COALESCE(t.result_ts_ms, excluded.result_ts_ms),
  duration_ms = COALESCE(t.result_ts_ms, excluded.result_ts_ms) - COALESCE(t.ts_ms, excluded.ts_ms)
WHERE (t.tool IS NULL AND excluded.tool IS NOT NULL) OR (t.result_ts_ms IS NULL AND excluded.result_ts_ms IS NOT NULL)`;

const PROMPT_COLUMNS = 'uuid, session_id, ts_ms, chars, text_head, is_subagent';

const SESSION_UPSERT = `
INSERT INTO claude_code_sessions (session_id, project, cwd, git_branch, version, first_ts_ms, last_ts_ms, source_file)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (session_id) DO UPDATE SET
  project = COALESCE(claude_code_sessions.project, excluded.project),
  cwd = COALESCE(claude_code_sessions.cwd, excluded.cwd),
  git_branch = CASE WHEN excluded.last_ts_ms >= claude_code_sessions.last_ts_ms AND excluded.git_branch IS NOT NULL THEN excluded.git_branch ELSE claude_code_sessions.git_branch END,
  version = CASE WHEN excluded.last_ts_ms >= claude_code_sessions.last_ts_ms AND excluded.version IS NOT NULL THEN excluded.version ELSE claude_code_sessions.version END,
  first_ts_ms = MIN(claude_code_sessions.first_ts_ms, excluded.first_ts_ms),
  last_ts_ms = MAX(claude_code_sessions.last_ts_ms, excluded.last_ts_ms),
  source_file = COALESCE(claude_code_sessions.source_file, excluded.source_file)`;

type Param = string | number | null;

/**
 * Rows written many per statement (sql.js pays a fixed cost per statement run): full batches
 * through one multi-row statement, the rest one by one, in the order they were added.
 */
class BatchWriter {
  private rows: Param[][] = [];
  private readonly many: ReturnType<SqlDatabase['prepare']>;
  private readonly one: ReturnType<SqlDatabase['prepare']>;

  constructor(db: SqlDatabase, head: string, columns: number, tail: string, private readonly size = 32) {
    const tuple = `(${new Array(columns).fill('?').join(', ')})`;
    this.many = db.prepare(`${head} VALUES ${new Array(size).fill(tuple).join(', ')} ${tail}`);
    this.one = db.prepare(`${head} VALUES ${tuple} ${tail}`);
  }

  add(row: Param[]): void {
    this.rows.push(row);
    if (this.rows.length === this.size) {
      this.many.run(this.rows.flat());
      this.rows = [];
    }
  }

  flush(): void {
    for (const r of this.rows) this.one.run(r);
    this.rows = [];
  }

  free(): void {
    this.many.free();
    this.one.free();
  }
}

interface SessionAggregate {
  project: string;
  cwd: string | null;
  gitBranch: string | null;
  version: string | null;
  first: number;
  last: number;
  lastWithMeta: number;
  path: string;
}

function readLedger(db: SqlDatabase): Map<string, LedgerRow> {
  const m = new Map<string, LedgerRow>();
  const res = db.exec('SELECT path, size, mtime_ms, byte_offset, line_count, head_fingerprint, tail_fingerprint, id FROM claude_code_files');
  for (const row of res[0]?.values ?? []) {
    m.set(String(row[0]), {
      id: Number(row[7]),
      size: Number(row[1]),
      mtimeMs: Number(row[2]),
      byteOffset: Number(row[3]),
      lineCount: Number(row[4]),
      head: row[5] === null ? null : Number(row[5]),
      tail: row[6] === null ? null : Number(row[6]),
    });
  }
  return m;
}

export const ROLLUP_BUCKET_MS = 900_000;

/**
 * Recomputes the 15-minute rollup over the buckets this run wrote into, widened by an hour each
 * side: a response replaced by a later line of its stream (or a replay) had a timestamp within
 * seconds of the new one, so its old bucket is inside the range too.
 */
export function refreshUsageRollup(db: SqlDatabase, minTsMs: number, maxTsMs: number): void {
  const from = Math.floor((minTsMs - 3600_000) / ROLLUP_BUCKET_MS);
  const to = Math.floor((maxTsMs + 3600_000) / ROLLUP_BUCKET_MS);
  db.run('DELETE FROM claude_code_usage_15m WHERE bucket BETWEEN ? AND ?', [from, to]);
  db.run(
    `INSERT INTO claude_code_usage_15m
     SELECT ts_ms / ${ROLLUP_BUCKET_MS} AS b, COALESCE(model, 'unknown') AS m,
            (input_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens > ${LONG_CONTEXT_THRESHOLD}) AS l,
            count(*), sum(input_tokens), sum(output_tokens), sum(cache_read_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens)
     FROM claude_code_responses WHERE ts_ms >= ? AND ts_ms < ? GROUP BY b, m, l`,
    [from * ROLLUP_BUCKET_MS, (to + 1) * ROLLUP_BUCKET_MS],
  );
}

/** Where to start reading: after the ledger's offset when the file is that prefix plus appends. */
function startOf(file: TranscriptFile, entry: LedgerRow | undefined, rescan: boolean): { offset: number; line: number; unchanged: boolean } {
  if (!entry || rescan || entry.byteOffset === 0 || file.size < entry.byteOffset) return { offset: 0, line: 0, unchanged: false };
  // read to its end and not touched since (same size and modification time): nothing to open
  if (file.size === entry.byteOffset && file.size === entry.size && file.mtimeMs === entry.mtimeMs) return { offset: entry.byteOffset, line: entry.lineCount, unchanged: true };
  const fp = fingerprints(file.path, entry.byteOffset);
  if (!fp || fp.head !== entry.head || fp.tail !== entry.tail) return { offset: 0, line: 0, unchanged: false };
  return { offset: entry.byteOffset, line: entry.lineCount, unchanged: file.size === entry.byteOffset };
}

function countRows(db: SqlDatabase, table: string): number {
  return Number(db.exec(`SELECT count(*) FROM ${table}`)[0]?.values[0]?.[0] ?? 0);
}

export async function importTranscripts(db: SqlDatabase, files: TranscriptFile[], opts: ClaudeCodeImportOptions): Promise<ClaudeCodeImportResult> {
  const result: ClaudeCodeImportResult = { files: files.length, filesRead: 0, bytesRead: 0, lines: 0, pending: 0, rejected: 0, rejects: [], tables: {}, unpricedModels: [] };
  const ledger = readLedger(db);
  const unpriced = new Set<string>();
  const responses = new BatchWriter(db, `INSERT INTO claude_code_responses (${RESPONSE_COLUMNS})`, 16, RESPONSE_CONFLICT);
  const tools = new BatchWriter(db, `INSERT INTO claude_code_tool_calls AS t (${TOOL_COLUMNS})`, 13, TOOL_CONFLICT);
  const prompts = new BatchWriter(db, `INSERT OR IGNORE INTO claude_code_prompts (${PROMPT_COLUMNS})`, 6, '');
  const sessionStmt = db.prepare(SESSION_UPSERT);
  const fileIdStmt = db.prepare('INSERT INTO claude_code_files (path) VALUES (?) ON CONFLICT (path) DO UPDATE SET path = excluded.path RETURNING id');
  const ledgerStmt = db.prepare(
    'UPDATE claude_code_files SET size = ?, mtime_ms = ?, byte_offset = ?, line_count = ?, head_fingerprint = ?, tail_fingerprint = ?, missing_since = NULL WHERE id = ?',
  );
  const costCache = new Map<string, ReturnType<typeof priceFor>>();
  const priceOf = (model: string | null) => {
    const key = model ?? '';
    if (!costCache.has(key)) costCache.set(key, priceFor(opts.prices, model));
    return costCache.get(key);
  };
  let fileId = 0;
  let minTs = Infinity;
  let maxTs = -Infinity;
  const writeResponse = (r: ResponseRecord) => {
    if (r.tsMs < minTs) minTs = r.tsMs;
    if (r.tsMs > maxTs) maxTs = r.tsMs;
    const tokens = { input: r.input, output: r.output, cacheRead: r.cacheRead, cacheWrite5m: r.cacheWrite5m, cacheWrite1h: r.cacheWrite1h };
    const price = priceOf(r.model);
    if (!price && r.model) unpriced.add(r.model);
    const cost = costOf(price, tokens, isLongContext(tokens));
    responses.add([r.messageId, r.requestId, r.sessionId, r.tsMs, r.model, r.input, r.output, r.cacheRead, r.cacheWrite5m, r.cacheWrite1h, cost ?? null, r.sidechain ? 1 : 0, r.subagent ? 1 : 0, r.agentId, fileId, r.lineNo]);
  };
  try {
    for (const file of files) {
      throwIfAborted(opts.signal);
      const entry = ledger.get(file.path);
      const start = startOf(file, entry, opts.rescan ?? false);
      if (start.unchanged) continue;
      result.filesRead++;
      if (entry) fileId = entry.id;
      else {
        fileIdStmt.bind([file.path]);
        fileIdStmt.step();
        fileId = Number(fileIdStmt.get()[0]);
        fileIdStmt.reset();
      }
      // a tool call waits here for its result (same file, usually a few lines on): one row write for both
      const openTools = new Map<string, Param[]>();
      const flushTools = () => {
        for (const row of openTools.values()) tools.add(row);
        openTools.clear();
      };
      // streamed pieces of one response sit on adjacent lines: keep the latest piece, write it when the key changes
      const pendingResponses = new Map<string, ResponseRecord>();
      const sessions = new Map<string, SessionAggregate>();
      const flushResponses = () => {
        for (const r of pendingResponses.values()) writeResponse(r);
        pendingResponses.clear();
      };
      const addActivity = (a: ActivityRecord) => {
        const s = sessions.get(a.sessionId);
        if (!s) {
          sessions.set(a.sessionId, { project: file.project, cwd: a.cwd, gitBranch: a.gitBranch, version: a.version, first: a.tsMs, last: a.tsMs, lastWithMeta: a.tsMs, path: file.path });
          return;
        }
        if (a.tsMs < s.first) s.first = a.tsMs;
        if (a.tsMs > s.last) s.last = a.tsMs;
        if (!s.cwd && a.cwd) s.cwd = a.cwd;
        if (a.tsMs >= s.lastWithMeta && (a.gitBranch || a.version)) {
          s.lastWithMeta = a.tsMs;
          if (a.gitBranch) s.gitBranch = a.gitBranch;
          if (a.version) s.version = a.version;
        }
      };
      const ctx = { path: file.path, lineNo: 0, project: file.project, subagent: file.subagent };
      const read = await readLines(
        file.path,
        (ev) => {
          if (!ev.terminated) {
            result.pending++;
            return false;
          }
          result.lines++;
          if (ev.end === ev.start) return;
          if (ev.overlongBytes) {
            result.rejected++;
            if (result.rejects.length < 100) result.rejects.push({ path: file.path, line: ev.lineNo, message: `line of ${ev.overlongBytes} bytes is longer than the limit; skipped` });
            return;
          }
          let obj: unknown;
          try {
            obj = JSON.parse(ev.buf.toString('utf8', ev.start, ev.end));
          } catch (e) {
            result.rejected++;
            if (result.rejects.length < 100) result.rejects.push({ path: file.path, line: ev.lineNo, message: `not valid JSON (${(e as Error).message})` });
            return;
          }
          ctx.lineNo = ev.lineNo;
          const rec = recordsOfLine(obj, ctx);
          if (!rec) {
            result.rejected++;
            if (result.rejects.length < 100) result.rejects.push({ path: file.path, line: ev.lineNo, message: 'not a JSON object' });
            return;
          }
          if (rec.activity) addActivity(rec.activity);
          if (rec.response) {
            const key = `${rec.response.messageId}\u0000${rec.response.requestId}`;
            if (!pendingResponses.has(key) && pendingResponses.size >= 64) flushResponses();
            pendingResponses.set(key, rec.response);
          }
          for (const u of rec.toolUses) {
            if (openTools.has(u.toolUseId)) continue;
            if (openTools.size >= 256) flushTools();
            openTools.set(u.toolUseId, [u.toolUseId, u.sessionId, u.messageId, u.tsMs, u.tool, u.inputSummary, null, null, null, u.sidechain ? 1 : 0, u.subagent ? 1 : 0, fileId, u.lineNo]);
          }
          for (const t of rec.toolResults) {
            const open = openTools.get(t.toolUseId);
            if (open && open[7] === null) {
              open[6] = t.isError ? 1 : 0;
              open[7] = t.tsMs;
              open[8] = t.tsMs - Number(open[3]);
            } else if (!open) tools.add([t.toolUseId, null, null, null, null, null, t.isError ? 1 : 0, t.tsMs, null, 0, 0, null, null]);
          }
          if (rec.prompt) {
            const p = rec.prompt;
            prompts.add([p.uuid, p.sessionId, p.tsMs, p.chars, p.textHead, p.subagent ? 1 : 0]);
          }
        },
        {
          startOffset: start.offset,
          startLine: start.line,
          maxLineBytes: opts.maxLineBytes ?? 256 * 1024 * 1024,
          // most transcripts are small: a buffer the size of what is new, up to 4 MiB
          chunkBytes: Math.min(4 << 20, Math.max(64 << 10, file.size - start.offset + 1)),
          signal: opts.signal,
          onBytes: opts.onBytes ? (n) => opts.onBytes!(n, file) : undefined,
        },
      );
      flushResponses();
      flushTools();
      for (const [id, s] of sessions) sessionStmt.run([id, s.project, s.cwd, s.gitBranch, s.version, s.first, s.last, fileId]);
      result.bytesRead += read.bytesRead;
      const fp = read.endOffset > 0 ? fingerprints(file.path, read.endOffset) : null;
      ledgerStmt.run([file.size, file.mtimeMs, read.endOffset, read.lastLine, fp?.head ?? null, fp?.tail ?? null, fileId]);
    }
    responses.flush();
    tools.flush();
    prompts.flush();
  } finally {
    for (const w of [responses, tools, prompts]) w.free();
    for (const s of [sessionStmt, fileIdStmt, ledgerStmt]) s.free();
  }
  if (minTs <= maxTs) refreshUsageRollup(db, minTs, maxTs);
  // history outlives the transcripts: a vanished file keeps its rows and is only marked
  const present = new Set(files.map((f) => f.path));
  const nowS = opts.nowS ?? Math.floor(Date.now() / 1000);
  for (const p of ledger.keys()) if (!present.has(p)) markMissingIfGone(db, p, nowS);
  for (const t of CLAUDE_CODE_TABLES) result.tables[t] = countRows(db, t);
  result.unpricedModels = [...unpriced].sort();
  return result;
}

function markMissingIfGone(db: SqlDatabase, p: string, nowS: number): void {
  if (!fs.existsSync(p)) db.run('UPDATE claude_code_files SET missing_since = ? WHERE path = ? AND missing_since IS NULL', [nowS, p]);
}
