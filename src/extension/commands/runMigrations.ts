import * as vscode from 'vscode';
import { migrationStatus, migrationsUp } from '../offThread';
import { showMigrationError } from '../migrations/migrationErrors';
import { migrationsFolderOf } from '../migrations/migrationsFolder';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Run Migrations — lists what will run, asks, applies (adopting a script-made database first). */
export const runMigrations: CommandHandlerFactory = {
  id: CommandIds.runMigrations,
  create: (services) => async () => {
    const dbPath = services.databasePath;
    const userDir = migrationsFolderOf(services);
    try {
      const status = await migrationStatus(dbPath, userDir);
      if (status.problems.length) {
        const choice = await vscode.window.showErrorMessage(
          'Migrations cannot run until these are fixed:',
          { modal: true, detail: status.problems.join('\n\n') },
          'Show Migration Status',
        );
        if (choice) await vscode.commands.executeCommand(CommandIds.showMigrationStatus);
        return;
      }
      const pending = status.rows.filter((r) => r.state === 'pending');
      if (pending.length === 0 && status.baselineNeeded.length === 0) {
        void vscode.window.showInformationMessage(`The telemetry schema is up to date (version ${status.current}).`);
        return;
      }
      const plan = [
        ...(status.baselineNeeded.length ? [`Adopt existing tables, keeping every row: ${status.baselineNeeded.join(', ')}`] : []),
        ...pending.map((r) => `${r.name}${r.origin === 'user' ? ' (your folder)' : ''}`),
      ];
      const run = `Run ${pending.length} Migration${pending.length === 1 ? '' : 's'}`;
      const choice = await vscode.window.showWarningMessage(
        `Migrate ${dbPath}?`,
        { modal: true, detail: `Each migration runs in its own transaction; if one fails, the database file is left unchanged.\n\n${plan.join('\n')}` },
        run,
      );
      if (choice !== run) return;
      const tool = 'Telemetry Lens (VS Code)';
      const tz = services.config.timezone();
      // a rebuild step takes seconds on a large database: off the extension host's thread
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Running migrations…' }, () =>
        migrationsUp(dbPath, { userDir, tz, tool }),
      );
      services.log.info(`migrations applied: ${result.applied.join(', ') || 'none'}; current version ${result.current}`);
      if (result.applied.length) services.fireDatabaseChanged();
      const adopted = result.baseline ? ` Adopted ${result.baseline.adopted.reduce((n, a) => n + a.rows, 0)} existing rows.` : '';
      void vscode.window.showInformationMessage(`Applied ${result.applied.length} migration(s); schema version ${result.current}.${adopted}`);
    } catch (e) {
      await showMigrationError(services, 'Run Migrations', e);
    }
  },
};
