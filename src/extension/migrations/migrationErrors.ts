import * as fs from 'fs';
import * as vscode from 'vscode';
import { MigrationFailedError } from '../../core/schema/errors';
import type { ExtensionServices } from '../services';

/** Shows why a migration command failed; a failing user script can be opened at its statement. */
export async function showMigrationError(services: ExtensionServices, what: string, e: unknown): Promise<void> {
  const message = e instanceof Error ? e.message : String(e);
  services.log.error(`${what}: ${e instanceof Error ? (e.stack ?? e.message) : message}`);
  if (e instanceof MigrationFailedError && fs.existsSync(e.failure.location)) {
    const choice = await vscode.window.showErrorMessage(`${what} failed: ${message}`, 'Open Migration');
    if (choice === 'Open Migration') {
      const doc = await vscode.workspace.openTextDocument(e.failure.location);
      const line = Math.max(0, e.failure.line - 1);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(line, 0, line, 0) });
    }
    return;
  }
  void vscode.window.showErrorMessage(`${what} failed: ${message}`);
}
