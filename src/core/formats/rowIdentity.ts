/**
 * Row identity (docs/architecture.md "Ingest model", docs/conventions.md "Schema contracts").
 * A record's identity inside its stream is the hash of its canonical content: the row as
 * normalised into the table's data columns (NULLs dropped) plus its parsed `extra` object.
 * Key order, spacing and timestamp form of the source line therefore do not change it.
 * The schema baseline hashes adopted rows with this same function, so ingest can claim them.
 */

import { ExactNumber } from './exactNumbers';

/** Values a data column or an `extra` field can hold after normalisation. */
export type CanonicalValue = null | undefined | boolean | number | string | CanonicalValue[] | { [key: string]: CanonicalValue } | Uint8Array;

/**
 * Deterministic JSON: object keys sorted (by UTF-16 code unit order, i.e. JS default sort),
 * arrays in order, compact. Byte arrays (BLOB columns) are written as {"$blob":"<hex>"}.
 */
export function canonicalJson(value: unknown): string {
  // most frequent first: this runs for every value of a million-row backfill
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? '' + value : 'null'; // = JSON.stringify for finite numbers
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return 'null';
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + canonicalJson(value[i]);
    return out + ']';
  }
  if (value instanceof ExactNumber) return value.text; // a JSON number token, kept digit for digit
  if (value instanceof Uint8Array) return '{"$blob":' + JSON.stringify(Buffer.from(value).toString('hex')) + '}';
  const obj = value as Record<string, unknown>;
  const order = keyOrder(Object.keys(obj));
  const keys = order.sorted;
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const v = obj[keys[i]];
    if (v === undefined) continue;
    out += (first ? '' : ',') + order.quoted[i] + canonicalJson(v);
    first = false;
  }
  return out + '}';
}

interface KeyOrder {
  keys: string[];
  sorted: string[];
  /** JSON.stringify(key) + ':' per sorted key */
  quoted: string[];
}

/** The last key order seen per key count: records of one file mostly share their keys. */
const keyOrders = new Map<number, KeyOrder>();

function keyOrder(keys: string[]): KeyOrder {
  const known = keyOrders.get(keys.length);
  if (known) {
    let same = true;
    for (let i = 0; i < keys.length; i++) {
      if (known.keys[i] !== keys[i]) {
        same = false;
        break;
      }
    }
    if (same) return known;
  }
  const sorted = keys.length > 1 ? [...keys].sort() : keys;
  const order = { keys, sorted, quoted: sorted.map((k) => JSON.stringify(k) + ':') };
  if (keys.length <= 64) keyOrders.set(keys.length, order);
  return order;
}

// One reusable, 4-byte aligned scratch area: the text is UTF-8 encoded natively into it and
// hashed a 32-bit word at a time (4x fewer rounds than per UTF-16 unit).
let scratchBuf = new ArrayBuffer(1 << 16);
let scratch = Buffer.from(scratchBuf);
let words = new Int32Array(scratchBuf);
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * 53-bit hash of the UTF-8 bytes of `text`: cyrb53's two 32-bit multiply-xorshift lanes
 * (public domain) fed little-endian 32-bit words, length mixed into the seed. Non-negative
 * and below 2^53, so exact as a JS number and as SQLite INTEGER; the same on every machine.
 * Collisions only merge counts of two distinct contents in one stream (odds ~n²/2^54).
 */
export function hash53(text: string, seed = 0): number {
  if (text.length * 3 + 4 > scratchBuf.byteLength) {
    scratchBuf = new ArrayBuffer(text.length * 3 + 8);
    scratch = Buffer.from(scratchBuf);
    words = new Int32Array(scratchBuf, 0, scratchBuf.byteLength >> 2);
  }
  const n = scratch.write(text, 0);
  scratch[n] = 0;
  scratch[n + 1] = 0;
  scratch[n + 2] = 0;
  const count = (n + 3) >> 2;
  let h1 = 0xdeadbeef ^ seed ^ n;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < count; i++) {
    const k = LITTLE_ENDIAN ? words[i] : scratch.readInt32LE(i * 4);
    h1 = Math.imul(h1 ^ k, 2654435761);
    h2 = Math.imul(h2 ^ k, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The canonical text that is hashed: `[row, extra]` as canonical JSON, where `row` is the
 * data columns with NULL/undefined values dropped and `extra` is the parsed object or null
 * (an empty object counts as null, matching `extra` being stored as NULL when nothing is left).
 */
export function rowCanonicalText(row: Record<string, unknown>, extra: Record<string, unknown> | null | undefined): string {
  const kept: Record<string, unknown> = {};
  for (const k of Object.keys(row)) {
    const v = row[k];
    if (v !== null && v !== undefined) kept[k] = v;
  }
  const x = extra && Object.keys(extra).length > 0 ? extra : null;
  return '[' + canonicalJson(kept) + ',' + canonicalJson(x) + ']';
}

/**
 * Content hash of one row (non-negative, < 2^53). `row`: the table's data columns (not id,
 * source_id, source_line, extra, stream_id, row_hash, row_seq); NULLs are ignored, so passing
 * a row read back from SQLite with NULL columns gives the same hash as the ingest-side row.
 * `extra`: the parsed `extra` JSON object, or null.
 */
export function rowContentHash(row: Record<string, unknown>, extra: Record<string, unknown> | null | undefined): number {
  return hash53(rowCanonicalText(row, extra));
}

/** Columns every event table has that are not record content (excluded from the hash). */
export const PROVENANCE_COLUMNS: readonly string[] = ['id', 'source_id', 'source_line', 'extra', 'stream_id', 'row_hash', 'row_seq'];

/**
 * Same hash as `rowContentHash(row, extra)` for a row whose keys are known in advance:
 * `sortedColumns` must be the row's column names in JS sort order. Skips the per-row key sort
 * (the hot path of a million-line backfill); a test pins the equality.
 */
export function rowContentHashSorted(
  sortedColumns: readonly string[],
  quotedNames: readonly string[],
  row: Record<string, unknown>,
  extra: Record<string, unknown> | null,
  extraText?: string | null,
): number {
  let out = '[{';
  let first = true;
  for (let i = 0; i < sortedColumns.length; i++) {
    const v = row[sortedColumns[i]];
    if (v === null || v === undefined) continue;
    out += (first ? '' : ',') + quotedNames[i] + (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' && Number.isFinite(v) ? '' + v : canonicalJson(v));
    first = false;
  }
  // `extraText`, when given, is canonicalJson(extra) already computed by the caller
  out += '},' + (extraText !== undefined ? (extraText ?? 'null') : extra ? canonicalJson(extra) : 'null') + ']';
  return hash53(out);
}

/**
 * rowContentHashSorted over a flat row (the writer's value array): `vals[at + order[i]]` is the
 * value of the i-th sorted column. No per-row object lookups; a test pins the equality.
 */
export function rowContentHashAt(order: readonly number[], quotedNames: readonly string[], vals: readonly unknown[], at: number, extraText: string | null): number {
  let out = '[{';
  let first = true;
  for (let i = 0; i < order.length; i++) {
    const v = vals[at + order[i]];
    if (v === null || v === undefined) continue;
    out += (first ? '' : ',') + quotedNames[i] + (typeof v === 'string' ? JSON.stringify(v) : typeof v === 'number' && Number.isFinite(v) ? '' + v : canonicalJson(v));
    first = false;
  }
  out += '},' + (extraText ?? 'null') + ']';
  return hash53(out);
}

/** Precomputed `"name":` prefixes for rowContentHashSorted. */
export function quotedColumnNames(sortedColumns: readonly string[]): string[] {
  return sortedColumns.map((c) => JSON.stringify(c) + ':');
}
