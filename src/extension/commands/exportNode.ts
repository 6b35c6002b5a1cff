import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { exportCsv, exportJson } from '../tree/exportFormat';
import type { MetricsNode } from '../tree/metricsTreeModel';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Metrics tree context menu: Export as CSV/JSON — the node's rows (CSV) or its whole dataset (JSON). */
export const exportNode: CommandHandlerFactory = {
  id: CommandIds.exportNode,
  create: (services) => async (node?: MetricsNode) => {
    if (!node?.exportData) {
      void vscode.window.showInformationMessage('Right-click a node in the Metrics view to export it.');
      return;
    }
    const data = node.exportData;
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'CSV', description: `${data.rows.length} row(s), one column per field`, ext: 'csv' },
        { label: 'JSON', description: 'the complete dataset behind this node', ext: 'json' },
      ],
      { title: `Export ${node.label}` },
    );
    if (!picked) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? path.dirname(services.databasePath);
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(folder, `${data.name.replace(/[^\w.-]+/g, '_')}.${picked.ext}`)),
      filters: picked.ext === 'csv' ? { CSV: ['csv'] } : { JSON: ['json'] },
      saveLabel: `Export as ${picked.label}`,
    });
    if (!target) return;
    await fs.promises.writeFile(target.fsPath, picked.ext === 'csv' ? exportCsv(data) : exportJson(data), 'utf8');
    const open = await vscode.window.showInformationMessage(`Exported ${node.label} to ${target.fsPath}`, 'Open');
    if (open) await vscode.window.showTextDocument(target);
  },
};
