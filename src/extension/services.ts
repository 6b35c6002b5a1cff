import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import { ExtensionConfig } from './config';
import type { DatabaseStatusBar } from './statusBar';
import type { MetricsTreeProvider } from './tree/metricsTreeProvider';
import type { TeamSyncRunner } from './team/teamSync';

/**
 * The shared objects command handlers, views and watchers need. Created once in activate();
 * cheap to construct: nothing here loads sql.js until a database is actually used.
 */
export class ExtensionServices extends Disposable {
  /** Fires after anything wrote the database (ingest, migrations, restore), so views refresh. */
  private readonly databaseChangedEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeDatabase = this.databaseChangedEmitter.event;

  /** Set in activate(); features report ingest results and long operations through it. */
  statusBar: DatabaseStatusBar | undefined;

  /** The Metrics view's provider (set in activate(); refreshMetrics and tests use it). */
  metricsTree: MetricsTreeProvider | undefined;

  /** Sync to the team database (set in activate(); the command and auto-sync use it). */
  teamSync: TeamSyncRunner | undefined;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    readonly config: ExtensionConfig,
  ) {
    super();
  }

  /** Absolute path of the telemetry database from settings (`~`, `${workspaceFolder}` expanded). */
  get databasePath(): string {
    return this.config.databasePath();
  }

  fireDatabaseChanged(): void {
    this.databaseChangedEmitter.fire();
  }
}
