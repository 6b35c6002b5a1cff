/**
 * Lossless JSON numbers. JSON.parse turns 12345678901234567891 into 12345678901234567000 and
 * 1e400 into Infinity (which then vanishes as null). A line whose text may hold such a number
 * is parsed a second, slower way that keeps those numbers as their source text
 * (ExactNumber); every other number stays a JS number. The value rules then store an integer
 * that fits SQLite's int64 exactly as INTEGER (bound as its decimal text, which INTEGER
 * affinity converts without loss) and keep any other such number as its text, never as a
 * rounded double.
 */

/** A JSON number a double cannot hold exactly: its source token, e.g. `12345678901234567891`, `1e400`. */
export class ExactNumber {
  constructor(readonly text: string) {}
  /** The token is an integer literal (no fraction, no exponent). */
  get isInteger(): boolean {
    return /^-?\d+$/.test(this.text);
  }
  toJSON(): string {
    return this.text;
  }
  toString(): string {
    return this.text;
  }
}

/**
 * SQL reading a column's integers beyond 2^53 as their decimal text (a double would round
 * them); other values as stored, or NULL when `otherwise` is 'null' (the caller reads the column
 * itself too). `column` must already be a quoted identifier.
 */
export function exactIntegerSql(column: string, otherwise: 'value' | 'null' = 'value'): string {
  return `CASE WHEN typeof(${column}) = 'integer' AND abs(${column}) > 9007199254740991 THEN CAST(${column} AS TEXT)${otherwise === 'value' ? ` ELSE ${column}` : ''} END`;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Decimal text of an integer literal that SQLite stores exactly as INTEGER (int64), else undefined. */
export function int64Text(text: string): string | undefined {
  const t = text.trim();
  if (!/^[+-]?\d+$/.test(t)) return undefined;
  const b = BigInt(t);
  return b >= INT64_MIN && b <= INT64_MAX ? b.toString() : undefined;
}

/** A token whose JS number would not be the value written: a big integer, an overflow or an underflow. */
function lossy(token: string): boolean {
  const n = Number(token);
  if (!Number.isFinite(n)) return true;
  if (/^-?\d+$/.test(token)) return !Number.isSafeInteger(n);
  return n === 0 && /[1-9]/.test(token.replace(/[eE].*$/, ''));
}

let marker = '';
function markerPrefix(): string {
  // unpredictable, so no data can spell it
  if (!marker) marker = `\u0000tl-exact-${Math.random().toString(36).slice(2)}:`;
  return marker;
}

const TWO_53 = 2 ** 53;
const UNDERFLOW = /[eE]-\d{3}/;
const pending: unknown[] = [];

/**
 * Did JSON.parse possibly change a number of `text`? Looks at the parsed values, not the text
 * (cheaper than any scan of every character): a magnitude of 2^53 or more (a big integer, an
 * overflow to Infinity) or a zero while the text has a 3-digit negative exponent (an underflow).
 */
function mayHaveLost(value: unknown, text: string): boolean {
  let zero = false;
  pending.length = 0;
  pending.push(value);
  while (pending.length) {
    const v = pending.pop();
    if (typeof v === 'number') {
      if (!(v < TWO_53 && v > -TWO_53)) return true;
      if (v === 0) zero = true;
    } else if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) for (let i = 0; i < v.length; i++) pending.push(v[i]);
      else for (const k in v as Record<string, unknown>) pending.push((v as Record<string, unknown>)[k]);
    }
  }
  return zero && UNDERFLOW.test(text);
}

/**
 * JSON.parse that keeps numbers exactly: lossy number tokens come back as ExactNumber.
 * Throws like JSON.parse on invalid text.
 */
export function parseJsonExact(text: string): unknown {
  const plain = JSON.parse(text);
  if (!mayHaveLost(plain, text)) return plain;
  // rewrite lossy number tokens (outside strings) as marked strings, then parse
  const prefix = markerPrefix();
  let out = '';
  let last = 0;
  let replaced = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      // skip a string
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      continue;
    }
    if (c === 45 || (c >= 48 && c <= 57)) {
      let j = i + 1;
      while (j < text.length && /[0-9eE.+-]/.test(text[j])) j++;
      const token = text.slice(i, j);
      if (lossy(token)) {
        out += text.slice(last, i) + JSON.stringify(prefix + token);
        last = j;
        replaced = true;
      }
      i = j - 1;
    }
  }
  if (!replaced) return plain;
  return restore(JSON.parse(out + text.slice(last)), prefix);
}

/** Replaces marked strings by ExactNumber, without recursion (depth is bounded elsewhere, but cheaply so). */
function restore(root: unknown, prefix: string): unknown {
  const fix = (v: unknown): unknown => (typeof v === 'string' && v.startsWith(prefix) ? new ExactNumber(v.slice(prefix.length)) : v);
  const top = fix(root);
  const stack: unknown[] = [top];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || v instanceof ExactNumber) continue;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        v[i] = fix(v[i]);
        stack.push(v[i]);
      }
    } else {
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        o[k] = fix(o[k]);
        stack.push(o[k]);
      }
    }
  }
  return top;
}
