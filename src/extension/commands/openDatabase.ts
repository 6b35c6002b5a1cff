import * as fs from 'fs';
import * as vscode from 'vscode';
import { CONFIG_SECTION } from '../config';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

const SQLITE_MAGIC = 'SQLite format 3\0';

/** Telemetry: Open Database — pick a SQLite file (or a new name) and make it the configured database. */
export const openDatabase: CommandHandlerFactory = {
  id: CommandIds.openDatabase,
  create: (services) => async () => {
    const picked = await vscode.window.showOpenDialog({
      title: 'Open Telemetry Database',
      canSelectMany: false,
      defaultUri: vscode.Uri.file(services.databasePath),
      filters: { 'SQLite databases': ['db', 'sqlite', 'sqlite3', 'db3'], 'All files': ['*'] },
      openLabel: 'Open Database',
    });
    const file = picked?.[0]?.fsPath;
    if (!file) return;
    const problem = notSqlite(file);
    if (problem) {
      void vscode.window.showErrorMessage(`Telemetry Lens cannot use ${file}: ${problem}`);
      return;
    }
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    // Change the setting where it is defined, so a workspace value is not silently shadowing ours.
    const inspected = config.inspect<string>('databasePath');
    const target = inspected?.workspaceFolderValue !== undefined
      ? vscode.ConfigurationTarget.WorkspaceFolder
      : inspected?.workspaceValue !== undefined
        ? vscode.ConfigurationTarget.Workspace
        : vscode.ConfigurationTarget.Global;
    await config.update('databasePath', file, target);
    services.log.info(`database set to ${file}`);
    services.fireDatabaseChanged();
    void vscode.window.showInformationMessage(`Telemetry Lens now uses ${file}.`);
  },
};

function notSqlite(file: string): string | undefined {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return (e as Error).message;
  }
  try {
    const head = Buffer.alloc(16);
    const n = fs.readSync(fd, head, 0, 16, 0);
    if (n === 0) return undefined; // empty file: becomes a database on first write
    return head.toString('latin1', 0, n) === SQLITE_MAGIC ? undefined : 'it is not a SQLite database';
  } finally {
    fs.closeSync(fd);
  }
}
