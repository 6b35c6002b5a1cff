import * as path from 'path';
import * as vscode from 'vscode';
import { listBackups } from '../../core/db/backup';
import { restore } from '../offThread';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Restore Database from Backup — pick a backup, confirm, replace through the verified write path. */
export const restoreDatabase: CommandHandlerFactory = {
  id: CommandIds.restoreDatabase,
  create: (services) => async () => {
    const dbPath = services.databasePath;
    const backups = listBackups(dbPath);
    if (backups.length === 0) {
      void vscode.window.showInformationMessage(`No backups of ${dbPath} yet. "Telemetry: Back Up Database" makes one.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      backups.map((b) => ({
        label: path.basename(b.path),
        description: `${(b.bytes / 1048576).toFixed(1)} MB`,
        detail: b.createdAt.toLocaleString(),
        backup: b,
      })),
      { title: 'Restore Database from Backup', placeHolder: 'Newest first' },
    );
    if (!picked) return;
    const confirm = await vscode.window.showWarningMessage(
      `Replace ${path.basename(dbPath)} with the backup ${picked.label}?`,
      { modal: true, detail: 'The current state is backed up first, so this can be undone.' },
      'Restore',
    );
    if (confirm !== 'Restore') return;
    try {
      services.statusBar.setActivity({ kind: 'busy', what: 'restoring' });
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Restoring the telemetry database…' },
        () => restore(dbPath, picked.backup.path, 'VS Code (restore)'),
      );
      services.log.info(`restored ${dbPath} from ${result.restoredFrom}; previous state saved as ${result.previousStateBackup ?? '(none)'}`);
      services.statusBar.setActivity({ kind: 'idle' });
      services.fireDatabaseChanged();
      void vscode.window.showInformationMessage(`Restored from ${picked.label}. The replaced state was saved as ${path.basename(result.previousStateBackup ?? '-')}.`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      services.statusBar.setActivity({ kind: 'error', what: `restore failed: ${message}` });
      services.log.error(`Restore Database: ${message}`);
      void vscode.window.showErrorMessage(`Restore failed, nothing was changed: ${message}`);
    }
  },
};
