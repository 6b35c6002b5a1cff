/**
 * IANA time zones through Intl (no tz database shipped): the one place that turns a zone and an
 * instant into a UTC offset. Used by ingest (zone-less timestamps) and metrics (local days).
 */

/** The machine's zone: the default for `--tz` and the `telemetryLens.timezone` setting. */
export function machineZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Throws a RangeError naming the zone when `tz` is not a zone Intl knows; returns it otherwise. */
export function checkZone(tz: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new RangeError(`unknown time zone '${tz}' (use an IANA name such as Europe/Berlin or UTC)`);
  }
  return tz;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** UTC offset of `zone` at `epochSeconds`, in seconds (east positive): wall clock read as UTC minus the instant. */
export function zoneOffsetSeconds(zone: string, epochSeconds: number): number {
  let fmt = formatters.get(zone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, fmt);
  }
  const parts: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(epochSeconds * 1000))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  // not Date.UTC(year, …) alone: it reads years 0–99 as 1900–1999
  const wall = new Date(Date.UTC(2000, 0, 1, parts.hour, parts.minute, parts.second));
  wall.setUTCFullYear(parts.year, parts.month - 1, parts.day);
  const asUtc = wall.getTime() / 1000;
  return asUtc - Math.floor(epochSeconds);
}
