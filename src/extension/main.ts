import * as vscode from 'vscode';
import { commandHandlers } from './commands';
import { registerCommand } from './commands/registerCommand';
import { setDefaultEngine } from '../core/db/database';
import { CONFIG_SECTION, ExtensionConfig } from './config';
import { registerDashboardSerializer } from './dashboard';
import { ExtensionServices } from './services';
import { registerMetricsTree, type MetricsTreeProvider } from './tree';

/** What activate() returns: the services and the Metrics view (the in-VS-Code test suite reads them). */
export interface TelemetryLensApi {
  readonly services: ExtensionServices;
  readonly databasePath: string;
  readonly metricsTree: MetricsTreeProvider;
}

/**
 * Composition root: create the services, register commands and views, hand everything to
 * context.subscriptions. No database work here — sql.js loads on first use.
 */
export function activate(context: vscode.ExtensionContext): TelemetryLensApi {
  const log = vscode.window.createOutputChannel('Telemetry Lens', { log: true });
  context.subscriptions.push(log);

  const config = new ExtensionConfig();
  // every open and write of this window takes the engine of telemetryLens.engine
  setDefaultEngine(config.engine());
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${CONFIG_SECTION}.engine`)) {
        setDefaultEngine(config.engine());
        void services.statusBar.refresh();
      }
    }),
  );
  const services = new ExtensionServices(context, log, config);
  context.subscriptions.push(services);

  for (const handler of commandHandlers) {
    context.subscriptions.push(registerCommand(services, handler));
  }
  context.subscriptions.push(registerDashboardSerializer(services));
  const tree = registerMetricsTree(services);
  context.subscriptions.push(tree.registration);

  log.info(`Telemetry Lens activated; database: ${services.databasePath}`);
  return {
    services,
    get databasePath() {
      return services.databasePath;
    },
    metricsTree: tree.provider,
  };
}

export function deactivate(): void {
  // everything is disposed through context.subscriptions
}
