import { backupDatabase } from './backupDatabase';
import { checkHealth } from './checkHealth';
import { exportDashboardHtml } from './exportDashboardHtml';
import { exportNode } from './exportNode';
import { migrateJsonl } from './migrateJsonl';
import { openDashboard } from './openDashboard';
import { openDatabase } from './openDatabase';
import { refreshMetrics } from './refreshMetrics';
import { restoreDatabase } from './restoreDatabase';
import { rollbackMigration } from './rollbackMigration';
import { runMigrations } from './runMigrations';
import { runQuery } from './runQuery';
import { showMigrationStatus } from './showMigrationStatus';
import { showRejects } from './showRejects';
import { showRows } from './showRows';
import { syncTeamDatabase } from './syncTeamDatabase';
import type { CommandHandlerFactory } from './types';
import { verifySources } from './verifySources';
import { cutOverSource } from './cutOverSource';
import { rollBackCutover } from './rollBackCutover';
import { copyHookSnippet } from './copyHookSnippet';

/**
 * One handler per file; this list is what activate() registers.
 * Add a line here when you add a command (and its entry in package.json).
 */
export const commandHandlers: CommandHandlerFactory[] = [
  openDatabase, checkHealth, backupDatabase, restoreDatabase, runQuery,
  migrateJsonl, verifySources, showRejects, openDashboard, exportDashboardHtml, runMigrations, showMigrationStatus, rollbackMigration,
  refreshMetrics, exportNode, showRows, syncTeamDatabase, cutOverSource, rollBackCutover, copyHookSnippet];
