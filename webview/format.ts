// Number and date formatting in the user's locale; epoch seconds everywhere in the protocol.
// Dates and times in the zone the host counts days in (zone.ts), so a time and its day agree.
import { displayZone } from './zone';

const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });

export function fmtCount(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? '—' : integer.format(n);
}

export function fmtNumber(n: number | null | undefined): string {
  return n === null || n === undefined || Number.isNaN(n) ? '—' : decimal.format(n);
}

/** A rate given as a fraction 0..1 or a percent 0..100 (say which), shown as "81.2 %". */
/** Between a number and its unit: never broken across lines ("94 ms", not "94⏎ms"). */
const NBSP = '\u00a0';

export function fmtPercent(n: number | null | undefined, isFraction = false): string {
  if (n === null || n === undefined || Number.isNaN(n)) return '—';
  const pct = isFraction ? n * 100 : n;
  return `${pct.toFixed(1)}${NBSP}%`;
}

export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)}${NBSP}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}${NBSP}s`;
  return `${(ms / 60_000).toFixed(1)}${NBSP}min`;
}

export function fmtSeconds(s: number | null | undefined): string {
  return s === null || s === undefined ? '—' : fmtMs(s * 1000);
}

export function fmtDateTime(epochSeconds: number | null | undefined): string {
  if (epochSeconds === null || epochSeconds === undefined) return '—';
  return new Date(epochSeconds * 1000).toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: displayZone() });
}

export function fmtDate(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: displayZone() });
}

/** "3 min ago", for freshness. */
export function fmtAgo(epochSeconds: number | null | undefined, nowMs = Date.now()): string {
  if (epochSeconds === null || epochSeconds === undefined) return 'never';
  const s = Math.max(0, Math.round(nowMs / 1000 - epochSeconds));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

/** A span of time in the largest whole unit that fits: "15 min", "6 h", "7 days". */
export function fmtSpan(seconds: number): string {
  if (seconds % 86400 === 0 && seconds >= 86400) return `${seconds / 86400} day${seconds === 86400 ? '' : 's'}`;
  if (seconds >= 3600) return `${+(seconds / 3600).toFixed(1)} h`;
  if (seconds >= 60) return `${+(seconds / 60).toFixed(1)} min`;
  return `${seconds} s`;
}

export function fmtUsd(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : `$${n.toFixed(2)}`;
}
