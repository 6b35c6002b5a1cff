/**
 * Timestamp value rule of telemetry-formats.md: every form becomes INTEGER epoch seconds (UTC).
 * Zone-less wall times are placed in a configured IANA zone with Intl (no tz database shipped).
 */

import { zoneOffsetSeconds } from '../time/zones';
import { ExactNumber } from './exactNumbers';

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const NUMERIC = /^\s*-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i;

export { checkZone, machineZone } from '../time/zones';

const offsetCache = new Map<string, number>();

/** Offset (ms) of `tz` at instant `utcMs`. */
function zoneOffsetMs(tz: string, utcMs: number): number {
  const hour = Math.floor(utcMs / 3_600_000);
  const key = tz + '|' + hour;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  // offsets change on hour boundaries in practice: one Intl call per zone and hour
  const off = zoneOffsetSeconds(tz, hour * 3600) * 1000;
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(key, off);
  return off;
}

/** Date.UTC without its two-digit-year rule (years 0–99 are meant as written, not 19xx). */
export function utcMs(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (y >= 100 || y < 0) return t;
  const date = new Date(t);
  date.setUTCFullYear(y, mo - 1, d);
  return date.getTime();
}

/** The instant (ms) whose wall clock in `tz` reads the given fields (earlier one in a DST overlap). */
export function wallTimeToUtcMs(tz: string, y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const wallAsUtc = utcMs(y, mo, d, h, mi, s, ms);
  if (tz === 'UTC' || tz === 'Etc/UTC') return wallAsUtc;
  const first = wallAsUtc - zoneOffsetMs(tz, wallAsUtc);
  const second = wallAsUtc - zoneOffsetMs(tz, first);
  return Math.min(first, second);
}

/** Epoch seconds of years 1–9999 (what SQLite's date functions and ISO text can show). */
const MIN_EPOCH_S = -62135596800;
const MAX_EPOCH_S = 253402300799;

/**
 * Epoch numbers by magnitude: seconds below 1e11 (until year 5138), then milliseconds,
 * microseconds and nanoseconds in turn (each up to the same year); bigger is no timestamp.
 */
function fromNumber(n: number): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  const a = Math.abs(n);
  const s = a < 1e11 ? n : a < 1e14 ? n / 1e3 : a < 1e17 ? n / 1e6 : a < 1e20 ? n / 1e9 : NaN;
  if (!(s >= MIN_EPOCH_S && s <= MAX_EPOCH_S)) return undefined;
  return Math.floor(s);
}

/**
 * Parses a zone suffix (`Z`, `+05`, `+0530`, `-08:00`) into minutes east of UTC; undefined
 * beyond ±18:00 or with minutes over 59 (ISO 8601 / RFC 3339 range).
 */
function zoneMinutes(z: string): number | undefined {
  if (z === 'Z' || z === 'z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2, 4) || '0');
  if (minutes > 59 || hours * 60 + minutes > 18 * 60) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * Epoch seconds for any accepted timestamp form, or undefined when the value is none of them
 * (the caller rejects the line with reason `timestamp`).
 */
export function parseTimestamp(value: unknown, tz: string): number | undefined {
  if (typeof value === 'number') return fromNumber(value);
  // a nanosecond epoch is beyond 2^53: its exact digits are not needed for whole seconds
  if (value instanceof ExactNumber) return fromNumber(Number(value.text));
  if (typeof value !== 'string') return undefined;
  if (NUMERIC.test(value)) return fromNumber(Number(value));
  const m = ISO.exec(value.trim());
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const h = m[4] === undefined ? 0 : Number(m[4]);
  const mi = m[5] === undefined ? 0 : Number(m[5]);
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number('0.' + m[7]) * 1000);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return undefined;
  const check = new Date(utcMs(y, mo, d, 0, 0, 0, 0));
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return undefined;
  let at: number;
  if (m[8] !== undefined) {
    const offset = zoneMinutes(m[8]);
    if (offset === undefined) return undefined;
    at = utcMs(y, mo, d, h, mi, s, ms) - offset * 60_000;
  } else at = wallTimeToUtcMs(tz, y, mo, d, h, mi, s, ms);
  const seconds = Math.floor(at / 1000);
  return seconds >= MIN_EPOCH_S && seconds <= MAX_EPOCH_S ? seconds : undefined;
}
