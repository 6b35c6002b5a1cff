import * as fs from 'fs';
import * as vscode from 'vscode';
import { checkDatabaseHealth, formatHealthMarkdown } from '../../core/db/health';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Check Database Health — the `health` report as an untitled Markdown document. */
export const checkHealth: CommandHandlerFactory = {
  id: CommandIds.checkHealth,
  create: (services) => async () => {
    const dbPath = services.databasePath;
    if (!fs.existsSync(dbPath)) {
      void vscode.window.showWarningMessage(`No database at ${dbPath} yet. Run "Telemetry: Migrate JSONL" or "Telemetry: Open Database".`);
      return;
    }
    try {
      const health = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Checking database health…' },
        () => checkDatabaseHealth(dbPath),
      );
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: formatHealthMarkdown(health) });
      await vscode.window.showTextDocument(doc, { preview: true });
      if (!health.integrityOk) void vscode.window.showWarningMessage(`Integrity check found problems in ${dbPath}. Restore a backup or run sqlite3 ".recover".`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      services.log.error(`Check Database Health: ${message}`);
      void vscode.window.showErrorMessage(`Check Database Health failed: ${message}`);
    }
  },
};
