/**
 * Encodes rows read from SQLite as PostgreSQL COPY text format, coercing each value to the team
 * column's type. A value that does not fit (text in an INTEGER column, a fraction in a bigint,
 * invalid JSON in a JSON column…) is never dropped: the column gets NULL and the value goes to the
 * row's `extra` as `<column>_as_stored`, the same convention baseline uses locally.
 */
import type { TeamColumnType } from './dialect';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

function escapeText(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return s;
  return s.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** JSON text PostgreSQL's jsonb accepts, or undefined (invalid JSON, or a NUL it cannot hold). */
function jsonbText(s: string): string | undefined {
  if (s.includes('\\u0000')) return undefined;
  try {
    JSON.parse(s);
    return s;
  } catch {
    return undefined;
  }
}

export type Misfit = [column: string, value: unknown];

/** COPY text of one value, or undefined when it does not fit the type (caller records the misfit). */
export function copyValue(v: unknown, type: TeamColumnType): string | undefined {
  if (v === null || v === undefined) return '\\N';
  switch (type) {
    case 'bigint':
      return typeof v === 'number' && Number.isInteger(v) ? String(v) : typeof v === 'bigint' ? v.toString() : undefined;
    case 'double precision':
      return typeof v === 'number' ? String(v) : undefined;
    case 'text':
      return typeof v === 'string' ? escapeText(v) : typeof v === 'number' ? String(v) : undefined;
    case 'jsonb': {
      if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
      if (typeof v !== 'string') return undefined;
      const j = jsonbText(v);
      return j === undefined ? undefined : escapeText(j);
    }
    case 'bytea':
      return v instanceof Uint8Array ? '\\\\x' + hex(v) : undefined;
  }
}

/** `extra` with the misfits added (as JSON text for a jsonb column). */
export function extraWithMisfits(extra: unknown, misfits: Misfit[]): string {
  let obj: Record<string, unknown> = {};
  if (typeof extra === 'string') {
    try {
      const parsed = JSON.parse(extra);
      obj = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed : { extra_as_stored: extra };
    } catch {
      obj = { extra_as_stored: extra };
    }
  }
  for (const [col, value] of misfits) obj[`${col}_as_stored`] = value instanceof Uint8Array ? hex(value) : value;
  return JSON.stringify(obj).replace(/\\u0000/g, '');
}

/**
 * One line of COPY text (with its newline). `machine` is written first. `extraIndex` is the
 * position of `extra` among `values` (or -1).
 */
export function copyLine(machineText: string, values: unknown[], types: TeamColumnType[], names: string[], extraIndex: number): { line: string; misfits: number } {
  let line = machineText;
  let misfits: Misfit[] | undefined;
  const cells: string[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const text = copyValue(values[i], types[i]);
    if (text === undefined) {
      (misfits ??= []).push([names[i], values[i]]);
      cells[i] = '\\N';
    } else cells[i] = text;
  }
  if (misfits && extraIndex >= 0) {
    const misfitExtra = misfits.find(([c]) => c === names[extraIndex]);
    const others = misfits.filter(([c]) => c !== names[extraIndex]);
    cells[extraIndex] = escapeText(extraWithMisfits(misfitExtra ? misfitExtra[1] : values[extraIndex], others));
  }
  for (let i = 0; i < cells.length; i++) line += '\t' + cells[i];
  return { line: line + '\n', misfits: misfits?.length ?? 0 };
}

