import * as vscode from 'vscode';
import { readStatus } from '../../core/schema/fileOperations';
import { statusMarkdown } from '../../core/schema/statusMarkdown';
import { showMigrationError } from '../migrations/migrationErrors';
import { ReadOnlyDocuments } from '../readOnlyDocuments';
import { migrationsFolderOf } from '../migrations/migrationsFolder';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

const DOCUMENT = 'Migration Status.md';
const MIGRATION_STATUS_SCHEME = 'telemetry-lens-migrations';

/** Telemetry: Show Migration Status — the Flyway-`info` table, rendered by the Markdown preview. */
export const showMigrationStatus: CommandHandlerFactory = {
  id: CommandIds.showMigrationStatus,
  create: (services) => {
    const documents = new ReadOnlyDocuments(MIGRATION_STATUS_SCHEME);
    services.context.subscriptions.push(documents, vscode.workspace.registerTextDocumentContentProvider(MIGRATION_STATUS_SCHEME, documents));
    const render = async () => documents.publish(DOCUMENT, statusMarkdown(await readStatus(services.databasePath, { userDir: migrationsFolderOf(services) })));
    // keep an open status current after migrations, rollbacks and ingests (only while it is open)
    services.context.subscriptions.push(
      services.onDidChangeDatabase(() => {
        if (vscode.workspace.textDocuments.some((d) => d.uri.scheme === MIGRATION_STATUS_SCHEME)) {
          render().catch((e: unknown) => services.log.warn(`migration status refresh: ${e instanceof Error ? e.message : String(e)}`));
        }
      }),
    );
    return async () => {
      try {
        const uri = await render();
        try {
          await vscode.commands.executeCommand('markdown.showPreview', uri);
        } catch {
          // no Markdown preview (extension disabled): the read-only source is still a readable table
          await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
        }
      } catch (e) {
        await showMigrationError(services, 'Show Migration Status', e);
      }
    };
  },
};
