import * as fs from 'fs';
import * as vscode from 'vscode';
import { formatHealthMarkdown } from '../../core/db/health';
import { databaseHealth } from '../offThread';
import { ReadOnlyDocuments } from '../readOnlyDocuments';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

const HEALTH_SCHEME = 'telemetry-lens-health';
const DOCUMENT = 'Database Health.md';

/**
 * Telemetry: Check Database Health — the `health` report rendered by the Markdown preview.
 * A read-only virtual document, not an untitled one: that was dirty (a "save?" prompt on close)
 * and showed its table of ~50 rows as raw Markdown.
 */
export const checkHealth: CommandHandlerFactory = {
  id: CommandIds.checkHealth,
  create: (services) => {
    const documents = ReadOnlyDocuments.register(services.context.subscriptions, HEALTH_SCHEME);
    return async () => {
      const dbPath = services.databasePath;
      if (!fs.existsSync(dbPath)) {
        void vscode.window.showWarningMessage(`No database at ${dbPath} yet. Run "Telemetry: Migrate JSONL" or "Telemetry: Open Database".`);
        return;
      }
      try {
        const health = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Checking database health…' },
          // integrity_check of a large database takes seconds: off the extension host's thread
          () => databaseHealth(dbPath),
        );
        // same uri every time: an open preview shows the latest report
        await documents.preview(DOCUMENT, formatHealthMarkdown(health));
        if (!health.integrityOk) void vscode.window.showWarningMessage(`Integrity check found problems in ${dbPath}. Restore a backup or run sqlite3 ".recover".`);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        services.log.error(`Check Database Health: ${message}`);
        void vscode.window.showErrorMessage(`Check Database Health failed: ${message}`);
      }
    };
  },
};
