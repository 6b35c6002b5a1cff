import type { DrillDownRequest, RowsTarget, SeriesPoint, TimeBucket } from '../../src/protocol';
import type { TabContext } from './tabContext';

/**
 * The x axis of a time-series chart: days (every day from the first to the last with data, so a
 * quiet day shows as a gap, not as nothing), or hours for short ranges (every hour of the
 * range).
 * Hour labels are in the zone the host bucketed in (`resolved.timeZone`), not the browser's.
 */
export interface TimeAxis {
  bucket: TimeBucket;
  /** 'per day' / 'per hour', for chart titles */
  per: string;
  /** axis title: 'Day' or 'Hour (Europe/Berlin)' */
  title: string;
  /** full label per slot (data table, tooltips, drill-down titles) */
  labels: string[];
  /** short axis tick per slot ('Mar 8'; '14:00', with the date under the first hour of a day) */
  ticks: (string | string[])[];
  /** hourly: the local hour of each slot (for round-hour ticks); undefined for days */
  tickHours: number[] | undefined;
  /** "on 5 days" / "in 7 hours", for summaries */
  spanText(slotsWithData: number): string;
  /** one value per slot from `points`; `missing` where a slot has no point */
  values<P extends SeriesPoint>(points: P[], value: (p: P) => number | null, missing?: number | null): (number | null)[];
  /** slot index of a point */
  slotOf(p: SeriesPoint): number;
  /** the rows of slot `i` (that day, or that hour) in `table` */
  rows(target: RowsTarget, slot: number): DrillDownRequest;
}

const HOUR = 3600;

function keyOf(p: SeriesPoint): string {
  return p.startAt !== undefined ? String(p.startAt) : p.day;
}

export function timeAxis(ctx: TabContext, bucket: TimeBucket | undefined, lists: SeriesPoint[][]): TimeAxis {
  const zone = ctx.resolved.timeZone;
  const points = lists.flat();
  const hourly = bucket === 'hour';
  let slots: SeriesPoint[];
  if (hourly) {
    slots = hourSlots(ctx, points);
  } else {
    slots = daySlots(points).map((day) => ({ day }));
  }
  const index = new Map(slots.map((s, i) => [keyOf(s), i]));
  const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const hourLabel = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
  const dateOfHour = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: zone });
  const shortDay = (day: string) => {
    const [y, m, d] = day.split('-').map(Number);
    return dayLabel.format(new Date(Date.UTC(y, m - 1, d)));
  };
  const labels = slots.map((s) => (hourly ? `${dateOfHour.format(new Date(s.startAt! * 1000))}, ${hourLabel.format(new Date(s.startAt! * 1000))}` : s.day));
  const ticks = slots.map((s, i): string | string[] => {
    if (!hourly) return shortDay(s.day);
    const time = hourLabel.format(new Date(s.startAt! * 1000));
    // the date once per day: under midnight (always a tick) and under the first hour
    return i === 0 || slots[i - 1].day !== s.day ? [time, shortDay(s.day)] : time;
  });
  const hourNumber = new Intl.DateTimeFormat('en-US', { hour: 'numeric', hourCycle: 'h23', timeZone: zone });
  const tickHours = hourly ? slots.map((s) => Number(hourNumber.format(new Date(s.startAt! * 1000))) % 24) : undefined;

  return {
    bucket: hourly ? 'hour' : 'day',
    per: hourly ? 'per hour' : 'per day',
    title: hourly ? `Hour (${zone})` : 'Day',
    labels,
    ticks,
    tickHours,
    spanText: (n) => (hourly ? `in ${n} hour${n === 1 ? '' : 's'}` : `on ${n} day${n === 1 ? '' : 's'}`),
    values(list, value, missing = 0) {
      const out: (number | null)[] = slots.map(() => missing);
      for (const p of list) {
        const i = index.get(keyOf(p));
        if (i !== undefined) out[i] = value(p);
      }
      return out;
    },
    slotOf: (p) => index.get(keyOf(p)) ?? -1,
    rows(target, slot) {
      const s = slots[slot];
      const range: DrillDownRequest['range'] = {};
      if (ctx.resolved.fromSeconds !== null) range.from = ctx.resolved.fromSeconds;
      if (ctx.resolved.toSeconds !== null) range.to = ctx.resolved.toSeconds;
      if (!hourly) return { target, range, day: s.day, timeZone: zone };
      // the hour, within the range (its first and last hour may be partial)
      const from = Math.max(range.from ?? s.startAt!, s.startAt!);
      const to = Math.min(range.to ?? s.startAt! + HOUR, s.startAt! + HOUR);
      return { target, range: { from, to }, timeZone: zone };
    },
  };
}

/**
 * Every hour from the range's start to its end (an open end: the last point, or 24 h for the
 * "last 24 hours" preset), on the grid of the points' hours (local hours in :30/:45 zones).
 */
function hourSlots(ctx: TabContext, points: SeriesPoint[]): SeriesPoint[] {
  const starts = points.map((p) => p.startAt!).sort((a, b) => a - b);
  const from = ctx.resolved.fromSeconds;
  if (from === null || starts.length === 0) return dedupe(points);
  const phase = ((starts[0] % HOUR) + HOUR) % HOUR;
  const floorHour = (t: number) => t - ((((t - phase) % HOUR) + HOUR) % HOUR);
  const presetEnd = ctx.range.preset === '24h' ? from + 24 * HOUR : from;
  const end = ctx.resolved.toSeconds ?? Math.max(presetEnd, starts[starts.length - 1] + HOUR);
  const known = new Map(points.map((p) => [p.startAt!, p.day]));
  const slots: SeriesPoint[] = [];
  for (let t = floorHour(from); t < end && slots.length <= 72; t += HOUR) {
    slots.push({ day: known.get(t) ?? dayOf(t, ctx.resolved.timeZone), startAt: t });
  }
  // points outside the expected grid (none in practice) still get a slot
  for (const p of points) if (!slots.some((s) => s.startAt === p.startAt)) slots.push({ day: p.day, startAt: p.startAt });
  return slots.sort((a, b) => a.startAt! - b.startAt!);
}

/** Every calendar day from the first to the last point's day (at most ~11 years of slots). */
function daySlots(points: SeriesPoint[]): string[] {
  const days = [...new Set(points.map((p) => p.day))].sort();
  if (days.length < 2) return days;
  const toNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / 86_400_000;
  const first = toNumber(days[0]);
  const last = toNumber(days[days.length - 1]);
  if (!Number.isFinite(first) || !Number.isFinite(last) || last - first > 4000) return days;
  const out: string[] = [];
  for (let d = first; d <= last; d++) out.push(new Date(d * 86_400_000).toISOString().slice(0, 10));
  return out;
}

function dedupe(points: SeriesPoint[]): SeriesPoint[] {
  const seen = new Map<number, SeriesPoint>();
  for (const p of points) seen.set(p.startAt!, { day: p.day, startAt: p.startAt });
  return [...seen.values()].sort((a, b) => a.startAt! - b.startAt!);
}

const dayFormatters = new Map<string, Intl.DateTimeFormat>();

/** 'YYYY-MM-DD' of an instant in `zone`. */
function dayOf(epochSeconds: number, zone: string): string {
  let f = dayFormatters.get(zone);
  if (!f) dayFormatters.set(zone, (f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(new Date(epochSeconds * 1000));
}
