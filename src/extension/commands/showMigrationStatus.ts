import * as vscode from 'vscode';
import { migrationStatus } from '../offThread';
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
    const documents = ReadOnlyDocuments.register(services.context.subscriptions, MIGRATION_STATUS_SCHEME);
    const status = async () => statusMarkdown(await migrationStatus(services.databasePath, migrationsFolderOf(services)));
    // keep an open status current after migrations, rollbacks and ingests (only while it is open)
    services.context.subscriptions.push(
      services.onDidChangeDatabase(() => {
        if (vscode.workspace.textDocuments.some((d) => d.uri.scheme === MIGRATION_STATUS_SCHEME)) {
          status()
            .then((text) => documents.publish(DOCUMENT, text))
            .catch((e: unknown) => services.log.warn(`migration status refresh: ${e instanceof Error ? e.message : String(e)}`));
        }
      }),
    );
    return async () => {
      try {
        await documents.preview(DOCUMENT, await status());
      } catch (e) {
        await showMigrationError(services, 'Show Migration Status', e);
      }
    };
  },
};
