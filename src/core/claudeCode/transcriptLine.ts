/**
 * What one transcript line contributes (pure; docs/claude-code.md "Exactness rules"):
 * - an assistant line with usage is one streamed piece of an API response keyed by
 *   (message.id, requestId ?? message.id); the caller keeps the last piece per key;
 * - lines flagged isApiErrorMessage or with model `<synthetic>` carry no usage;
 * - tool_use blocks become tool calls; tool_result blocks complete them;
 * - a user line whose content is text (not a tool result, not meta) is a prompt;
 * - every line with a sessionId and timestamp is session activity.
 */

export interface LineContext {
  path: string;
  lineNo: number;
  project: string;
  subagent: boolean;
}

export interface ResponseRecord {
  messageId: string;
  requestId: string;
  sessionId: string | null;
  tsMs: number;
  model: string | null;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  sidechain: boolean;
  subagent: boolean;
  agentId: string | null;
  path: string;
  lineNo: number;
}

export interface ToolUseRecord {
  toolUseId: string;
  sessionId: string | null;
  messageId: string | null;
  tsMs: number;
  tool: string;
  inputSummary: string;
  sidechain: boolean;
  subagent: boolean;
  path: string;
  lineNo: number;
}

export interface ToolResultRecord {
  toolUseId: string;
  tsMs: number;
  isError: boolean;
}

export interface PromptRecord {
  uuid: string;
  sessionId: string | null;
  tsMs: number;
  chars: number;
  textHead: string;
  subagent: boolean;
}

export interface ActivityRecord {
  sessionId: string;
  tsMs: number;
  cwd: string | null;
  gitBranch: string | null;
  version: string | null;
}

export interface LineRecords {
  activity?: ActivityRecord;
  response?: ResponseRecord;
  toolUses: ToolUseRecord[];
  toolResults: ToolResultRecord[];
  prompt?: PromptRecord;
}

const SUMMARY_CHARS = 100;
const PROMPT_HEAD_CHARS = 100;

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0;
}

function cut(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}

/** A short, single-line description of a tool's input: the field that says what it did. */
export function summariseToolInput(tool: string, input: unknown): string {
  if (!input || typeof input !== 'object') return '';
  const o = input as Record<string, unknown>;
  for (const key of ['command', 'file_path', 'path', 'pattern', 'url', 'query', 'skill', 'description', 'prompt', 'notebook_path']) {
    const v = o[key];
    if (typeof v === 'string' && v !== '') return cut(key === 'command' || key === 'file_path' || key === 'path' ? v : `${key}: ${v}`, SUMMARY_CHARS);
  }
  const keys = Object.keys(o);
  return keys.length ? cut(`${tool}(${keys.join(', ')})`, SUMMARY_CHARS) : '';
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?Z$/;

function parseTs(v: unknown): number | null {
  if (typeof v !== 'string') return typeof v === 'number' && Number.isFinite(v) ? (v < 1e11 ? v * 1000 : v) : null;
  // Claude Code writes toISOString() form: read it directly (Date.parse is several times slower)
  const m = ISO_UTC.exec(v);
  if (m) return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], m[7] ? +m[7].padEnd(3, '0') : 0);
  const t = Date.parse(v);
  return Number.isFinite(t) ? t : null;
}

/** The records of one parsed line (`null` when the line is not an object). */
export function recordsOfLine(obj: unknown, ctx: LineContext): LineRecords | null {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return null;
  const o = obj as Record<string, unknown>;
  const out: LineRecords = { toolUses: [], toolResults: [] };
  const tsMs = parseTs(o.timestamp);
  const sessionId = str(o.sessionId);
  if (tsMs === null) return out;
  if (sessionId) out.activity = { sessionId, tsMs, cwd: str(o.cwd), gitBranch: str(o.gitBranch), version: str(o.version) };
  const sidechain = o.isSidechain === true;
  const message = o.message && typeof o.message === 'object' ? (o.message as Record<string, unknown>) : null;
  if (!message) return out;
  const content = message.content;
  if (o.type === 'assistant') {
    const messageId = str(message.id);
    const model = str(message.model);
    const usage = message.usage && typeof message.usage === 'object' ? (message.usage as Record<string, unknown>) : null;
    const noUsage = o.isApiErrorMessage === true || model === '<synthetic>';
    if (usage && !noUsage) {
      const key = messageId ?? str(o.uuid);
      if (key) {
        const cacheCreation = usage.cache_creation && typeof usage.cache_creation === 'object' ? (usage.cache_creation as Record<string, unknown>) : null;
        const totalWrite = count(usage.cache_creation_input_tokens);
        // the 1h part when the split is given; the rest of the total is 5-minute writes (the default TTL)
        const write1h = cacheCreation ? count(cacheCreation.ephemeral_1h_input_tokens) : 0;
        const write5m = totalWrite > 0 ? Math.max(0, totalWrite - write1h) : cacheCreation ? count(cacheCreation.ephemeral_5m_input_tokens) : 0;
        out.response = {
          messageId: key,
          requestId: str(o.requestId) ?? key,
          sessionId,
          tsMs,
          model,
          input: count(usage.input_tokens),
          output: count(usage.output_tokens),
          cacheRead: count(usage.cache_read_input_tokens),
          cacheWrite5m: write5m,
          cacheWrite1h: write1h,
          sidechain,
          subagent: ctx.subagent,
          agentId: str(o.agentId),
          path: ctx.path,
          lineNo: ctx.lineNo,
        };
      }
    }
    if (Array.isArray(content)) {
      for (const block of content) {
        if (!block || typeof block !== 'object') continue;
        const b = block as Record<string, unknown>;
        const id = str(b.id);
        if (b.type === 'tool_use' && id) {
          const tool = str(b.name) ?? 'unknown';
          out.toolUses.push({ toolUseId: id, sessionId, messageId, tsMs, tool, inputSummary: summariseToolInput(tool, b.input), sidechain, subagent: ctx.subagent, path: ctx.path, lineNo: ctx.lineNo });
        }
      }
    }
    return out;
  }
  if (o.type === 'user') {
    if (Array.isArray(content)) {
      let text = '';
      let hasResult = false;
      for (const block of content) {
        if (!block || typeof block !== 'object') continue;
        const b = block as Record<string, unknown>;
        const id = str(b.tool_use_id);
        if (b.type === 'tool_result' && id) {
          hasResult = true;
          out.toolResults.push({ toolUseId: id, tsMs, isError: b.is_error === true });
        } else if (b.type === 'text' && typeof b.text === 'string') text += (text ? '\n' : '') + b.text;
      }
      if (!hasResult && text) addPrompt(out, o, sessionId, tsMs, text, ctx);
    } else if (typeof content === 'string') addPrompt(out, o, sessionId, tsMs, content, ctx);
  }
  return out;
}

function addPrompt(out: LineRecords, o: Record<string, unknown>, sessionId: string | null, tsMs: number, text: string, ctx: LineContext): void {
  const uuid = str(o.uuid);
  // meta lines (command caveats, hook output) and compaction summaries are not the user typing
  if (!uuid || o.isMeta === true || o.isCompactSummary === true || o.isSidechain === true) return;
  out.prompt = { uuid, sessionId, tsMs, chars: text.length, textHead: cut(text, PROMPT_HEAD_CHARS), subagent: ctx.subagent };
}
