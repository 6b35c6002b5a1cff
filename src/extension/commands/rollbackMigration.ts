import * as vscode from 'vscode';
import { CheckFailedError } from '../../core/db/errors';
import { migrationsDown, rollbackPreview } from '../offThread';
import { describeDrops } from '../../core/schema/runner';
import { showMigrationError } from '../migrations/migrationErrors';
import { migrationsFolderOf } from '../migrations/migrationsFolder';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Roll Back Last Migration — runs the newest applied migration's undo script after confirming. */
export const rollbackMigration: CommandHandlerFactory = {
  id: CommandIds.rollbackMigration,
  create: (services) => async () => {
    const dbPath = services.databasePath;
    const userDir = migrationsFolderOf(services);
    try {
      let plan: Awaited<ReturnType<typeof rollbackPreview>>;
      try {
        plan = await rollbackPreview(dbPath, userDir);
      } catch (e) {
        // nothing applied, no undo script, or adopted by baseline: say why, no dialog to dismiss
        if (e instanceof CheckFailedError) {
          void vscode.window.showWarningMessage(e.message.charAt(0).toUpperCase() + e.message.slice(1));
          return;
        }
        throw e;
      }
      const roll = `Roll Back ${plan.name}`;
      const loses = plan.drops.length
        ? `This deletes data: it drops ${describeDrops(plan.drops)}. Consider “Telemetry: Back Up Database” first.`
        : 'It drops no table that holds rows.';
      const choice = await vscode.window.showWarningMessage(
        `Roll back ${plan.name} on ${dbPath}?`,
        { modal: true, detail: `Its undo script ${plan.undo} runs in one transaction. ${loses}` },
        roll,
      );
      if (choice !== roll) return;
      const tool = 'Telemetry Lens (VS Code)';
      const result = await migrationsDown(dbPath, { userDir, tool });
      services.log.info(`rolled back ${result.rolledBack}; current version ${result.current}`);
      services.fireDatabaseChanged();
      void vscode.window.showInformationMessage(`Rolled back ${result.rolledBack}; schema version ${result.current}.`);
    } catch (e) {
      await showMigrationError(services, 'Roll Back Last Migration', e);
    }
  },
};
