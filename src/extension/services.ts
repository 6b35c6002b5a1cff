import * as vscode from 'vscode';
import { defaultEngineChoice } from '../core/db/database';
import { DashboardDataWorker } from '../core/dashboard/dashboardDataWorker';
import { Disposable } from '../core/lifecycle';
import { CONFIG_SECTION, ExtensionConfig } from './config';
import { DatabaseFileWatcher } from './databaseFileWatcher';
import { LiveIngestController } from './ingest/liveIngest';
import { ReportDocuments } from './ingest/reportDocuments';
import { DatabaseStatusBar } from './statusBar';
import { TeamReader } from './team/teamReader';
import { TeamSyncRunner } from './team/teamSync';

/**
 * The shared objects command handlers, views and watchers need. Created once in activate();
 * cheap to construct: nothing here loads sql.js until a database is actually used.
 */
export class ExtensionServices extends Disposable {
  /**
   * The one database-change event: fires after this window wrote the database (ingest,
   * migrations, restore) and when the file, its -wal or -journal changed on disk (a hook, the
   * CLI, another window). The tree, the dashboard and the status bar all follow it.
   */
  private readonly databaseChangedEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeDatabase = this.databaseChangedEmitter.event;
  private watcher: DatabaseFileWatcher | undefined;

  /** Database, state and last ingest in the status bar; features report long operations through it. */
  readonly statusBar: DatabaseStatusBar;

  /** Live ingest (watchers + scheduler); manual Migrate JSONL runs go through its queue. */
  readonly liveIngest: LiveIngestController;

  /** Sync to the team database (the command and auto-sync after ingest use it; pg loads on first sync). */
  readonly teamSync: TeamSyncRunner;
  /** Read-only report documents (verify details, rejected lines) with file:line links. */
  readonly reportDocuments: ReportDocuments;

  /**
   * The dashboard's and the Metrics tree's data off the extension host's thread: one long-lived
   * worker for the open database, started by the first request, ended a minute after no panel or
   * tree read holds a lease; told of every database change.
   */
  readonly dashboardData: DashboardDataWorker;

  /** The team database's rows for the dashboard's Team scope and the tree's "Team database" section. */
  readonly teamReader: TeamReader;

  constructor(
    readonly context: vscode.ExtensionContext,
    readonly log: vscode.LogOutputChannel,
    readonly config: ExtensionConfig,
  ) {
    super();
    this.watchDatabase();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${CONFIG_SECTION}.databasePath`)) this.watchDatabase();
      }),
    );
    this.register({ dispose: () => this.watcher?.dispose() });
    // the tree's refreshes (each holds a lease while it reads) reuse the thread for a while
    this.dashboardData = this.register(new DashboardDataWorker({ dbPath: () => this.databasePath, engine: defaultEngineChoice, idleStopMs: 60_000 }));
    this.register(this.onDidChangeDatabase(() => this.dashboardData.invalidate()));
    // last: it reads the database path and follows onDidChangeDatabase from the start
    this.reportDocuments = ReportDocuments.registerReports((d) => this.register(d));
    this.statusBar = this.register(new DatabaseStatusBar(this));
    this.teamReader = this.register(new TeamReader(this));
    this.teamSync = this.register(new TeamSyncRunner(this));
    this.liveIngest = this.register(new LiveIngestController(this));
  }

  /**
   * Points the file watcher at the configured database. Cheap when it already does; readers call
   * it before a read because the folder may not have existed before (the first Migrate JSONL
   * creates it).
   */
  watchDatabase(): void {
    const dbPath = this.databasePath;
    if (this.watcher && this.watcher.dbPath === dbPath && !this.watcher.failed) return;
    this.watcher?.dispose();
    this.watcher = new DatabaseFileWatcher(dbPath, () => this.fireDatabaseChanged());
  }

  /** Absolute path of the telemetry database from settings (`~`, `${workspaceFolder}` expanded). */
  get databasePath(): string {
    return this.config.databasePath();
  }

  fireDatabaseChanged(): void {
    this.databaseChangedEmitter.fire();
  }
}
