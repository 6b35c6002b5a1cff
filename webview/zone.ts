/**
 * The time zone the host counts days in (`telemetryLens.timezone`, sent in `init`), so that
 * custom ranges, hour labels and timestamps on the page mean the same days as the numbers —
 * not the browser's own zone. Without one (older hosts) the browser's zone is used.
 */
let configured: string | undefined;

/** Sets the page's zone; an unknown or missing zone falls back to the browser's. */
export function setDisplayZone(zone: string | undefined): void {
  configured = undefined;
  if (!zone) return;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    configured = zone;
  } catch {
    // keep the browser's zone
  }
}

export function displayZone(): string | undefined {
  return configured;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsOf(epochSeconds: number): { y: number; m: number; d: number; hh: number; mm: number; ss: number } {
  const zone = configured ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  let f = partsFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    partsFormatters.set(zone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(new Date(epochSeconds * 1000))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { y: p.year, m: p.month, d: p.day, hh: p.hour, mm: p.minute, ss: p.second };
}

/** UTC offset of the zone at an instant, in seconds (east positive). */
function offsetAt(epochSeconds: number): number {
  const p = partsOf(epochSeconds);
  return Date.UTC(p.y, p.m - 1, p.d, p.hh, p.mm, p.ss) / 1000 - Math.floor(epochSeconds);
}

/** 'YYYY-MM-DD' of the day an instant falls on, in the zone. */
export function dayKeyOf(epochSeconds: number): string {
  const p = partsOf(epochSeconds);
  return `${p.y}-${String(p.m).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** Start (epoch seconds) of the zone's day `YYYY-MM-DD` + `plusDays` (DST days keep their length). */
export function startOfDay(day: string, plusDays = 0): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const localMidnight = Date.UTC(+m[1], +m[2] - 1, +m[3] + plusDays) / 1000;
  // the offset at a first guess, corrected once (the guess may lie across a DST change)
  const guess = localMidnight - offsetAt(localMidnight);
  return localMidnight - offsetAt(guess);
}
