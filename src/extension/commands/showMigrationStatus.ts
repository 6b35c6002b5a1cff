import * as vscode from 'vscode';
import { readStatus } from '../../core/schema/fileOperations';
import { statusMarkdown } from '../../core/schema/statusMarkdown';
import { showMigrationError } from '../migrationErrors';
import { migrationsFolderOf } from '../migrationsFolder';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Show Migration Status — the Flyway-`info` table as an untitled Markdown document. */
export const showMigrationStatus: CommandHandlerFactory = {
  id: CommandIds.showMigrationStatus,
  create: (services) => async () => {
    try {
      const report = await readStatus(services.databasePath, { userDir: migrationsFolderOf(services) });
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: statusMarkdown(report) });
      await vscode.window.showTextDocument(doc, { preview: true });
    } catch (e) {
      await showMigrationError(services, 'Show Migration Status', e);
    }
  },
};
