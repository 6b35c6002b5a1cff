/** Short human texts for tree rows (no vscode import: unit-tested in node). */

export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

export function percentText(p: number | null): string {
  if (p === null) return '—';
  const rounded = Math.round(p * 10) / 10;
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)}%`;
}

export function secondsText(s: number | null): string {
  if (s === null) return '—';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 120) return `${(Math.round(s * 10) / 10).toString()} s`;
  if (s < 7200) return `${(Math.round((s / 60) * 10) / 10).toString()} min`;
  return `${(Math.round((s / 3600) * 10) / 10).toString()} h`;
}

export function millisecondsText(ms: number | null): string {
  return ms === null ? '—' : ms < 1000 ? `${Math.round(ms)} ms` : secondsText(ms / 1000);
}

/** "just now", "5 min ago", "3 h ago", "12 d ago". */
export function ageText(ageSeconds: number | null): string {
  if (ageSeconds === null) return 'no events';
  if (ageSeconds < 60) return 'just now';
  if (ageSeconds < 3600) return `${Math.floor(ageSeconds / 60)} min ago`;
  if (ageSeconds < 2 * 86400) return `${Math.floor(ageSeconds / 3600)} h ago`;
  return `${Math.floor(ageSeconds / 86400)} d ago`;
}

export function isoText(epochSeconds: number | null): string {
  return epochSeconds === null ? '—' : new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
}
