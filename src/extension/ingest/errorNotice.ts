import * as vscode from 'vscode';
import { describeError } from '../../core/db/errors';
import type { ExtensionServices } from '../services';
import { RETRY, writeConflictMessage } from './messages';

const SHOW_LOG = 'Show Log';
/** The extension's stack traces go to its output channel, not to a --debug the user cannot pass. */
export const DETAILS_HINT = 'the Telemetry Lens output has the details';

/** Exit code 3 = the database is locked or being written by another program. */
export function isWriteConflict(e: unknown): boolean {
  return describeError(e).exitCode === 3;
}

/** The one-line message of the shared error policy (describeError), as the CLI prints it. */
export function errorText(e: unknown): string {
  return describeError(e, DETAILS_HINT).message;
}

/**
 * Shows a failed ingest/verify as a clear error. For a write conflict the engine's message
 * names the holder (pid/program or the -wal file that shows an open connection) and the
 * user can retry. Resolves true when the user asked to retry.
 */
export async function showIngestError(services: ExtensionServices, action: string, e: unknown): Promise<boolean> {
  // Expected failures (locked, bad input) are logged by message; only surprises get a stack.
  const report = describeError(e, DETAILS_HINT);
  const detail = report.expected ? report.message : (report.stack ?? report.message);
  services.log.error(`${action} failed: ${detail}`);
  if (isWriteConflict(e)) {
    const choice = await vscode.window.showErrorMessage(writeConflictMessage(errorText(e)), RETRY, SHOW_LOG);
    if (choice === SHOW_LOG) services.log.show(true);
    return choice === RETRY;
  }
  const choice = await vscode.window.showErrorMessage(`Telemetry: ${action} failed — ${errorText(e)}`, SHOW_LOG);
  if (choice === SHOW_LOG) services.log.show(true);
  return false;
}
