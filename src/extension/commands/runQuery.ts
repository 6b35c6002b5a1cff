import * as fs from 'fs';
import * as vscode from 'vscode';
import { toCsv, toMarkdownTable } from '../../core/db/queryFormat';
import { runReadOnlyQuery } from '../../core/db/readOnlyQuery';
import { ReadOnlyDocuments } from '../readOnlyDocuments';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

const LAST_QUERY_KEY = 'telemetryLens.lastQuery';
const RESULTS_SCHEME = 'telemetry-lens-query';
/** An editor stays responsive with this many rows; the CSV always holds all of them. */
const MAX_ROWS_SHOWN = 2000;

/**
 * Telemetry: Run Query — read-only SQL on a snapshot; results as a Markdown table in a read-only
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
      try {
        const result = await runReadOnlyQuery(services.databasePath, sql);
        const shown = { columns: result.columns, rows: result.rows.slice(0, MAX_ROWS_SHOWN) };
        const note = result.rows.length > MAX_ROWS_SHOWN ? `\n_Showing ${MAX_ROWS_SHOWN} of ${result.rows.length} rows; "Save as CSV" writes all._\n` : '';
        const content = `<!-- ${sql.replace(/--/g, '- -')} -->\n\n${result.columns.length ? toMarkdownTable(shown) : '_No columns._\n'}${note}\n${result.rows.length} row(s)\n`;
        await results.show(`Query ${++runs}.md`, content);
        const choice = await vscode.window.showInformationMessage(`${result.rows.length} row(s).`, 'Save as CSV');
        if (choice === 'Save as CSV') {
          const target = await vscode.window.showSaveDialog({ filters: { CSV: ['csv'] }, saveLabel: 'Save as CSV' });
          if (target) {
            await fs.promises.writeFile(target.fsPath, toCsv(result), 'utf8');
            void vscode.window.showInformationMessage(`Saved ${result.rows.length} row(s) to ${target.fsPath}`);
          }
        }
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        services.log.warn(`Run Query: ${message}`);
        void vscode.window.showErrorMessage(`Query failed: ${message}`);
      }
    };
  },
};
