import * as vscode from 'vscode';
import { commandHandlers } from './commands';
import { ExtensionConfig } from './config';
import { registerDashboardSerializer } from './dashboard';
import { LiveIngestController } from './ingest/liveIngest';
import { ExtensionServices } from './services';
import { TeamSyncRunner } from './team/teamSync';
import { DatabaseStatusBar } from './statusBar';
import { registerMetricsTree } from './tree';

/**
 * Composition root: create the services, register commands and views, hand everything to
 * context.subscriptions. No database work here — sql.js loads on first use.
 */
export function activate(context: vscode.ExtensionContext): ExtensionServices {
  const log = vscode.window.createOutputChannel('Telemetry Lens', { log: true });
  context.subscriptions.push(log);

  const services = new ExtensionServices(context, log, new ExtensionConfig());
  context.subscriptions.push(services);

  services.statusBar = new DatabaseStatusBar(services);
  context.subscriptions.push(services.statusBar);

  for (const handler of commandHandlers) {
    context.subscriptions.push(vscode.commands.registerCommand(handler.id, handler.create(services)));
  }
  context.subscriptions.push(new LiveIngestController(services));
  services.teamSync = new TeamSyncRunner(services);
  context.subscriptions.push(services.teamSync);
  context.subscriptions.push(registerDashboardSerializer(services));
  context.subscriptions.push(registerMetricsTree(services));

  log.info(`Telemetry Lens activated; database: ${services.databasePath}`);
  return services;
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
