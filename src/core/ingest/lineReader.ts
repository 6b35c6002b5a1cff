/**
 * Streaming byte-level line splitting: fixed-size chunks, memchr-style search for '\n', no
 * whole-file strings. A line longer than `maxLineBytes` is not buffered beyond the cap: its
 * head is kept (for the reject's raw text) and the rest skipped to the next newline.
 */
import * as fs from 'fs';

export interface LineEvent {
  /** Bytes of the line, without '\n' / '\r\n' (and without a leading BOM on line 1). */
  buf: Buffer;
  start: number;
  end: number;
  /** 1-based line number in the file. */
  lineNo: number;
  /** False for a final line that has no newline (yet). */
  terminated: boolean;
  /** Full byte length of the line when it was cut at the cap, else 0. */
  overlongBytes: number;
}

export interface ReadLinesOptions {
  /** Byte offset to start at (a line start), and the number of lines before it. */
  startOffset: number;
  startLine: number;
  maxLineBytes: number;
  chunkBytes?: number;
  signal?: AbortSignal;
  onBytes?: (bytesReadSoFar: number) => void;
  /** Treat this file offset as the end (a second pass sees exactly the bytes the first saw). */
  limit?: number;
  /** Awaited before each chunk is read (flow control of the parse worker). */
  chunkHook?: () => Promise<void>;
}

export interface ReadLinesResult {
  /** Offset after the last line the sink consumed (terminated lines always are). */
  endOffset: number;
  /** Line number of the last consumed line. */
  lastLine: number;
  /** True when the last consumed line had no newline. */
  endsMidLine: boolean;
  /** Bytes read in total (from startOffset). */
  bytesRead: number;
}

/** `sink` returns whether it consumed an unterminated final line (false = leave it pending). */
export type LineSink = (e: LineEvent) => boolean | void;

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const err = new Error('ingest cancelled');
    err.name = 'AbortError';
    throw err;
  }
}

export async function readLines(filePath: string, sink: LineSink, opts: ReadLinesOptions): Promise<ReadLinesResult> {
  const chunkBytes = opts.chunkBytes ?? 4 * 1024 * 1024;
  const cap = opts.maxLineBytes;
  const fh = await fs.promises.open(filePath, 'r');
  let buf = Buffer.allocUnsafe(chunkBytes + Math.min(cap, chunkBytes) + 4);
  let filled = 0; // bytes in buf (carry + new)
  let bufFileOffset = opts.startOffset; // file offset of buf[0]
  let lineNo = opts.startLine;
  let endOffset = opts.startOffset;
  let endsMidLine = false;
  let bytesRead = 0;
  let overlong = 0; // >0 while skipping the rest of an over-long line: its byte count so far
  let overlongHead: Buffer | undefined;
  let first = opts.startOffset === 0;
  const ev: LineEvent = { buf, start: 0, end: 0, lineNo: 0, terminated: true, overlongBytes: 0 };
  try {
    for (;;) {
      throwIfAborted(opts.signal);
      if (opts.chunkHook) await opts.chunkHook();
      if (buf.length - filled < chunkBytes / 2) {
        const bigger = Buffer.allocUnsafe(filled + chunkBytes);
        buf.copy(bigger, 0, 0, filled);
        buf = bigger;
      }
      const want = opts.limit === undefined ? buf.length - filled : Math.max(0, Math.min(buf.length - filled, opts.limit - (bufFileOffset + filled)));
      const n = want === 0 ? 0 : (await fh.read(buf, filled, want, bufFileOffset + filled)).bytesRead;
      bytesRead += n;
      opts.onBytes?.(bytesRead);
      const eof = n === 0;
      filled += n;
      let pos = 0;
      if (first && filled >= 3) {
        if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
        first = false;
      }
      for (;;) {
        const nl = buf.indexOf(10, pos);
        if (nl < 0 || nl >= filled) break;
        let end = nl;
        if (end > pos && buf[end - 1] === 13) end--;
        lineNo++;
        ev.buf = buf;
        ev.lineNo = lineNo;
        ev.terminated = true;
        if (overlong > 0) {
          ev.buf = overlongHead!;
          ev.start = 0;
          ev.end = overlongHead!.length;
          ev.overlongBytes = overlong + (end - pos);
          overlong = 0;
          overlongHead = undefined;
        } else {
          ev.start = pos;
          ev.end = end;
          ev.overlongBytes = end - pos > cap ? end - pos : 0;
          if (ev.overlongBytes) ev.end = pos + cap;
        }
        sink(ev);
        pos = nl + 1;
        endOffset = bufFileOffset + pos;
        endsMidLine = false;
      }
      // carry the incomplete tail to the front
      const rest = filled - pos;
      if (overlong === 0 && rest > cap && !eof) {
        overlongHead = Buffer.from(buf.subarray(pos, pos + cap));
        overlong = rest;
        bufFileOffset += filled;
        filled = 0;
        continue;
      }
      if (overlong > 0 && !eof) {
        overlong += rest;
        bufFileOffset += filled;
        filled = 0;
        continue;
      }
      if (eof) {
        if (rest > 0 || overlong > 0) {
          ev.lineNo = lineNo + 1;
          ev.terminated = false;
          if (overlong > 0) {
            ev.buf = overlongHead!;
            ev.start = 0;
            ev.end = overlongHead!.length;
            ev.overlongBytes = overlong + rest;
          } else {
            ev.buf = buf;
            ev.start = pos;
            ev.end = filled;
            ev.overlongBytes = rest > cap ? rest : 0;
            if (ev.overlongBytes) ev.end = pos + cap;
          }
          if (sink(ev) === true) {
            lineNo++;
            endOffset = bufFileOffset + filled;
            endsMidLine = true;
          }
        }
        break;
      }
      if (pos > 0) {
        buf.copy(buf, 0, pos, filled);
        bufFileOffset += pos;
        filled = rest;
      }
    }
  } finally {
    await fh.close();
  }
  return { endOffset, lastLine: lineNo, endsMidLine, bytesRead };
}
