/**
 * Reads one source and classifies every line: blank, pending (final line still being
 * written), reject (bad JSON, not an object, NUL bytes, over-long) or a parsed record.
 * Shared by migrate, audit and verify so all three count lines identically.
 */
import * as fs from 'fs';
import { readLines, throwIfAborted, type ReadLinesResult } from './lineReader';
import type { RejectReason } from './types';
import { parseJsonExact } from '../formats/exactNumbers';

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;
/**
 * Deepest nesting of arrays/objects a line may have. Deeper lines are rejected (`too-deep`)
 * before anything walks them recursively (hashing, canonical JSON), so a hostile line can
 * never overflow the stack; the same limit on every thread keeps audit = migrate = verify.
 */
export const MAX_NESTING = 1000;

/** Deepest `[`/`{` nesting of JSON text (brackets inside strings ignored). */
export function jsonNestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > max) max = depth;
    } else if (c === 93 || c === 125) depth--;
  }
  return max;
}

/** A nesting depth needs at least twice as many characters: shorter texts skip the scan. */
function tooDeep(text: string): boolean {
  return text.length > 2 * MAX_NESTING && jsonNestingDepth(text) > MAX_NESTING;
}

export interface LineReject {
  line: number;
  reason: RejectReason;
  detail: string;
  /** Decoded text (the head only, for over-long lines). */
  text: string;
  bytes: number;
}

export interface ScanHandlers {
  record(line: number, rec: Record<string, unknown>, text: string): void;
  reject(r: LineReject): void;
  blank(line: number): void;
  pending(line: number): void;
}

export interface ScanOptions {
  startOffset?: number;
  startLine?: number;
  maxLineBytes?: number;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
  limit?: number;
  chunkBytes?: number;
  chunkHook?: () => Promise<void>;
}

function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 0xfeff) return false;
  }
  return true;
}

function parseError(text: string, e: unknown): { reason: RejectReason; detail: string } {
  if (text.includes('\u0000')) return { reason: 'nul', detail: 'line contains NUL bytes' };
  return { reason: 'json', detail: e instanceof Error ? e.message : String(e) };
}

export async function scanJsonl(filePath: string, h: ScanHandlers, opts: ScanOptions = {}): Promise<ReadLinesResult> {
  const maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  return readLines(
    filePath,
    (ev) => {
      const text = ev.buf.toString('utf8', ev.start, ev.end);
      if (ev.overlongBytes) {
        if (!ev.terminated) {
          h.pending(ev.lineNo); // still being written; judged when complete
          return false;
        }
        h.reject({ line: ev.lineNo, reason: 'too-long', detail: `line is ${ev.overlongBytes} bytes (limit ${maxLineBytes})`, text, bytes: ev.overlongBytes });
        return true;
      }
      if (isBlank(text)) {
        if (!ev.terminated) {
          h.pending(ev.lineNo); // nothing but whitespace so far: wait for the rest
          return false;
        }
        h.blank(ev.lineNo);
        return true;
      }
      let rec: unknown;
      try {
        rec = parseJsonExact(text);
      } catch (e) {
        if (!ev.terminated) {
          h.pending(ev.lineNo);
          return false;
        }
        const { reason, detail } = parseError(text, e);
        h.reject({ line: ev.lineNo, reason, detail, text, bytes: ev.end - ev.start });
        return true;
      }
      if (rec === null || typeof rec !== 'object' || Array.isArray(rec)) {
        h.reject({ line: ev.lineNo, reason: 'not-object', detail: `a JSON ${Array.isArray(rec) ? 'array' : rec === null ? 'null' : typeof rec}, not an object`, text, bytes: ev.end - ev.start });
        return true;
      }
      if (tooDeep(text)) {
        h.reject({ line: ev.lineNo, reason: 'too-deep', detail: `nested ${jsonNestingDepth(text)} levels deep (limit ${MAX_NESTING})`, text: text.slice(0, 4096), bytes: ev.end - ev.start });
        return true;
      }
      h.record(ev.lineNo, rec as Record<string, unknown>, text);
      return true;
    },
    { startOffset: opts.startOffset ?? 0, startLine: opts.startLine ?? 0, maxLineBytes, signal: opts.signal, onBytes: opts.onBytes, limit: opts.limit, chunkBytes: opts.chunkBytes, chunkHook: opts.chunkHook },
  );
}

/**
 * A JSON document source (skill_metrics.json): each element of `invocations` is one record,
 * numbered from 1. A document that does not parse is one rejected "line" (reason `document`).
 * Returns the number of lines accounted and the parsed document (for verify's totals).
 */
export async function scanDocument(filePath: string, h: ScanHandlers, opts: { signal?: AbortSignal } = {}): Promise<{ lines: number; doc: Record<string, unknown> | null }> {
  throwIfAborted(opts.signal);
  const st = await fs.promises.stat(filePath);
  if (st.size > MAX_DOCUMENT_BYTES) {
    h.reject({ line: 1, reason: 'too-long', detail: `document is ${st.size} bytes (limit ${MAX_DOCUMENT_BYTES})`, text: '', bytes: st.size });
    return { lines: 1, doc: null };
  }
  let text = (await fs.promises.readFile(filePath)).toString('utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (isBlank(text.replace(/\n/g, ''))) return { lines: 0, doc: null };
  if (tooDeep(text)) {
    h.reject({ line: 1, reason: 'too-deep', detail: `nested ${jsonNestingDepth(text)} levels deep (limit ${MAX_NESTING})`, text: text.slice(0, 4096), bytes: Buffer.byteLength(text) });
    return { lines: 1, doc: null };
  }
  let doc: unknown;
  try {
    doc = parseJsonExact(text);
  } catch (e) {
    h.reject({ line: 1, reason: 'document', detail: `not valid JSON: ${e instanceof Error ? e.message : String(e)}`, text: text.slice(0, 65536), bytes: Buffer.byteLength(text) });
    return { lines: 1, doc: null };
  }
  const list = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>).invocations : Array.isArray(doc) ? doc : undefined;
  if (!Array.isArray(list)) {
    h.reject({ line: 1, reason: 'document', detail: 'no "invocations" list', text: text.slice(0, 65536), bytes: Buffer.byteLength(text) });
    return { lines: 1, doc: doc as Record<string, unknown> };
  }
  list.forEach((el, i) => {
    if (el === null || typeof el !== 'object' || Array.isArray(el)) {
      const raw = JSON.stringify(el) ?? 'null';
      h.reject({ line: i + 1, reason: 'not-object', detail: 'invocation is not an object', text: raw, bytes: raw.length });
    } else h.record(i + 1, el as Record<string, unknown>, '');
  });
  return { lines: list.length, doc: Array.isArray(doc) ? null : (doc as Record<string, unknown>) };
}
