/** A local day 'YYYY-MM-DD' in the requested time zone. */
export type DayKey = string;

/**
 * Day bucketing in a time zone over hourly UTC rollups, done in SQL: the zone's UTC offset is
 * piecewise constant, so a CASE over the (few) offset changes in the data span maps an hour to
 * its local day without calling into JS per row.
 */

import { checkZone, machineZone, zoneOffsetSeconds } from './zones';

export { zoneOffsetSeconds };
export const machineTimeZone = machineZone;

/** The configured zone, or the machine's when none is set. Throws RangeError for an unknown zone. */
export function resolveTimeZone(tz: string | undefined): string {
  return checkZone(tz && tz.trim() !== '' ? tz.trim() : machineZone());
}

export interface OffsetSegment {
  /** Segment starts at this epoch second (inclusive); the first segment is open to the left. */
  startSeconds: number;
  offsetSeconds: number;
}

const WEEK = 7 * 86400;
const segmentCache = new Map<string, OffsetSegment[]>();

/**
 * Offset segments covering [fromSeconds, toSeconds]. Samples weekly (offset changes are months
 * apart) and bisects each change to the hour.
 */
export function offsetSegments(zone: string, fromSeconds: number, toSeconds: number): OffsetSegment[] {
  const from = Math.floor(fromSeconds / 3600) * 3600;
  const to = Math.ceil(toSeconds / 3600) * 3600;
  const key = `${zone}|${from}|${to}`;
  const cached = segmentCache.get(key);
  if (cached) return cached;
  let offset = zoneOffsetSeconds(zone, from);
  const segments: OffsetSegment[] = [{ startSeconds: from, offsetSeconds: offset }];
  let t = from;
  while (t < to) {
    const next = Math.min(t + WEEK, to);
    if (zoneOffsetSeconds(zone, next) === offset) {
      t = next;
      continue;
    }
    // bisect (t, next] to the first hour with another offset; resume from there so a second
    // change within the same week is found too
    let lo = t;
    let hi = next;
    while (hi - lo > 3600) {
      const mid = lo + Math.floor((hi - lo) / 7200) * 3600;
      if (zoneOffsetSeconds(zone, mid) === offset) lo = mid;
      else hi = mid;
    }
    offset = zoneOffsetSeconds(zone, hi);
    segments.push({ startSeconds: hi, offsetSeconds: offset });
    t = hi;
  }
  if (segmentCache.size > 200) segmentCache.clear();
  segmentCache.set(key, segments);
  return segments;
}

/**
 * SQL expression giving the local day number (days since 1970-01-01 in the zone) of the
 * hour-aligned epoch-seconds column `hourColumn`.
 */
/** SQL for the zone's UTC offset (seconds) at the epoch-seconds expression `column`. */
export function offsetSql(column: string, segments: OffsetSegment[]): string {
  if (segments.length === 1) return String(segments[0].offsetSeconds);
  const arms = segments
    .slice(1)
    .map((s, i) => `WHEN ${column} < ${s.startSeconds} THEN ${segments[i].offsetSeconds}`)
    .join(' ');
  return `(CASE ${arms} ELSE ${segments[segments.length - 1].offsetSeconds} END)`;
}

export function localDaySql(hourColumn: string, segments: OffsetSegment[]): string {
  const offset = offsetSql(hourColumn, segments);
  // floor division that is right for negative numbers too
  return `((${hourColumn} + ${offset} - (((${hourColumn} + ${offset}) % 86400) + 86400) % 86400) / 86400)`;
}

/** Offset of the segment containing `t`. */
export function offsetAt(segments: OffsetSegment[], t: number): number {
  let offset = segments[0].offsetSeconds;
  for (const s of segments) if (s.startSeconds <= t) offset = s.offsetSeconds;
  return offset;
}

export function dayNumberToKey(dayNumber: number): DayKey {
  return new Date(dayNumber * 86400 * 1000).toISOString().slice(0, 10);
}

/** [start, end) epoch seconds of a local day. */
export function dayKeyBounds(day: DayKey, zone: string): { from: number; to: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a day (YYYY-MM-DD): ${day}`);
  const localMidnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000;
  const startOf = (local: number) => {
    // offset at the guessed instant, then correct once (handles DST days)
    let t = local - zoneOffsetSeconds(zone, local);
    t = local - zoneOffsetSeconds(zone, t);
    return t;
  };
  return { from: startOf(localMidnight), to: startOf(localMidnight + 86400) };
}
