import * as fs from 'fs';
import * as vscode from 'vscode';
import { toCsv } from '../../core/query/queryFormat';
import { queryLimitsFromSettings, queryResultMarkdown, resultSummary } from '../../core/query/resultText';
import { QueryCancelledError, QueryTimeoutError, runUserQuery } from '../../core/query/runUserQuery';
import type { QueryValue } from '../../core/query/types';
import { ReadOnlyDocuments } from '../readOnlyDocuments';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

const LAST_QUERY_KEY = 'telemetryLens.lastQuery';
const RESULTS_SCHEME = 'telemetry-lens-query';

/**
 * Telemetry: Run Query — read-only SQL in a child process (never on the extension host's
 * thread), stopped at telemetryLens.query.timeoutSeconds, capped at telemetryLens.query.maxRows,
 * cancellable from the progress notification. Results as a Markdown table in a read-only
 * document (no "save?" prompt on close), "Save as CSV".
 */
export const runQuery: CommandHandlerFactory = {
  id: CommandIds.runQuery,
  create: (services) => {
    const results = ReadOnlyDocuments.register(services.context.subscriptions, RESULTS_SCHEME);
    let runs = 0;
    return async () => {
      const state = services.context.globalState;
      const sql = await vscode.window.showInputBox({
        title: 'Run Query (read-only)',
        prompt: `SELECT … on ${services.databasePath}`,
        value: state.get<string>(LAST_QUERY_KEY, "SELECT name, type FROM sqlite_master WHERE type = 'table' ORDER BY name"),
        ignoreFocusOut: true,
      });
      if (!sql?.trim()) return;
      await state.update(LAST_QUERY_KEY, sql);
      const limits = queryLimitsFromSettings(services.config.get<unknown>('query.timeoutSeconds', 30), services.config.get<unknown>('query.maxRows', 10_000));
      try {
        const values: QueryValue[][] = [];
        let columns: string[] = [];
        const outcome = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Running query…', cancellable: true },
          (progress, token) => {
            const cancel = new AbortController();
            token.onCancellationRequested(() => cancel.abort());
            return runUserQuery(services.databasePath, sql, {
              timeoutMs: limits.timeoutMs,
              maxRows: limits.maxRows,
              signal: cancel.signal,
              onColumns: (c) => void (columns = c),
              onRows: (rows) => {
                values.push(...rows);
                progress.report({ message: `${values.length.toLocaleString('en-US')} rows` });
              },
            });
          },
        );
        await results.show(`Query ${++runs}.md`, queryResultMarkdown(sql, columns, values, outcome.more));
        const choice = await vscode.window.showInformationMessage(`${resultSummary(values.length, outcome.more)}.`, 'Save as CSV');
        if (choice === 'Save as CSV') {
          const target = await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, saveLabel: 'Save as CSV' });
          if (target) {
            await fs.promises.writeFile(target.fsPath, toCsv({ columns, rows: values }), 'utf8');
            void vscode.window.showInformationMessage(`Saved ${values.length} row(s) to ${target.fsPath}`);
          }
        }
      } catch (e) {
        if (e instanceof QueryCancelledError) {
          void vscode.window.showInformationMessage('Query cancelled.');
          return;
        }
        const message = e instanceof QueryTimeoutError ? `${e.message}. Raise the setting telemetryLens.query.timeoutSeconds (0 = no limit).` : e instanceof Error ? e.message : String(e);
        services.log.warn(`Run Query: ${message}`);
        void vscode.window.showErrorMessage(`Query failed: ${message}`);
      }
    };
  },
};
