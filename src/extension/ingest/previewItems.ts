import * as path from 'path';
import { formatBytes, plural, tildify } from './format';
import type { AuditedFile } from './viewModel';

/** QuickPickItemKind.Separator (its numeric value), so this file needs no vscode import. */
export const SEPARATOR_KIND = -1;

export interface PreviewSeparator {
  kind: typeof SEPARATOR_KIND;
  label: string;
}

/** Structurally a vscode.QuickPickItem, carrying the file it stands for. */
export interface PreviewFileItem {
  label: string;
  description: string;
  detail: string;
  picked: boolean;
  file: AuditedFile;
}

export type PreviewEntry = PreviewSeparator | PreviewFileItem;

export function isFileItem(e: PreviewEntry): e is PreviewFileItem {
  return 'file' in e;
}

/**
 * The "Migrate JSONL" preview: one separator per folder (`~`-abbreviated), then its files
 * sorted by name. Label = file name. Description = `N new lines → table · size`
 * (`nothing new` when everything is imported). Detail = kind, line count, rejected and
 * still-being-written lines, freshness. Files
 * with new lines are picked; files with nothing new are shown unpicked.
 */
export function buildPreviewItems(files: readonly AuditedFile[], home: string): PreviewEntry[] {
  const byFolder = new Map<string, AuditedFile[]>();
  for (const f of files) {
    const folder = path.dirname(f.path);
    const list = byFolder.get(folder) ?? [];
    list.push(f);
    byFolder.set(folder, list);
  }
  const entries: PreviewEntry[] = [];
  for (const folder of [...byFolder.keys()].sort()) {
    entries.push({ kind: SEPARATOR_KIND, label: tildify(folder, home) });
    const sorted = byFolder.get(folder)!.sort((a, b) => path.basename(a.path).localeCompare(path.basename(b.path)));
    for (const file of sorted) entries.push(fileItem(file));
  }
  return entries;
}

function fileItem(file: AuditedFile): PreviewFileItem {
  // What matters for the decision first (new lines, target table), so a narrow picker cuts
  // the least useful part.
  const news = file.newLines > 0 ? `${plural(file.newLines, 'new line')}` : 'nothing new';
  const detailParts = [file.kind, `${plural(file.lines, 'line')} in file`];
  if (file.rejected) detailParts.push(`${plural(file.rejected, 'line')} rejected`);
  if (file.pending) detailParts.push(`${plural(file.pending, 'line')} still being written`);
  if (file.freshness) detailParts.push(file.freshness);
  return {
    label: path.basename(file.path),
    description: `${news} → ${file.table} · ${formatBytes(file.sizeBytes)}`,
    detail: detailParts.join(' · '),
    picked: file.newLines > 0,
    file,
  };
}

/** QuickPick title: how much is waiting, so the user knows before confirming. */
export function previewTitle(files: readonly AuditedFile[]): string {
  const withNew = files.filter((f) => f.newLines > 0);
  const lines = withNew.reduce((s, f) => s + f.newLines, 0);
  if (files.length === 0) return 'Telemetry: Migrate JSONL — no telemetry files found';
  if (withNew.length === 0) return `Telemetry: Migrate JSONL — everything is already imported (${plural(files.length, 'file')} found)`;
  return `Telemetry: Migrate JSONL — ${plural(lines, 'new line')} in ${plural(withNew.length, 'file')} (${plural(files.length, 'file')} found)`;
}
