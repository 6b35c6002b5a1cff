/**
 * Timestamp value rule of telemetry-formats.md: every form becomes INTEGER epoch seconds (UTC).
 * Zone-less wall times are placed in a configured IANA zone with Intl (no tz database shipped).
 */

import { zoneOffsetSeconds } from '../time/zones';

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

/** The instant (ms) whose wall clock in `tz` reads the given fields (earlier one in a DST overlap). */
export function wallTimeToUtcMs(tz: string, y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const wallAsUtc = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (tz === 'UTC' || tz === 'Etc/UTC') return wallAsUtc;
  const first = wallAsUtc - zoneOffsetMs(tz, wallAsUtc);
  const second = wallAsUtc - zoneOffsetMs(tz, first);
  return Math.min(first, second);
}

function fromNumber(n: number): number | undefined {
  if (!Number.isFinite(n)) return undefined;
  return Math.abs(n) >= 1e11 ? Math.floor(n / 1000) : Math.floor(n);
}

/** Parses a zone suffix (`Z`, `+05`, `+0530`, `-08:00`) into minutes east of UTC. */
function zoneMinutes(z: string): number {
  if (z === 'Z' || z === 'z') return 0;
  const sign = z[0] === '-' ? -1 : 1;
  const digits = z.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0'));
}

/**
 * Epoch seconds for any accepted timestamp form, or undefined when the value is none of them
 * (the caller rejects the line with reason `timestamp`).
 */
export function parseTimestamp(value: unknown, tz: string): number | undefined {
  if (typeof value === 'number') return fromNumber(value);
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
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return undefined;
  const utcMs = m[8] !== undefined ? Date.UTC(y, mo - 1, d, h, mi, s, ms) - zoneMinutes(m[8]) * 60_000 : wallTimeToUtcMs(tz, y, mo, d, h, mi, s, ms);
  return Math.floor(utcMs / 1000);
}
