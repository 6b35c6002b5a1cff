/**
 * Writes one instant in each of the timestamp forms real telemetry writers use
 * (telemetry-formats.md "Value rules"). Zone-less forms are written in UTC wall-clock time,
 * so they resolve to the same instant only when the importer's zone is UTC.
 */
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

export type TimeForm =
  | 'seconds'
  | 'float-seconds'
  | 'milliseconds'
  | 'numeric-string'
  | 'iso-z'
  | 'iso-offset'
  | 'iso-naive-micro'
  | 'git-ci'
  | 'date-only';

/** Forms whose value is independent of the importer's configured zone. */
export const ZONE_INDEPENDENT_FORMS: readonly TimeForm[] = ['seconds', 'float-seconds', 'milliseconds', 'numeric-string', 'iso-z', 'iso-offset', 'git-ci'];

export function formatTime(epochMs: number, form: TimeForm): string | number {
  const d = new Date(epochMs);
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const clock = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  switch (form) {
    case 'seconds':
      return Math.floor(epochMs / 1000);
    case 'float-seconds':
      return Math.floor(epochMs) / 1000;
    case 'milliseconds':
      return Math.floor(epochMs);
    case 'numeric-string':
      return String(Math.floor(epochMs / 1000));
    case 'iso-z':
      return d.toISOString();
    case 'iso-offset': {
      // Same instant written in UTC-08:00, like a laptop in California.
      const local = new Date(epochMs - 8 * 3600_000);
      return `${local.toISOString().slice(0, 19)}-08:00`;
    }
    case 'iso-naive-micro':
      return `${date}T${clock}.${pad(d.getUTCMilliseconds(), 3)}456`;
    case 'git-ci': {
      const local = new Date(epochMs - 8 * 3600_000);
      return `${local.toISOString().slice(0, 10)} ${local.toISOString().slice(11, 19)} -0800`;
    }
    case 'date-only':
      return date;
  }
}
