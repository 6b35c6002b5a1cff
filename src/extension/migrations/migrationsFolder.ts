import { resolveMigrationsFolder } from '../../core/schema/migrationsFolder';
import type { ExtensionServices } from '../services';

/** The user's migrations folder from `telemetryLens.migrationsFolder` (undefined = built-ins only). */
export function migrationsFolderOf(services: ExtensionServices): string | undefined {
  return resolveMigrationsFolder(services.config.get<string>('migrationsFolder', '.telemetry/migrations'), services.config.firstWorkspaceFolder);
}
