import * as vscode from 'vscode';
import { CheckFailedError } from '../../core/db/errors';
import { cutoverCandidates, cutoverRollback } from '../offThread';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Roll Back Cutover — a retired JSONL source is imported and watched again. */
export const rollBackCutover: CommandHandlerFactory = {
  id: CommandIds.rollBackCutover,
  create: (services) => async (arg?: unknown) => {
    const dbPath = services.databasePath;
    let source = typeof arg === 'string' ? arg : undefined;
    if (!source) {
      const retired = (await cutoverCandidates(dbPath)).filter((c) => c.retired);
      if (!retired.length) {
        void vscode.window.showInformationMessage('Telemetry: no source is cut over.');
        return;
      }
      const pick = await vscode.window.showQuickPick(
        retired.map((c) => ({ label: c.stream, description: c.table })),
        { title: 'Telemetry: Roll Back Cutover', placeHolder: 'Source to import from its JSONL again' },
      );
      if (!pick) return;
      source = pick.label;
    }
    try {
      const r = await cutoverRollback(dbPath, source);
      services.log.info(`rolled back cutover of ${r.stream} (${r.table})`);
      services.fireDatabaseChanged();
      void vscode.window.showInformationMessage(`Telemetry: ${source} is imported again (cutover rolled back).`);
    } catch (e) {
      if (e instanceof CheckFailedError) {
        void vscode.window.showWarningMessage(`Telemetry: ${e.message}`);
        return;
      }
      void vscode.window.showErrorMessage(`Telemetry: Roll Back Cutover failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};
