import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import { CommandIds } from '../commands/ids';
import type { ExtensionServices } from '../services';
import { previewForMigrate, runIngest, type EngineContext } from './engineAdapter';
import type { MigratePlan } from '../../core/ingest';
import { errorText, showIngestError } from './errorNotice';
import { plural, tildify } from './format';
import { filesToFollow } from './chosenSources';
import { engineContext, sourceSpecsFromSettings } from './liveIngest';
import { ingestSummaryMessage, OPEN_DASHBOARD, SHOW_REJECTS } from './messages';
import { buildPreviewItems, isFileItem, previewTitle, type PreviewEntry, type PreviewFileItem } from './previewItems';
import { ProgressTracker } from './progressText';
import { publishIngestResult, withStatusBarActivity } from './publishResult';
import { resolveEnginePaths } from '../../core/ingest/sources/enginePaths';
import type { AuditView, IngestView, SourceProblem } from './viewModel';

export const MIGRATE_TITLE = 'Telemetry: Migrate JSONL';
export const APPLY_AND_IMPORT = 'Apply and Import';
const OPEN_SETTINGS = 'Open Settings';

/**
 * "Telemetry: Migrate JSONL": discover → preview (QuickPick) → confirm schema migrations →
 * import with a cancellable progress notification → summary with follow-up buttons. One
 * discovery and one database snapshot: the preview's plan (its files, the schema steps) is
 * what the import consumes (core previewSources → migrateSources' `plan`).
 */
export async function runMigrateJsonl(services: ExtensionServices): Promise<IngestView | undefined> {
  const ctx = engineContext(services);
  const found = await discover(services, ctx);
  if (!found) return undefined;
  const picked = await pickFiles(found.audit, found.problems);
  if (!picked) return undefined; // Escape
  if (picked.length === 0) {
    void vscode.window.showInformationMessage('Telemetry: no files picked — nothing was imported.');
    return undefined;
  }
  if (!(await confirmSchema(ctx, found.plan.schemaSteps))) return undefined;

  for (;;) {
    try {
      const view = await importWithProgress(services, ctx, found.paths, picked, found.plan);
      await afterImport(services, view, found.paths, filesToFollow(found.audit.files, picked), found.plan);
      return view;
    } catch (e) {
      if (!(await showIngestError(services, 'Migrate JSONL', e))) return undefined;
    }
  }
}

interface Discovery {
  paths: string[];
  audit: AuditView;
  problems: SourceProblem[];
  plan: MigratePlan;
}

async function discover(services: ExtensionServices, ctx: EngineContext): Promise<Discovery | undefined> {
  const specs = sourceSpecsFromSettings(services);
  const abort = new AbortController();
  let result: Discovery | undefined;
  try {
    result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: MIGRATE_TITLE, cancellable: true },
      async (progress, token) => {
        const sub = token.onCancellationRequested(() => abort.abort());
        try {
          progress.report({ message: 'Looking for telemetry files…' });
          const { paths, problems } = await resolveEnginePaths(specs, ctx.exclude);
          if (paths.length === 0 || abort.signal.aborted) return { paths, problems, audit: { files: [], problems: [] }, plan: emptyPlan(paths) };
          progress.report({ message: `Reading ${paths.length === 1 ? tildify(paths[0], os.homedir()) : plural(paths.length, 'source')} to see what is new…` });
          // A 70 MB file takes seconds to compare: show how far the reading is.
          const tracker = new ProgressTracker();
          const { audit, plan } = await previewForMigrate(paths, ctx, abort.signal, (p) => {
            const step = p.phase === 'read' ? tracker.next(p, Date.now()) : undefined;
            if (step) progress.report(step);
          });
          return { paths, problems: [...problems, ...audit.problems], audit, plan };
        } finally {
          sub.dispose();
        }
      },
    );
  } catch (e) {
    if (!abort.signal.aborted) await showIngestError(services, 'Migrate JSONL', e);
    return undefined;
  }
  if (abort.signal.aborted) return undefined;
  for (const p of result.problems) services.log.warn(`source skipped: ${p.path}: ${p.message}`);
  if (result.audit.excludedFiles) {
    services.log.info(`${plural(result.audit.excludedFiles, 'other *.jsonl file')} skipped by telemetryLens.exclude (session transcripts, caches…)`);
  }
  if (result.audit.files.length === 0) {
    const where = specs.map((s) => tildify(s.path, os.homedir())).join(', ') || 'no folder';
    const choice = await vscode.window.showWarningMessage(
      `Telemetry: no telemetry files found in ${where}. Set "telemetryLens.sources" to the folders, files or globs your agent writes to.`,
      OPEN_SETTINGS,
    );
    if (choice === OPEN_SETTINGS) await vscode.commands.executeCommand('workbench.action.openSettings', 'telemetryLens.sources');
    return undefined;
  }
  return result;
}

async function pickFiles(audit: AuditView, problems: SourceProblem[]): Promise<string[] | undefined> {
  const entries = buildPreviewItems(audit.files, os.homedir());
  const items = entries.map(toQuickPickItem);
  const skipped = problems.length > 0 ? ` ${plural(problems.length, 'source')} skipped (see Output › Telemetry Lens).` : '';
  const chosen = await vscode.window.showQuickPick(items, {
    canPickMany: true,
    title: previewTitle(audit.files),
    placeHolder: `Pick the files to import — Space toggles, Enter starts.${skipped}`,
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return chosen?.map((i) => i.entry.file.path);
}

type FileQuickPickItem = vscode.QuickPickItem & { entry: PreviewFileItem };

function toQuickPickItem(e: PreviewEntry): FileQuickPickItem {
  if (!isFileItem(e)) return { label: e.label, kind: vscode.QuickPickItemKind.Separator } as FileQuickPickItem;
  return { label: e.label, description: e.description, detail: e.detail, picked: e.picked, entry: e };
}

function emptyPlan(paths: string[]): MigratePlan {
  return { paths, database: null, sources: [], issues: [], excludedFiles: 0, schemaSteps: [] };
}

/** Shows the schema steps the import will apply first (read by the preview); false when the user declines. */
async function confirmSchema(ctx: EngineContext, steps: string[]): Promise<boolean> {
  if (steps.length === 0) return true;
  const where = tildify(ctx.dbPath, os.homedir());
  const message = fs.existsSync(ctx.dbPath)
    ? `Telemetry: the database needs ${plural(steps.length, 'schema migration')} before the import.`
    : `Telemetry: a new database will be created at ${where}.`;
  const choice = await vscode.window.showInformationMessage(
    message,
    { modal: true, detail: `${where}\n\nSchema steps to apply:\n${steps.map((s) => `• ${s}`).join('\n')}` },
    APPLY_AND_IMPORT,
  );
  return choice === APPLY_AND_IMPORT;
}

async function importWithProgress(services: ExtensionServices, ctx: EngineContext, paths: string[], picked: string[], plan: MigratePlan): Promise<IngestView> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: MIGRATE_TITLE, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const tracker = new ProgressTracker();
      const work = () =>
        withStatusBarActivity(services, 'importing', () => runIngest(paths, ctx, {
          only: picked,
          plan,
          signal: abort.signal,
          onProgress: (p) => {
            const step = tracker.next(p, Date.now());
            if (step) progress.report(step);
          },
        }));
      try {
        const live = services.liveIngest;
        if (live.isRunning) progress.report({ message: 'Waiting for the live ingest in progress…' });
        return await live.runExclusive(() => (abort.signal.aborted ? Promise.resolve(cancelledView()) : work()));
      } finally {
        sub.dispose();
      }
    },
  );
}

function cancelledView(): IngestView {
  return { files: [], migrationsApplied: [], durationMs: 0, cancelled: true };
}

async function afterImport(services: ExtensionServices, view: IngestView, roots: string[], follow: string[], plan: MigratePlan): Promise<void> {
  publishIngestResult(services, view, 'manual');
  for (const p of view.problems ?? []) services.log.warn(`not imported: ${p.message}`);
  const message = ingestSummaryMessage(view);
  if (view.cancelled) {
    void vscode.window.showInformationMessage(message);
    return;
  }
  void vscode.window.showInformationMessage(message, OPEN_DASHBOARD, SHOW_REJECTS).then((choice) => {
    if (choice === OPEN_DASHBOARD) void vscode.commands.executeCommand(CommandIds.openDashboard);
    if (choice === SHOW_REJECTS) void vscode.commands.executeCommand(CommandIds.showRejects);
  });
  if (follow.length === 0) return;
  // Live ingest follows this choice from now on (stored per database).
  try {
    // the preview's discovery named each file's stream (rotated copies are followed too)
    const streams = [...new Set(plan.sources.filter((s) => follow.includes(s.path)).map((s) => s.stream))];
    const chosen = { roots, files: follow, streams, savedAt: Date.now() };
    await services.liveIngest.setChosenSources(chosen);
  } catch (e) {
    services.log.warn(`could not remember the chosen sources for live ingest: ${errorText(e)}`);
  }
}
