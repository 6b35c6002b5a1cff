import * as vscode from 'vscode';
import { CheckFailedError } from '../../core/db/errors';
import { cutover, cutoverCandidates } from '../offThread';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/**
 * Telemetry: Cut Over Source — retires a dual-written JSONL source once dual-read agrees
 * (docs/writer-contract.md): it is no longer imported or watched, its lines stay verifiable.
 * Takes the source's path as an argument (tree, tests) or asks.
 */
export const cutOverSource: CommandHandlerFactory = {
  id: CommandIds.cutOverSource,
  create: (services) => async (arg?: unknown) => {
    const dbPath = services.databasePath;
    let source = typeof arg === 'string' ? arg : undefined;
    if (!source) {
      const candidates = (await cutoverCandidates(dbPath)).filter((c) => !c.retired);
      if (!candidates.length) {
        void vscode.window.showInformationMessage('Telemetry: no imported JSONL source to cut over.');
        return;
      }
      const pick = await vscode.window.showQuickPick(
        candidates.map((c) => ({ label: c.stream, description: c.table })),
        { title: 'Telemetry: Cut Over Source', placeHolder: 'Source whose program now writes the database directly' },
      );
      if (!pick) return;
      source = pick.label;
    }
    try {
      const r = await cutover(dbPath, source, services.config.timezone());
      services.log.info(`cut over ${r.stream} (${r.table}): database-native`);
      services.fireDatabaseChanged();
      void vscode.window.showInformationMessage(
        `Telemetry: ${r.table} is database-native; ${source} is no longer imported (dual-read agreement ${r.dualRead?.agreementPercent ?? 100}%).`,
      );
    } catch (e) {
      if (e instanceof CheckFailedError) {
        void vscode.window.showWarningMessage(`Telemetry: cannot cut over — ${e.message}`);
        return;
      }
      services.log.error(`Cut Over Source failed: ${e instanceof Error ? e.message : String(e)}`);
      void vscode.window.showErrorMessage(`Telemetry: Cut Over Source failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  },
};
