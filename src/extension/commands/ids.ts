/**
 * Every command id, in one place. Must match package.json `contributes.commands`
 * (test/extension/manifest.test.ts checks both directions).
 */
export const CommandIds = {
  openDatabase: 'telemetryLens.openDatabase',
  checkHealth: 'telemetryLens.checkHealth',
  backupDatabase: 'telemetryLens.backupDatabase',
  restoreDatabase: 'telemetryLens.restoreDatabase',
  runQuery: 'telemetryLens.runQuery',
  runMigrations: 'telemetryLens.runMigrations',
  showMigrationStatus: 'telemetryLens.showMigrationStatus',
  rollbackMigration: 'telemetryLens.rollbackMigration',
  migrateJsonl: 'telemetryLens.migrateJsonl',
  verifySources: 'telemetryLens.verifySources',
  openDashboard: 'telemetryLens.openDashboard',
  exportDashboardHtml: 'telemetryLens.exportDashboardHtml',
  refreshMetrics: 'telemetryLens.refreshMetrics',
  exportNode: 'telemetryLens.exportNode',
  showRows: 'telemetryLens.showRows',
  showRejects: 'telemetryLens.showRejects',
  syncTeamDatabase: 'telemetryLens.syncTeamDatabase',
  cutOverSource: 'telemetryLens.cutOverSource',
  rollBackCutover: 'telemetryLens.rollBackCutover',
  copyHookSnippet: 'telemetryLens.copyHookSnippet',
} as const;

export type CommandId = (typeof CommandIds)[keyof typeof CommandIds];
