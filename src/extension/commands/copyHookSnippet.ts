import * as vscode from 'vscode';
import { HOOK_SNIPPET_LANGUAGES, hookSnippet, hookSnippetTables, type HookSnippetLanguage } from '../../core/ingest/hookSnippet';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

/** Telemetry: Copy Hook Snippet — lines that write one event straight into a table (WAL, busy_timeout), to the clipboard. */
export const copyHookSnippet: CommandHandlerFactory = {
  id: CommandIds.copyHookSnippet,
  create: (services) => async (tableArg?: unknown, langArg?: unknown) => {
    const table =
      typeof tableArg === 'string' ? tableArg : (await vscode.window.showQuickPick(hookSnippetTables(), { title: 'Telemetry: Copy Hook Snippet', placeHolder: 'Table the hook writes' }));
    if (!table) return;
    const lang =
      typeof langArg === 'string' ? langArg : (await vscode.window.showQuickPick([...HOOK_SNIPPET_LANGUAGES], { title: 'Telemetry: Copy Hook Snippet', placeHolder: 'Language' }));
    if (!lang) return;
    const text = hookSnippet(table, lang as HookSnippetLanguage, services.databasePath);
    await vscode.env.clipboard.writeText(text);
    void vscode.window.showInformationMessage(`Telemetry: ${lang} snippet for ${table} copied to the clipboard.`);
  },
};
