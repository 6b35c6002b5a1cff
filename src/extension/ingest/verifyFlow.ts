import * as os from 'os';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { discoverBeside, runVerify } from './engineAdapter';
import { showIngestError } from './errorNotice';
import { plural } from './format';
import { engineContext, sourceSpecsFromSettings } from './liveIngest';
import { loadChosenSources, selectChosen } from './chosenSources';
import { SHOW_DETAILS, verifyReportMarkdown, verifySummaryMessage } from './messages';
import { resolveEnginePaths } from '../../core/ingest/sources/enginePaths';
import type { VerifyView } from './viewModel';

export const VERIFY_TITLE = 'Telemetry: Verify Sources';

/**
 * "Telemetry: Verify Sources": compares the sources (the last chosen ones, else the
 * setting's) with the database and shows ok, or the mismatches with a details document.
 */
export async function runVerifySources(services: ExtensionServices): Promise<VerifyView | undefined> {
  const chosen = loadChosenSources(services.context.globalState, services.databasePath);
  for (;;) {
    try {
      const view = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: VERIFY_TITLE, cancellable: true },
        async (progress, token) => {
          // The chosen files with their rotated copies, else everything the setting finds.
          const { paths, problems } = chosen
            ? { paths: selectChosen(await discoverBeside(chosen.files), chosen), problems: [] }
            : await resolveEnginePaths(sourceSpecsFromSettings(services), engineContext(services).exclude);
          for (const p of problems) services.log.warn(`source skipped: ${p.path}: ${p.message}`);
          progress.report({ message: `Comparing ${plural(paths.length, 'source')} with the database…` });
          const abort = new AbortController();
          token.onCancellationRequested(() => abort.abort());
          return paths.length === 0 ? undefined : await runVerify(paths, engineContext(services), abort.signal);
        },
      );
      if (!view) {
        void vscode.window.showWarningMessage('Telemetry: no sources to verify. Run "Telemetry: Migrate JSONL" first, or set "telemetryLens.sources".');
        return undefined;
      }
      void show(services, view); // not awaited: the command must not wait for a click
      return view;
    } catch (e) {
      if (!(await showIngestError(services, 'Verify Sources', e))) return undefined;
    }
  }
}

async function show(services: ExtensionServices, view: VerifyView): Promise<void> {
  const markdown = verifyReportMarkdown(view, os.homedir());
  services.log.info(markdown.trimEnd());
  const message = verifySummaryMessage(view);
  const choice = view.ok
    ? await vscode.window.showInformationMessage(message, SHOW_DETAILS)
    : await vscode.window.showWarningMessage(message, SHOW_DETAILS);
  if (choice === SHOW_DETAILS) await services.reportDocuments.show('Verify Sources.md', markdown);
}
