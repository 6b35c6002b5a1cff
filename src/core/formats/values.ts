/** Value rules of telemetry-formats.md for non-timestamp columns. */
import { canonicalJson } from './rowIdentity';
import { ExactNumber, int64Text } from './exactNumbers';

/**
 * obj[key] = v, also for the key "__proto__" (a plain assignment would set the object's
 * prototype instead, and the field would silently vanish from `extra`).
 */
export function putOwn(obj: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
  else obj[key] = v;
}

export type ColumnType = 'ts' | 'text' | 'real' | 'int' | 'bool';

const NUMERIC = /^\s*-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i;

/** `true/false`, `1/0`, `"true"/"false"`, `"1"/"0"` → 1/0; anything else → undefined. */
export function toBool(v: unknown): number | undefined {
  if (v === true || v === 1) return 1;
  if (v === false || v === 0) return 0;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1') return 1;
    if (s === 'false' || s === '0') return 0;
  }
  return undefined;
}

/** Numeric affinity as SQLite applies it: numbers and numeric strings become numbers. */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && NUMERIC.test(v)) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * An integer beyond 2^53 (an ExactNumber token or a numeric string) as the decimal text SQLite's
 * INTEGER affinity stores exactly; undefined for anything else.
 */
export function exactIntegerText(v: unknown): string | undefined {
  if (v instanceof ExactNumber) return v.isInteger ? int64Text(v.text) : undefined;
  if (typeof v === 'string' && /^\s*[+-]?\d{16,}\s*$/.test(v) && !Number.isSafeInteger(Number(v))) return int64Text(v);
  return undefined;
}

/** A value no double holds exactly (big integer, 1e400): it never goes through Number(). */
function needsExactness(v: unknown): boolean {
  return v instanceof ExactNumber || (typeof v === 'string' && /^\s*[+-]?\d{16,}\s*$/.test(v) && !Number.isSafeInteger(Number(v))) || (typeof v === 'string' && NUMERIC.test(v) && !Number.isFinite(Number(v)));
}

/** TEXT columns: strings as they are, numbers/booleans as text, lists/objects as compact JSON. */
export function toText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof ExactNumber) return v.text;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'object' && v !== null) return canonicalJson(v);
  return undefined;
}

/** Converts a non-timestamp value for a column; undefined = unusable (the field stays in `extra`). */
export function convertValue(v: unknown, type: ColumnType): string | number | undefined {
  switch (type) {
    case 'text':
      return toText(v);
    case 'bool':
      return toBool(v);
    case 'int':
      // exact int64 as decimal text (INTEGER affinity stores it as that integer); anything
      // else a double would round stays unconverted, i.e. kept in `extra` as written
      if (needsExactness(v)) return exactIntegerText(v);
      return toNumber(v);
    default:
      // REAL affinity would round it: kept in `extra` exactly instead
      if (needsExactness(v)) return undefined;
      return toNumber(v);
  }
}
