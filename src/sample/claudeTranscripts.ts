/**
 * Generated Claude Code transcripts (the format of ~/.claude/projects) plus the truth they
 * encode: every API response that must be counted, once, with its final usage. Covers each
 * exactness rule of docs/claude-code.md:
 * - responses streamed over several lines (same message.id + requestId) whose earlier lines
 *   carry smaller output counts;
 * - sidechain replays (a subagent transcript repeating a parent response) and resumed sessions
 *   (a new session file starting with copies of the previous one's responses);
 * - subagent transcripts in `<project>/<sessionId>/subagents/agent-<id>.jsonl`;
 * - API error lines (isApiErrorMessage) and `<synthetic>` lines, here with non-zero usage so the
 *   rule is visible;
 * - responses without a requestId (streamed too);
 * - activity around midnight in a non-UTC zone;
 * - an unknown model (no price), and tool results with errors.
 * With `bulk`, adds random sessions of realistic line sizes (benchmarks).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Prng } from './prng';

export interface TruthResponse {
  messageId: string;
  requestId: string;
  sessionId: string;
  tsMs: number;
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  subagent: boolean;
}

export interface TruthToolCall {
  toolUseId: string;
  sessionId: string;
  tool: string;
  /** null until its result is written */
  isError: boolean | null;
  durationMs: number | null;
  tsMs: number;
}

export interface ClaudeHistoryTruth {
  responses: TruthResponse[];
  toolCalls: TruthToolCall[];
  /** prompts typed by the user, per session id */
  prompts: Record<string, number>;
  sessions: string[];
  files: string[];
  /** per rule: how many lines exercise it (so a test can see the fixture really covers it) */
  coverage: Record<string, number>;
}

export interface ClaudeHistoryOptions {
  /** the config folder to write (transcripts go to `<dir>/projects`) */
  dir: string;
  seed?: number;
  /** first day of activity (UTC midnight, epoch ms); default 2026-03-10 */
  startMs?: number;
  /** add random sessions until the transcripts hold about this many bytes (0: the rule scenarios only) */
  bulkBytes?: number;
  /** typical size of a tool result's text in bulk sessions (bytes) */
  toolResultBytes?: number;
}

export const SAMPLE_MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-5-20251101', 'claude-haiku-4-5-20251001'];
export const UNKNOWN_MODEL = 'claude-nova-9-20261001';
const VERSION = '2.0.31';

type Line = Record<string, unknown>;

/** Appends lines to one transcript, buffered. */
class TranscriptWriter {
  private fd: number;
  private chunks: string[] = [];
  private size = 0;
  private closed = false;
  bytes = 0;

  constructor(readonly file: string, private readonly onBytes: (n: number) => void) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'a');
  }

  line(obj: Line): void {
    const s = JSON.stringify(obj) + '\n';
    this.chunks.push(s);
    this.size += s.length;
    const n = Buffer.byteLength(s);
    this.bytes += n;
    this.onBytes(n);
    if (this.size > 1 << 20) this.flush();
  }

  raw(text: string): void {
    this.chunks.push(text);
    const n = Buffer.byteLength(text);
    this.bytes += n;
    this.onBytes(n);
    this.flush();
  }

  flush(): void {
    if (this.chunks.length) fs.writeSync(this.fd, this.chunks.join(''));
    this.chunks = [];
    this.size = 0;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    fs.closeSync(this.fd);
    this.closed = true;
  }
}

interface SessionCtx {
  w: TranscriptWriter;
  sessionId: string;
  cwd: string;
  branch: string;
  sidechain: boolean;
  agentId?: string;
  subagent: boolean;
  parentUuid: string | null;
}

export class ClaudeHistoryBuilder {
  readonly rng: Prng;
  readonly truth: ClaudeHistoryTruth = { responses: [], toolCalls: [], prompts: {}, sessions: [], files: [], coverage: {} };
  private seq = 0;
  private openCalls = new Map<string, TruthToolCall>();
  private writers: TranscriptWriter[] = [];
  private totalBytes = 0;
  private readonly count = (n: number) => {
    this.totalBytes += n;
  };

  constructor(readonly dir: string, seed = 15) {
    this.rng = new Prng(seed);
  }

  private id(prefix: string): string {
    this.seq++;
    return `${prefix}${this.seq.toString(36).padStart(8, '0')}${this.rng.hex(12)}`;
  }

  uuid(): string {
    const h = this.rng.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  cover(rule: string, n = 1): void {
    this.truth.coverage[rule] = (this.truth.coverage[rule] ?? 0) + n;
  }

  session(project: string, opts: { sessionId?: string; cwd?: string; branch?: string } = {}): SessionCtx {
    const sessionId = opts.sessionId ?? this.uuid();
    const file = path.join(this.dir, 'projects', project, `${sessionId}.jsonl`);
    const w = new TranscriptWriter(file, this.count);
    this.writers.push(w);
    this.truth.files.push(file);
    if (!this.truth.sessions.includes(sessionId)) this.truth.sessions.push(sessionId);
    return { w, sessionId, cwd: opts.cwd ?? `/home/dev/${project}`, branch: opts.branch ?? 'main', sidechain: false, subagent: false, parentUuid: null };
  }

  subagent(parent: SessionCtx, project: string): SessionCtx {
    const agentId = this.rng.hex(8);
    const file = path.join(this.dir, 'projects', project, parent.sessionId, 'subagents', `agent-${agentId}.jsonl`);
    const w = new TranscriptWriter(file, this.count);
    this.writers.push(w);
    this.truth.files.push(file);
    this.cover('subagent-file');
    return { ...parent, w, sidechain: true, agentId, subagent: true, parentUuid: null };
  }

  private base(s: SessionCtx, tsMs: number, type: string): Line {
    const uuid = this.uuid();
    const line: Line = {
      parentUuid: s.parentUuid,
      isSidechain: s.sidechain,
      userType: 'external',
      cwd: s.cwd,
      sessionId: s.sessionId,
      version: VERSION,
      gitBranch: s.branch,
      ...(s.agentId ? { agentId: s.agentId } : {}),
      type,
      uuid,
      timestamp: new Date(tsMs).toISOString(),
    };
    s.parentUuid = uuid;
    return line;
  }

  prompt(s: SessionCtx, tsMs: number, text: string): void {
    s.w.line({ ...this.base(s, tsMs, 'user'), message: { role: 'user', content: text } });
    if (!s.sidechain) this.truth.prompts[s.sessionId] = (this.truth.prompts[s.sessionId] ?? 0) + 1;
  }

  /** A meta line (command caveat): user-typed in shape, not a prompt. */
  meta(s: SessionCtx, tsMs: number): void {
    s.w.line({ ...this.base(s, tsMs, 'user'), isMeta: true, message: { role: 'user', content: 'Caveat: The messages below were generated by the user while running local commands.' } });
  }

  /**
   * One API response, streamed over `pieces` lines (content blocks), each earlier line with a
   * smaller output count; returns its ids and the tool_use ids it asked for.
   */
  response(
    s: SessionCtx,
    tsMs: number,
    usage: { model: string; input: number; output: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number },
    opts: { pieces?: number; tools?: { name: string; input: Record<string, unknown> }[]; requestId?: string | null; text?: string; counted?: boolean } = {},
  ): { messageId: string; requestId: string | null; toolUseIds: string[]; lines: Line[] } {
    const messageId = this.id('msg_01');
    const requestId = opts.requestId === undefined ? this.id('req_011') : opts.requestId;
    const tools = opts.tools ?? [];
    const blocks: Record<string, unknown>[] = [{ type: 'text', text: opts.text ?? 'Working on it.' }];
    const toolUseIds: string[] = [];
    for (const t of tools) {
      const id = this.id('toolu_01');
      toolUseIds.push(id);
      blocks.push({ type: 'tool_use', id, name: t.name, input: t.input });
    }
    const pieces = Math.max(opts.pieces ?? blocks.length, blocks.length);
    // one content block per line, as Claude Code writes them: extra pieces are more text before the tools
    while (blocks.length < pieces) blocks.unshift({ type: 'text', text: 'Thinking about it.' });
    if (pieces > 1) this.cover('streamed-partial-lines', pieces - 1);
    if (requestId === null) this.cover('missing-request-id');
    const lines: Line[] = [];
    for (let i = 0; i < pieces; i++) {
      const last = i === pieces - 1;
      const output = last ? usage.output : Math.max(1, Math.floor((usage.output * (i + 1)) / (pieces * 4)));
      const line: Line = {
        ...this.base(s, tsMs + i * 40, 'assistant'),
        message: {
          id: messageId,
          type: 'message',
          role: 'assistant',
          model: usage.model,
          content: [blocks[i]],
          stop_reason: last ? (tools.length ? 'tool_use' : 'end_turn') : null,
          stop_sequence: null,
          usage: {
            input_tokens: usage.input,
            cache_creation_input_tokens: usage.cacheWrite5m + usage.cacheWrite1h,
            cache_read_input_tokens: usage.cacheRead,
            cache_creation: { ephemeral_5m_input_tokens: usage.cacheWrite5m, ephemeral_1h_input_tokens: usage.cacheWrite1h },
            output_tokens: output,
            service_tier: 'standard',
          },
        },
        ...(requestId === null ? {} : { requestId }),
      };
      s.w.line(line);
      lines.push(line);
    }
    tools.forEach((t, i) => {
      const at = tsMs + (pieces - tools.length + i) * 40;
      const call: TruthToolCall = { toolUseId: toolUseIds[i], sessionId: s.sessionId, tool: t.name, isError: null, durationMs: null, tsMs: at };
      this.truth.toolCalls.push(call);
      this.openCalls.set(call.toolUseId, call);
    });
    if (opts.counted !== false) {
      this.truth.responses.push({ messageId, requestId: requestId ?? messageId, sessionId: s.sessionId, tsMs: tsMs + (pieces - 1) * 40, ...usage, subagent: s.subagent });
    }
    return { messageId, requestId, toolUseIds, lines };
  }

  toolResult(s: SessionCtx, tsMs: number, toolUseId: string, isError: boolean, text: string): void {
    s.w.line({
      ...this.base(s, tsMs, 'user'),
      message: { role: 'user', content: [{ tool_use_id: toolUseId, type: 'tool_result', content: text, is_error: isError }] },
      toolUseResult: isError ? `Error: ${text.slice(0, 60)}` : { stdout: text.slice(0, 200), stderr: '', interrupted: false },
    });
    if (isError) this.cover('tool-error');
    const call = this.openCalls.get(toolUseId);
    this.openCalls.delete(toolUseId);
    if (call) {
      call.isError = isError;
      call.durationMs = tsMs - call.tsMs;
    }
  }

  /** Lines that carry usage which must not count: an API error and a `<synthetic>` message. */
  errorLines(s: SessionCtx, tsMs: number): void {
    s.w.line({
      ...this.base(s, tsMs, 'assistant'),
      isApiErrorMessage: true,
      message: {
        id: this.id('msg_err'),
        type: 'message',
        role: 'assistant',
        model: SAMPLE_MODELS[0],
        content: [{ type: 'text', text: 'API Error: 529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}' }],
        usage: { input_tokens: 1200, output_tokens: 300, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
      requestId: this.id('req_011'),
    });
    s.w.line({
      ...this.base(s, tsMs + 1000, 'assistant'),
      message: {
        id: this.id('msg_syn'),
        type: 'message',
        role: 'assistant',
        model: '<synthetic>',
        content: [{ type: 'text', text: 'No response requested.' }],
        usage: { input_tokens: 700, output_tokens: 90, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
      },
    });
    this.cover('api-error-line');
    this.cover('synthetic-line');
  }

  /** Writes an exact copy of earlier lines (a replay: sidechain or resumed session) into another transcript. */
  replay(into: SessionCtx, lines: Line[], rule: string): void {
    for (const l of lines) into.w.line({ ...l, isSidechain: into.sidechain, ...(into.agentId ? { agentId: into.agentId } : {}) });
    this.cover(rule, lines.length);
  }

  randomUsage(model = this.rng.pick(SAMPLE_MODELS)): { model: string; input: number; output: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number } {
    const r = this.rng;
    return { model, input: r.int(1, 40), output: r.int(20, 2400), cacheRead: r.int(0, 90_000), cacheWrite5m: r.int(0, 6_000), cacheWrite1h: r.chance(0.2) ? r.int(0, 3_000) : 0 };
  }

  close(): void {
    for (const w of this.writers) w.close();
    this.writers = [];
  }

  /** Closes the files written so far (a big history would otherwise hold thousands open). */
  closeFinished(): void {
    this.close();
  }

  get bytesWritten(): number {
    return this.totalBytes;
  }
}

const TOOLS: { name: string; input: (r: Prng) => Record<string, unknown> }[] = [
  { name: 'Bash', input: (r) => ({ command: r.pick(['npm test', 'git status', 'ls -la src', 'npm run build']), description: 'run it' }) },
  { name: 'Read', input: (r) => ({ file_path: `/home/dev/app/src/${r.pick(['a', 'b', 'c', 'main', 'util'])}.ts` }) },
  { name: 'Edit', input: (r) => ({ file_path: `/home/dev/app/src/${r.pick(['a', 'b'])}.ts`, old_string: 'x', new_string: 'y' }) },
  { name: 'Grep', input: (r) => ({ pattern: r.pick(['TODO', 'export function', 'import']) }) },
  { name: 'Skill', input: (r) => ({ skill: r.pick(['pdf', 'xlsx', 'review']) }) },
];

/**
 * The rule scenarios (fixed) plus bulk sessions up to `bulkBytes`. Returns the truth; the
 * transcripts are on disk under `<dir>/projects`.
 */
export function generateClaudeHistory(opts: ClaudeHistoryOptions): ClaudeHistoryTruth {
  const b = new ClaudeHistoryBuilder(opts.dir, opts.seed ?? 15);
  const day0 = opts.startMs ?? Date.UTC(2026, 2, 10);
  const H = 3600_000;
  const M = 60_000;

  // 1. a session streaming responses with tools, errors and prompts; 18:20Z..19:05Z = 23:50..00:35 in Asia/Kolkata
  const s1 = b.session('-home-dev-app', { branch: 'feature/usage' });
  let t = day0 + 18 * H + 20 * M;
  b.meta(s1, t - 1000);
  b.prompt(s1, t, 'Add a usage report');
  const r1 = b.response(s1, t + 2000, { model: SAMPLE_MODELS[0], input: 12, output: 850, cacheRead: 15_000, cacheWrite5m: 4_000, cacheWrite1h: 0 }, { tools: [{ name: 'Bash', input: { command: 'npm test' } }], pieces: 3 });
  b.toolResult(s1, t + 9000, r1.toolUseIds[0], true, 'FAIL test/a.test.ts');
  const r2 = b.response(s1, t + 10_000, { model: SAMPLE_MODELS[0], input: 3, output: 1_900, cacheRead: 19_000, cacheWrite5m: 0, cacheWrite1h: 2_500 }, { tools: [{ name: 'Read', input: { file_path: '/home/dev/app/src/a.ts' } }, { name: 'Skill', input: { skill: 'review' } }] });
  b.toolResult(s1, t + 10_500, r2.toolUseIds[0], false, 'export const a = 1;');
  b.toolResult(s1, t + 12_000, r2.toolUseIds[1], false, 'Launching skill: review');
  b.errorLines(s1, t + 20_000);
  // crosses local midnight (00:00 Asia/Kolkata = 18:30Z)
  t = day0 + 18 * H + 45 * M;
  b.prompt(s1, t, 'Now the weekly one');
  const noReq = b.response(s1, t + 1500, { model: SAMPLE_MODELS[1], input: 20, output: 640, cacheRead: 30_000, cacheWrite5m: 1_000, cacheWrite1h: 0 }, { requestId: null, pieces: 2 });
  const unknown = b.response(s1, t + 30_000, { model: UNKNOWN_MODEL, input: 100, output: 321, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 });
  b.cover('unknown-model');

  // 2. its subagent: own responses, plus a replay of a parent response (must not count twice)
  const a1 = b.subagent(s1, '-home-dev-app');
  b.replay(a1, r1.lines, 'sidechain-replay');
  b.response(a1, t + 5_000, { model: SAMPLE_MODELS[2], input: 8, output: 410, cacheRead: 5_000, cacheWrite5m: 600, cacheWrite1h: 0 }, { pieces: 2, tools: [{ name: 'Grep', input: { pattern: 'TODO' } }] });
  b.response(a1, t + 8_000, { model: SAMPLE_MODELS[2], input: 5, output: 77, cacheRead: 5_600, cacheWrite5m: 0, cacheWrite1h: 0 });

  // 3. the session resumed the next day: the new file starts with copies of earlier responses
  const s2 = b.session('-home-dev-app', { branch: 'feature/usage' });
  b.replay(s2, [...noReq.lines, ...unknown.lines], 'resumed-session-copy');
  t = day0 + 24 * H + 9 * H;
  b.prompt(s2, t, 'continue');
  b.response(s2, t + 1000, { model: SAMPLE_MODELS[0], input: 9, output: 300, cacheRead: 40_000, cacheWrite5m: 200, cacheWrite1h: 0 }, { pieces: 4 });

  // 4. another project, other days, a streamed response without request id
  const s3 = b.session('-home-dev-site', { branch: 'main', cwd: '/home/dev/site' });
  t = day0 + 2 * 24 * H + 23 * H + 50 * M;
  b.prompt(s3, t, 'fix the footer');
  b.response(s3, t + 500, { model: SAMPLE_MODELS[2], input: 40, output: 1_234, cacheRead: 0, cacheWrite5m: 8_000, cacheWrite1h: 0 }, { requestId: null, pieces: 3 });
  b.response(s3, t + 20 * M, { model: SAMPLE_MODELS[1], input: 11, output: 2_222, cacheRead: 8_000, cacheWrite5m: 0, cacheWrite1h: 1_000 });

  // 5. bulk sessions (benchmarks): realistic sizes, every rule mixed in
  const bulk = opts.bulkBytes ?? 0;
  const resultBytes = opts.toolResultBytes ?? 1800;
  const filler = 'lorem ipsum dolor sit amet consectetur '.repeat(Math.ceil(resultBytes / 39) + 1);
  let day = 3;
  let projectNo = 0;
  while (b.bytesWritten < bulk) {
    const project = `-home-dev-proj${projectNo++ % 40}`;
    const s = b.session(project, { branch: b.rng.pick(['main', 'dev', 'feature/x']) });
    let ts = day0 + day * 24 * H + b.rng.int(0, 23) * H + b.rng.int(0, 59) * M;
    const turns = b.rng.int(10, 80);
    let sub: SessionCtx | undefined;
    for (let i = 0; i < turns && b.bytesWritten < bulk; i++) {
      b.prompt(s, ts, `task ${i}: ${filler.slice(0, b.rng.int(20, 300))}`);
      ts += b.rng.int(1, 20) * 1000;
      const tool = b.rng.pick(TOOLS);
      const r = b.response(s, ts, b.randomUsage(), { tools: [{ name: tool.name, input: tool.input(b.rng) }], pieces: b.rng.int(1, 3), requestId: b.rng.chance(0.02) ? null : undefined, text: filler.slice(0, b.rng.int(50, 600)) });
      const done = ts + b.rng.int(100, 30_000);
      b.toolResult(s, done, r.toolUseIds[0], b.rng.chance(0.07), filler.slice(0, b.rng.int(resultBytes / 4, resultBytes * 2)));
      ts = done + b.rng.int(500, 5000);
      if (b.rng.chance(0.01)) b.errorLines(s, ts);
      if (b.rng.chance(0.05)) {
        sub ??= b.subagent(s, project);
        if (b.rng.chance(0.3)) b.replay(sub, r.lines, 'sidechain-replay');
        b.response(sub, ts + 500, b.randomUsage(SAMPLE_MODELS[2]), { pieces: 2 });
      }
      ts += b.rng.int(10, 300) * 1000;
    }
    day += b.rng.chance(0.3) ? 1 : 0;
    b.closeFinished();
  }
  b.close();
  return b.truth;
}
