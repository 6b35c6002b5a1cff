import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { loadRejects } from './engineAdapter';
import { showIngestError } from './errorNotice';
import { formatCount } from './format';
import { rejectExcerpt, rejectPickLabel, rejectsDocument } from './messages';
import type { RejectRow } from './viewModel';

export const OPEN_REJECTS_DOCUMENT = 'Open the full list as a document';
export const NO_REJECTS = 'Telemetry: no rejected lines — every line of every source was imported.';

type RejectPickItem = vscode.QuickPickItem & { row?: RejectRow; openDocument?: boolean };

/**
 * "Telemetry: Show Rejected Lines": a QuickPick of the quarantined lines (file:line, reason,
 * raw excerpt); picking one opens its file at that line, the first entry opens the whole list
 * as a read-only document whose `file:line` entries are links.
 */
export async function runShowRejects(services: ExtensionServices): Promise<number | undefined> {
  let page;
  try {
    page = await loadRejects(services.databasePath);
  } catch (e) {
    await showIngestError(services, 'Show Rejected Lines', e);
    return undefined;
  }
  if (page.total === 0) {
    void vscode.window.showInformationMessage(NO_REJECTS);
    return 0;
  }
  const home = os.homedir();
  const items: RejectPickItem[] = [
    { label: OPEN_REJECTS_DOCUMENT, iconPath: new vscode.ThemeIcon('list-flat'), openDocument: true },
    { label: `${formatCount(page.total)} rejected lines`, kind: vscode.QuickPickItemKind.Separator },
    ...page.rows.map((row) => ({
      label: rejectPickLabel(row),
      description: row.reason,
      detail: rejectExcerpt(row.raw),
      row,
    })),
  ];
  const choice = await vscode.window.showQuickPick(items, {
    title: `Telemetry: ${formatCount(page.total)} rejected lines`,
    placeHolder: 'Pick a line to open it in its file',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (choice?.openDocument) await services.reportDocuments.show('Rejected Lines.txt', rejectsDocument(page.rows, home, page.total));
  else if (choice?.row) await openAtLine(services, choice.row, page.rows, page.total);
  return page.total;
}

async function openAtLine(services: ExtensionServices, row: RejectRow, rows: RejectRow[], total: number): Promise<void> {
  if (!fs.existsSync(row.path)) {
    void vscode.window.showWarningMessage(`Telemetry: ${row.path} no longer exists; its rejected text is kept in the database.`);
    await services.reportDocuments.show('Rejected Lines.txt', rejectsDocument(rows, os.homedir(), total));
    return;
  }
  // In a JSON document the number counts elements, not lines: open the file at its top.
  const line = row.inDocument ? 0 : Math.max(0, row.line - 1);
  await vscode.window.showTextDocument(vscode.Uri.file(row.path), { selection: new vscode.Range(line, 0, line, 0), preview: true });
}
