import * as vscode from 'vscode';
import { migrateFileDown, readStatus } from '../../core/schema/fileOperations';
import { showMigrationError } from '../migrationErrors';
import { migrationsFolderOf } from '../migrationsFolder';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Roll Back Last Migration — runs the newest applied migration's undo script after confirming. */
export const rollbackMigration: CommandHandlerFactory = {
  id: CommandIds.rollbackMigration,
  create: (services) => async () => {
    const dbPath = services.databasePath;
    const userDir = migrationsFolderOf(services);
    try {
      const status = await readStatus(dbPath, { userDir });
      const newest = status.rows.filter((r) => r.state === 'applied' || r.state === 'changed').pop();
      if (!newest) {
        void vscode.window.showInformationMessage('Nothing to roll back: no migration has been applied to this database.');
        return;
      }
      if (newest.baseline || !newest.undoable) {
        const why = newest.baseline
          ? 'it was applied by baseline, adopting tables that already held data, and rolling it back would drop them'
          : `it has no undo script (U${newest.version}__${newest.description}.sql)`;
        void vscode.window.showWarningMessage(`Cannot roll back ${newest.name}: ${why}.`);
        return;
      }
      const roll = `Roll Back ${newest.name}`;
      const choice = await vscode.window.showWarningMessage(
        `Roll back ${newest.name} on ${dbPath}?`,
        { modal: true, detail: 'Its undo script runs in one transaction. Data in anything it drops is gone afterwards; consider “Telemetry: Back Up Database” first.' },
        roll,
      );
      if (choice !== roll) return;
      const result = await migrateFileDown(dbPath, { userDir, write: { tool: 'Telemetry Lens (VS Code)' } });
      services.log.info(`rolled back ${result.rolledBack}; current version ${result.current}`);
      services.fireDatabaseChanged();
      void vscode.window.showInformationMessage(`Rolled back ${result.rolledBack}; schema version ${result.current}.`);
    } catch (e) {
      await showMigrationError(services, 'Roll Back Last Migration', e);
    }
  },
};
