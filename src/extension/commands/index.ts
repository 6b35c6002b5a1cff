import { exportDashboardHtml } from './exportDashboardHtml';
import { migrateJsonl } from './migrateJsonl';
import { openDashboard } from './openDashboard';
import { rollbackMigration } from './rollbackMigration';
import { runMigrations } from './runMigrations';
import { showMigrationStatus } from './showMigrationStatus';
import { showRejects } from './showRejects';
import type { CommandHandlerFactory } from './types';
import { verifySources } from './verifySources';

/**
 * One handler per file; this list is what activate() registers.
 * Add a line here when you add a command (and its entry in package.json).
 */
export const commandHandlers: CommandHandlerFactory[] = [migrateJsonl, verifySources, showRejects, openDashboard, exportDashboardHtml, runMigrations, showMigrationStatus, rollbackMigration];
