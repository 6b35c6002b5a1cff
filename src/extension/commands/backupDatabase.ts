import * as vscode from 'vscode';
import { backup } from '../offThread';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Back Up Database — consistent copy into <dbdir>/backups (the last 7 are kept). */
export const backupDatabase: CommandHandlerFactory = {
  id: CommandIds.backupDatabase,
  create: (services) => async () => {
    try {
      services.statusBar.setActivity({ kind: 'busy', what: 'backing up' });
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Backing up the telemetry database…' },
        () => backup(services.databasePath),
      );
      services.statusBar.setActivity({ kind: 'idle' });
      services.log.info(`backup written to ${result.path}${result.removed.length ? `; removed ${result.removed.length} old backup(s)` : ''}`);
      const choice = await vscode.window.showInformationMessage(`Backed up to ${result.path}`, 'Reveal');
      if (choice === 'Reveal') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.path));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      services.statusBar.setActivity({ kind: 'error', what: `backup failed: ${message}` });
      services.log.error(`Back Up Database: ${message}`);
      void vscode.window.showErrorMessage(`Back Up Database failed: ${message}`);
    }
  },
};
