import * as vscode from 'vscode';
import { describeError } from '../../core/db/errors';
import { DETAILS_HINT } from '../ingest/errorNotice';
import type { ExtensionServices } from '../services';
import type { CommandHandlerFactory } from './types';

/**
 * The one way a command is registered: a failure its handler did not catch itself is shown the
 * same way for every command (one line with "Show Log"; the stack goes to the output channel),
 * never as VS Code's bare "command resulted in an error".
 */
export function registerCommand(services: ExtensionServices, handler: CommandHandlerFactory): vscode.Disposable {
  const run = handler.create(services);
  return vscode.commands.registerCommand(handler.id, async (...args: unknown[]) => {
    try {
      return await run(...args);
    } catch (e) {
      const report = describeError(e, DETAILS_HINT);
      services.log.error(`${handler.id} failed: ${report.expected ? report.message : (report.stack ?? report.message)}`);
      const choice = await vscode.window.showErrorMessage(`Telemetry: ${report.message}`, 'Show Log');
      if (choice === 'Show Log') services.log.show(true);
      return undefined;
    }
  });
}
