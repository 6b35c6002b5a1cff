import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import { Disposable, toDisposable, type IDisposable } from '../../core/lifecycle';
import { CONFIG_SECTION } from '../config';
import { migrationsFolderOf } from '../migrations/migrationsFolder';
import type { ExtensionServices } from '../services';
import { loadChosenSources, saveChosenSources, selectChosen, type ChosenSources } from './chosenSources';
import { discoverBeside, runIngest, type EngineContext } from './engineAdapter';
import { errorText, isWriteConflict } from './errorNotice';
import { excludedFileTest, excludePatternsFromSetting } from '../../core/ingest/sources/excludeSetting';
import { publishIngestResult, withStatusBarActivity } from './publishResult';
import { IngestScheduler } from './scheduler';
import { resolveEnginePaths } from '../../core/ingest/sources/enginePaths';
import { resolveSourceSettings, type SourceSpec } from '../../core/ingest/sources/settings';
import type { IngestView } from './viewModel';
import { watchTargetsForFiles, watchTargetsForSpecs, type WatchTarget } from './watchTargets';

const DEFAULT_DEBOUNCE_MS = 2000;
const RETRY_MIN_MS = 15_000;
const RETRY_MAX_MS = 300_000;

/** Settings whose change re-plans the watchers. */
const WATCHED_SETTINGS = ['autoIngest', 'autoIngestDebounceMs', 'sources', 'exclude', 'claudeCode.enabled', 'databasePath', 'timezone', 'migrationsFolder'].map((k) => `${CONFIG_SECTION}.${k}`);

/** The setting's entries expanded for the open workspace folders. */
export function sourceSpecsFromSettings(services: ExtensionServices): SourceSpec[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  return resolveSourceSettings(services.config.get<string[] | string>('sources', []), { home: os.homedir(), workspaceFolders: folders });
}

export function engineContext(services: ExtensionServices): EngineContext {
  return {
    dbPath: services.databasePath,
    tz: services.config.timezone(),
    userMigrationsDir: migrationsFolderOf(services),
    exclude: excludePatternsFromSetting(services.config.get<unknown>('exclude', undefined)),
    freshness: services.config.freshness(),
    claudeCode: services.config.get<boolean>('claudeCode.enabled', true) !== false,
  };
}

/**
 * Live ingest: file-system watchers on the chosen sources (those picked in the last
 * "Migrate JSONL", else what `telemetryLens.sources` finds), debounced and serialised by
 * IngestScheduler, so a burst of appends becomes one write and two ingests never overlap.
 * Manual migrations go through `runExclusive` and share the same queue.
 */
export class LiveIngestController extends Disposable {
  private readonly scheduler: IngestScheduler;
  private watchers: IDisposable[] = [];
  private readonly runCancellation = this.register(new vscode.CancellationTokenSource());
  private planVersion = 0;
  /** Back-off for retrying after the database was held by another program (0 = no failure). */
  private retryDelayMs = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Changes to files a scan skips (session transcripts…) schedule no run. */
  private isExcluded: (file: string) => boolean = () => false;

  constructor(private readonly services: ExtensionServices) {
    super();
    this.scheduler = this.register(
      new IngestScheduler(() => this.runOnce(), {
        debounceMs: this.debounceMs(),
        onError: (e) => this.onRunFailed(e),
      }),
    );
    this.register(toDisposable(() => clearTimeout(this.retryTimer)));
    this.register(toDisposable(() => this.disposeWatchers()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (WATCHED_SETTINGS.some((s) => e.affectsConfiguration(s))) void this.replan();
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.replan()));
    void this.replan(true);
  }

  /** Runs `work` so that it never overlaps a live ingest run. */
  runExclusive<T>(work: () => Promise<T>): Promise<T> {
    return this.scheduler.runExclusive(work);
  }

  /** A live run is in progress: a manual run started now waits for it. */
  get isRunning(): boolean {
    return this.scheduler.isRunning;
  }

  /** Remembers what the user picked in "Migrate JSONL" and follows it from now on. */
  async setChosenSources(chosen: ChosenSources): Promise<void> {
    await saveChosenSources(this.services.context.globalState, this.services.databasePath, chosen);
    await this.replan();
  }

  /** Resolves once no live run is scheduled or in progress (tests, e2e). */
  whenIdle(): Promise<void> {
    return this.scheduler.whenIdle();
  }

  override dispose(): void {
    // Abort a run in progress: the engine's write is all-or-nothing, so nothing is half-written.
    this.runCancellation.cancel();
    super.dispose();
  }

  private autoIngestEnabled(): boolean {
    return this.services.config.get<boolean>('autoIngest', true);
  }

  private debounceMs(): number {
    const v = this.services.config.get<number>('autoIngestDebounceMs', DEFAULT_DEBOUNCE_MS);
    return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : DEFAULT_DEBOUNCE_MS;
  }

  /** Rebuilds the watchers from the current settings and choice; optionally catches up once. */
  private async replan(catchUp = false): Promise<void> {
    const version = ++this.planVersion;
    this.disposeWatchers();
    this.scheduler.setDebounce(this.debounceMs());
    if (this.isDisposed || !this.autoIngestEnabled()) {
      this.services.log.info('live ingest: off (telemetryLens.autoIngest)');
      return;
    }
    const targets = await this.watchTargets();
    if (version !== this.planVersion || this.isDisposed) return; // a newer replan won
    for (const target of targets) this.watchers.push(...this.watch(target));
    this.services.log.info(
      `live ingest: watching ${targets.map((t) => `${t.base}/${t.pattern}`).join(', ') || 'nothing (no sources found)'}`,
    );
    // Catch up on lines written while VS Code was closed (only for an existing database).
    if (catchUp && targets.length > 0 && fs.existsSync(this.services.databasePath)) this.scheduler.trigger();
  }

  private async watchTargets(): Promise<WatchTarget[]> {
    const chosen = loadChosenSources(this.services.context.globalState, this.services.databasePath);
    if (chosen) {
      this.services.log.info(`live ingest: following the ${chosen.files.length} file(s) chosen in "Migrate JSONL" (run it again to change them)`);
      this.isExcluded = () => false; // the pick is explicit
      return watchTargetsForFiles(chosen.files);
    }
    this.isExcluded = excludedFileTest(engineContext(this.services).exclude ?? []);
    const specs = sourceSpecsFromSettings(this.services);
    const { paths } = await resolveEnginePaths(specs.filter((s) => s.kind === 'path'));
    const existing = new Set(paths);
    const isFile = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
    return watchTargetsForSpecs(
      specs.filter((s) => s.kind === 'glob' || existing.has(s.path)),
      isFile,
    );
  }

  private watch(target: WatchTarget): IDisposable[] {
    // RelativePattern with a Uri base also works for folders outside the workspace.
    const pattern = new vscode.RelativePattern(vscode.Uri.file(target.base), target.pattern);
    // Deletions are ignored: history stays in the database after logs are rotated or removed.
    const watcher = vscode.workspace.createFileSystemWatcher(pattern, false, false, true);
    const onChange = (uri: vscode.Uri) => {
      // Our own database (and its -wal/-journal/.lock) may sit under a watched folder or glob:
      // its writes must not schedule another run.
      if (!uri.fsPath.startsWith(this.services.databasePath) && !this.isExcluded(uri.fsPath)) this.scheduler.trigger();
    };
    return [watcher.onDidCreate(onChange), watcher.onDidChange(onChange), watcher];
  }

  private disposeWatchers(): void {
    for (const w of this.watchers.splice(0)) w.dispose();
  }

  /** What one live run ingests: the chosen files and their rotations, else the setting's paths. */
  private async planRun(): Promise<{ paths: string[] } | undefined> {
    const chosen = loadChosenSources(this.services.context.globalState, this.services.databasePath);
    if (chosen) {
      const paths = selectChosen(await discoverBeside(chosen.files), chosen);
      return paths.length > 0 ? { paths } : undefined;
    }
    // Without an explicit choice, live ingest keeps an existing database current; it never
    // creates one from everything under ~/.claude behind the user's back.
    if (!fs.existsSync(this.services.databasePath)) return undefined;
    const { paths } = await resolveEnginePaths(sourceSpecsFromSettings(this.services), engineContext(this.services).exclude);
    return paths.length > 0 ? { paths } : undefined;
  }

  private async runOnce(): Promise<void> {
    if (this.isDisposed) return;
    const plan = await this.planRun();
    if (!plan) return;
    const abort = new AbortController();
    const sub = this.runCancellation.token.onCancellationRequested(() => abort.abort());
    let view: IngestView;
    try {
      view = await withStatusBarActivity(this.services, 'live ingest', () => runIngest(plan.paths, engineContext(this.services), { signal: abort.signal }));
    } finally {
      sub.dispose();
    }
    this.retryDelayMs = 0;
    publishIngestResult(this.services, view, 'live');
  }

  /**
   * A failed run is logged (the status bar already shows it). When another program held the
   * database, the appended lines are still waiting: retry with back-off (15 s … 5 min) even if
   * no further change arrives.
   */
  private onRunFailed(e: unknown): void {
    this.services.log.error(`live ingest failed: ${errorText(e)}`);
    if (!isWriteConflict(e) || this.isDisposed) return;
    this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, RETRY_MIN_MS), RETRY_MAX_MS);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.scheduler.trigger(), this.retryDelayMs);
    this.services.log.info(`live ingest: retrying in ${Math.round(this.retryDelayMs / 1000)} s`);
  }
}
