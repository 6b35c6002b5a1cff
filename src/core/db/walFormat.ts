/**
 * SQLite write-ahead-log parsing (sqlite.org/fileformat2.html §4.1–4.3), pure functions over bytes.
 * A reader must apply exactly the frames SQLite itself would see: valid header, frames whose salts
 * match the header and whose cumulative checksum chain holds, up to the last commit frame.
 */
import { imageBuffer } from './fileState';

export const WAL_HEADER_BYTES = 32;
export const WAL_FRAME_HEADER_BYTES = 24;
const MAGIC_LITTLE_ENDIAN = 0x377f0682;
const MAGIC_BIG_ENDIAN = 0x377f0683;
const WAL_FORMAT_VERSION = 3007000;

export interface WalHeader {
  /** Checksums read words big-endian (magic 0x377f0683) or little-endian (0x377f0682). */
  bigEndianChecksums: boolean;
  pageSize: number;
  checkpointSequence: number;
  salt1: number;
  salt2: number;
}

export interface WalCommittedState {
  header: WalHeader;
  /** Page number → byte offset of that page's newest committed content inside the WAL bytes. */
  pageOffsets: Map<number, number>;
  /** Database size in pages after the last commit. */
  databasePages: number;
  /** Frames up to and including the last commit frame. */
  committedFrames: number;
  /** Frames whose checksums were valid (committed + a trailing uncommitted transaction). */
  validFrames: number;
}

export type WalParseResult =
  | { kind: 'empty' } // no WAL or shorter than a header: nothing to apply
  | { kind: 'invalid-header'; reason: string } // SQLite ignores such a WAL (it is reset on next write)
  | { kind: 'ok'; state: WalCommittedState };

/** The WAL checksum of §4.2: two running sums over pairs of 32-bit words. Returns the new [s0, s1]. */
export function walChecksum(bytes: Uint8Array, start: number, end: number, bigEndian: boolean, s0: number, s1: number): [number, number] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = !bigEndian;
  for (let i = start; i < end; i += 8) {
    s0 = (s0 + view.getUint32(i, little) + s1) >>> 0;
    s1 = (s1 + view.getUint32(i + 4, little) + s0) >>> 0;
  }
  return [s0, s1];
}

function isValidPageSize(n: number): boolean {
  return n >= 512 && n <= 65536 && (n & (n - 1)) === 0;
}

export function parseWalHeader(wal: Uint8Array): WalHeader | string {
  if (wal.length < WAL_HEADER_BYTES) return 'shorter than a WAL header';
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const magic = view.getUint32(0);
  if (magic !== MAGIC_LITTLE_ENDIAN && magic !== MAGIC_BIG_ENDIAN) return `bad magic 0x${magic.toString(16)}`;
  const version = view.getUint32(4);
  if (version !== WAL_FORMAT_VERSION) return `unsupported WAL format version ${version}`;
  const pageSize = view.getUint32(8);
  if (!isValidPageSize(pageSize)) return `invalid page size ${pageSize}`;
  const bigEndianChecksums = magic === MAGIC_BIG_ENDIAN;
  const [c0, c1] = walChecksum(wal, 0, 24, bigEndianChecksums, 0, 0);
  if (c0 !== view.getUint32(24) || c1 !== view.getUint32(28)) return 'header checksum mismatch';
  return { bigEndianChecksums, pageSize, checkpointSequence: view.getUint32(12), salt1: view.getUint32(16), salt2: view.getUint32(20) };
}

/** Walks the frames and returns what a fresh SQLite reader would see as committed. */
export function parseWal(wal: Uint8Array): WalParseResult {
  if (wal.length < WAL_HEADER_BYTES) return { kind: 'empty' };
  const header = parseWalHeader(wal);
  if (typeof header === 'string') return { kind: 'invalid-header', reason: header };
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const frameBytes = WAL_FRAME_HEADER_BYTES + header.pageSize;
  let [s0, s1] = [view.getUint32(24), view.getUint32(28)];
  const pending = new Map<number, number>();
  const committed = new Map<number, number>();
  let databasePages = 0;
  let committedFrames = 0;
  let validFrames = 0;
  for (let off = WAL_HEADER_BYTES; off + frameBytes <= wal.length; off += frameBytes) {
    const pageNumber = view.getUint32(off);
    const commitSize = view.getUint32(off + 4);
    if (pageNumber === 0) break;
    if (view.getUint32(off + 8) !== header.salt1 || view.getUint32(off + 12) !== header.salt2) break; // older generation
    [s0, s1] = walChecksum(wal, off, off + 8, header.bigEndianChecksums, s0, s1);
    [s0, s1] = walChecksum(wal, off + WAL_FRAME_HEADER_BYTES, off + frameBytes, header.bigEndianChecksums, s0, s1);
    if (s0 !== view.getUint32(off + 16) || s1 !== view.getUint32(off + 20)) break; // torn or garbage frame
    validFrames++;
    pending.set(pageNumber, off + WAL_FRAME_HEADER_BYTES);
    if (commitSize !== 0) {
      for (const [p, o] of pending) committed.set(p, o);
      pending.clear();
      databasePages = commitSize;
      committedFrames = validFrames;
    }
  }
  return { kind: 'ok', state: { header, pageOffsets: committed, databasePages, committedFrames, validFrames } };
}

/**
 * Builds the database image a reader sees: the main file with the committed WAL pages laid over
 * it, truncated (or zero-extended) to the last commit's page count. Writes into `main` when it is
 * large enough, so the common case costs no extra copy of a big image.
 */
export function applyWal(main: Uint8Array, wal: Uint8Array, state: WalCommittedState): Uint8Array {
  if (state.committedFrames === 0) return main;
  const pageSize = state.header.pageSize;
  const size = state.databasePages * pageSize;
  let image: Uint8Array;
  if (size <= main.length) {
    image = main.subarray(0, size);
  } else {
    image = imageBuffer(size);
    image.set(main);
  }
  for (const [pageNumber, offset] of state.pageOffsets) {
    if (pageNumber > state.databasePages) continue; // truncated away by the commit
    image.set(wal.subarray(offset, offset + pageSize), (pageNumber - 1) * pageSize);
  }
  return image;
}
