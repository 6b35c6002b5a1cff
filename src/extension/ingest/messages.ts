import * as path from 'path';
import { formatCount, formatDuration, plural, tildify } from './format';
import { totalsOf, type IngestView, type RejectRow, type VerifyFinding, type VerifyView } from './viewModel';

/** Button labels of the summary notification (stable: the e2e suite clicks them). */
export const OPEN_DASHBOARD = 'Open Dashboard';
export const SHOW_REJECTS = 'Show Rejects';
export const SHOW_DETAILS = 'Show Details';
export const RETRY = 'Retry';

/**
 * `Telemetry: imported 1,234 rows from 3 files — 56 already present, 2 rejected.`
 * A cancelled run says so: it wrote nothing.
 */
export function ingestSummaryMessage(view: IngestView): string {
  if (view.cancelled) return 'Telemetry: migration cancelled — nothing was written.';
  const t = totalsOf(view);
  let text = `Telemetry: imported ${plural(t.inserted, 'row')} from ${plural(t.files, 'file')} — ${formatCount(t.present)} already present, ${formatCount(t.rejected)} rejected.`;
  if (t.pending > 0) text += ` ${plural(t.pending, 'line')} still being written (imported once complete).`;
  if (view.problems?.length) text += ` ${plural(view.problems.length, 'file')} not imported (see Output › Telemetry Lens).`;
  return text;
}

/** One line for the output channel / status bar tooltip after a live run. */
export function liveIngestLogLine(view: IngestView, origin: 'live' | 'manual' = 'live'): string {
  const t = totalsOf(view);
  return `${origin === 'live' ? 'live ingest' : 'Migrate JSONL'}: ${formatCount(t.inserted)} inserted, ${formatCount(t.present)} present, ${formatCount(t.rejected)} rejected, ${formatCount(t.pending)} pending from ${plural(t.files, 'file')} in ${formatDuration(view.durationMs)}`;
}

/** Status-bar "last ingest" line: `+1,234 rows from 3 files · 2 rejected · live`. */
export function statusBarIngestSummary(view: IngestView, origin: 'live' | 'manual'): string {
  const t = totalsOf(view);
  const parts = [`+${plural(t.inserted, 'row')} from ${plural(t.files, 'file')}`];
  if (t.rejected > 0) parts.push(`${formatCount(t.rejected)} rejected`);
  if (t.pending > 0) parts.push(`${formatCount(t.pending)} pending`);
  parts.push(origin === 'live' ? 'live' : 'Migrate JSONL');
  return parts.join(' · ');
}

/** `Telemetry: all 7 sources match the database.` or `... 2 mismatches in 7 sources.` */
export function verifySummaryMessage(view: VerifyView): string {
  if (view.ok) return `Telemetry: all ${plural(view.sourcesChecked, 'source')} match the database.`;
  const count = (kind: VerifyFinding['kind']) => view.findings.filter((f) => f.kind === kind).length;
  const parts = [];
  const missing = count('source');
  if (missing > 0) parts.push(`${plural(missing, 'source')} with rows missing from the database`);
  const totals = count('skill-total');
  if (totals > 0) parts.push(`${plural(totals, 'skill total')} in skill_metrics.json differing from the imported invocations`);
  const issues = count('issue');
  if (issues > 0) parts.push(`${plural(issues, 'source')} not readable`);
  const dual = count('dual-read');
  if (dual > 0) parts.push(`${plural(dual, 'dual-written source')} whose JSONL and database copies disagree`);
  return `Telemetry: verify found ${plural(view.findings.length, 'mismatch', 'mismatches')} in ${plural(view.sourcesChecked, 'source')}: ${parts.join('; ')}.`;
}

/** Markdown document listing every verify finding, grouped by source file. */
export function verifyReportMarkdown(view: VerifyView, home: string): string {
  const lines = ['# Telemetry Lens — Verify Sources', ''];
  lines.push(view.ok ? `All ${plural(view.sourcesChecked, 'source')} match the database.` : verifySummaryMessage(view).replace(/^Telemetry: /, ''));
  const byPath = new Map<string, VerifyFinding[]>();
  for (const f of view.findings) {
    const key = f.path ?? '';
    byPath.set(key, [...(byPath.get(key) ?? []), f]);
  }
  for (const [p, findings] of byPath) {
    lines.push('', `## ${p ? `\`${tildify(p, home)}\`` : 'Other'}`, '');
    for (const f of findings) lines.push(`- ${f.table ? `\`${f.table}\`: ` : ''}${f.message}`);
  }
  if (view.dualRead?.length) {
    lines.push('', '## Dual-read (JSONL vs rows your programs wrote)', '');
    for (const d of view.dualRead) lines.push(`- ${d}`);
  }
  return lines.join('\n') + '\n';
}

/** Cap on the raw text shown per reject: the document stays readable with 5 MB lines. */
export const REJECT_EXCERPT_CHARS = 200;

export function rejectExcerpt(raw: string): string {
  // Control characters (NUL bytes in junk files) would make the document unreadable.
  const clean = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\uFFFD').replace(/\r?\n/g, '⏎');
  return clean.length > REJECT_EXCERPT_CHARS ? `${clean.slice(0, REJECT_EXCERPT_CHARS)}… (${formatCount(clean.length)} chars)` : clean;
}

/** `~/.claude/git-activity.jsonl:17` (`… [element 3]` inside a JSON document). */
export function rejectLocation(row: RejectRow, home: string): string {
  return row.inDocument ? `${tildify(row.path, home)} [element ${row.line}]` : `${tildify(row.path, home)}:${row.line}`;
}

/** Label of a reject in the QuickPick: `git-activity.jsonl:17`, `skill_metrics.json [element 3]`. */
export function rejectPickLabel(row: RejectRow): string {
  return row.inDocument ? `${path.basename(row.path)} [element ${row.line}]` : `${path.basename(row.path)}:${row.line}`;
}

/** Plain-text document of all rejects, grouped by file. */
export function rejectsDocument(rows: readonly RejectRow[], home: string, totalInDatabase = rows.length): string {
  if (rows.length === 0) return 'Telemetry Lens — rejected lines\n\nNo rejected lines: every line of every source was imported.\n';
  const out = [`Telemetry Lens — rejected lines (${formatCount(totalInDatabase)})`];
  if (totalInDatabase > rows.length) out.push(`showing the first ${formatCount(rows.length)}`);
  out.push('Each entry: file:line  reason  raw text (excerpt). Fix the line in its file and run "Telemetry: Migrate JSONL" again.');
  let current = '';
  for (const r of rows) {
    if (r.path !== current) {
      current = r.path;
      out.push('', `${tildify(r.path, home)}  (${path.basename(r.path)})`);
    }
    out.push(`  ${rejectLocation(r, home)}  ${r.reason}  ${rejectExcerpt(r.raw)}`);
  }
  return out.join('\n') + '\n';
}

/** What the user reads when the database is held by another program. */
export function writeConflictMessage(detail: string): string {
  // The storage engine's messages already start with "could not write <db> …"; don't say it twice.
  return /^could not (write|read|restore)\b/i.test(detail) ? `Telemetry: ${detail}` : `Telemetry: could not write the database — ${detail}`;
}
