import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { checkOutputTarget } from '../../core/db/outputTarget';
import { buildReportHtml } from '../../core/dashboard/index';
import { metricsSettings } from '../dashboard/metricsSettings';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Export Dashboard as HTML — the static report (same bundle, data inlined, offline). */
export const exportDashboardHtml: CommandHandlerFactory = {
  id: CommandIds.exportDashboardHtml,
  create: (services) => async () => {
    const dbPath = services.databasePath;
    if (!fs.existsSync(dbPath)) {
      void vscode.window.showWarningMessage(`No telemetry database at ${dbPath} yet. Run “Telemetry: Migrate JSONL” first.`);
      return;
    }
    const day = new Date().toISOString().slice(0, 10);
    const target = await vscode.window.showSaveDialog({
      title: 'Export Dashboard as HTML',
      defaultUri: vscode.Uri.file(path.join(os.homedir(), `telemetry-dashboard-${day}.html`)),
      filters: { 'HTML report': ['html'] },
      saveLabel: 'Export',
    });
    if (!target) return;
    try {
      // the one check of every output target: never the database, its sidecars, a folder, or a file of another kind
      checkOutputTarget(target.fsPath, { db: dbPath, kind: 'html' });
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Exporting the dashboard…' }, async () => {
        const bundle = await fs.promises.readFile(vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'webview.js').fsPath, 'utf8');
        // the report's data (every tab, every preset) is read in the data worker, off this thread
        const lease = services.dashboardData.acquire();
        let data;
        try {
          data = await services.dashboardData.reportData(metricsSettings(services));
        } finally {
          lease.dispose();
        }
        const html = buildReportHtml({ webviewBundle: bundle, data });
        await vscode.workspace.fs.writeFile(target, Buffer.from(html, 'utf8'));
      });
    } catch (e) {
      services.log.error(`export dashboard: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      void vscode.window.showErrorMessage(`Could not export the dashboard: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    const open = await vscode.window.showInformationMessage(`Dashboard exported to ${target.fsPath}. It opens in any browser, offline.`, 'Open in Browser', 'Reveal File');
    if (open === 'Open in Browser') await vscode.env.openExternal(target);
    if (open === 'Reveal File') await vscode.commands.executeCommand('revealFileInOS', target);
  },
};
