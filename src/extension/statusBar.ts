import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { describeEngine, resolveEngine } from '../core/db/database';
import { sidecarPaths } from '../core/db/fileState';
import { describeHolder, readHolder } from '../core/db/lockFile';
import { Disposable } from '../core/lifecycle';
import { CommandIds } from './commands/ids';
import { CONFIG_SECTION } from './config';
import type { ExtensionServices } from './services';

type Activity = { kind: 'idle' } | { kind: 'busy'; what: string } | { kind: 'error'; what: string };

/**
 * Status-bar item: which database is open and its state (missing, live WAL, locked, busy,
 * last error), plus the last ingest. Reads only file metadata, never sql.js, so it is free at
 * activation. Other features report through setLastIngest() / setActivity().
 */
export class DatabaseStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('telemetryLens.database', vscode.StatusBarAlignment.Left, 20));
  private lastIngest: { summary: string; at: Date } | undefined;
  private activity: Activity = { kind: 'idle' };

  constructor(private readonly services: ExtensionServices) {
    super();
    this.item.name = 'Telemetry Lens Database';
    this.item.command = CommandIds.checkHealth;
    this.register(services.onDidChangeDatabase(() => void this.refresh()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${CONFIG_SECTION}.databasePath`)) void this.refresh();
      }),
    );
    void this.refresh();
    this.item.show();
  }

  /** Called after an ingest run, e.g. "+120 rows from 3 files". */
  setLastIngest(summary: string): void {
    this.lastIngest = { summary, at: new Date() };
    void this.refresh();
  }

  /** Shows a long operation ("Backing up…") or a failure until the next refresh of state. */
  setActivity(activity: Activity): void {
    this.activity = activity;
    void this.refresh();
  }

  async refresh(): Promise<void> {
    if (this.isDisposed) return;
    const dbPath = this.services.databasePath;
    const state = await fileStateText(dbPath);
    const name = path.basename(dbPath);
    let icon = '$(database)';
    let suffix = state.short ? ` (${state.short})` : '';
    if (this.activity.kind === 'busy') {
      icon = '$(sync~spin)';
      suffix = ` — ${this.activity.what}`;
    } else if (this.activity.kind === 'error') {
      icon = '$(warning)';
    }
    this.item.text = `${icon} ${name}${suffix}`;
    this.item.backgroundColor = this.activity.kind === 'error' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.appendMarkdown(`**Telemetry Lens database**\n\n`);
    tip.appendText(`${dbPath}\n\n`);
    tip.appendMarkdown(`${state.long}\n\n`);
    tip.appendText(`Engine: ${engineText()}\n\n`);
    if (this.activity.kind === 'error') tip.appendText(`Last problem: ${this.activity.what}\n\n`);
    if (this.lastIngest) tip.appendText(`Last ingest (${this.lastIngest.at.toLocaleTimeString()}): ${this.lastIngest.summary}\n\n`);
    tip.appendMarkdown('Click to check the database health.');
    this.item.tooltip = tip;
  }
}

/** "native: node:sqlite loaded (Node 22.15.0)" or why not, e.g. "wasm: this runtime (Node 20.18.1) has no node:sqlite". */
function engineText(): string {
  try {
    return describeEngine(resolveEngine());
  } catch (e) {
    return `none: ${e instanceof Error ? e.message : String(e)} (setting telemetryLens.engine)`;
  }
}

async function fileStateText(dbPath: string): Promise<{ short: string; long: string }> {
  const side = sidecarPaths(dbPath);
  const stat = await fs.promises.stat(dbPath).catch(() => undefined);
  if (!stat) return { short: 'not created yet', long: 'The file does not exist yet; the first ingest or migration creates it.' };
  const size = `${(stat.size / 1048576).toFixed(1)} MB`;
  const parts = [`Size: ${size}.`];
  let short = '';
  const holder = await fs.promises.access(side.lock).then(
    () => readHolder(side.lock),
    () => undefined,
  );
  if (holder !== undefined) {
    short = 'locked';
    parts.push(`Being written by ${describeHolder(holder)}.`);
  }
  if (await exists(side.wal)) {
    short ||= 'open elsewhere';
    parts.push('Another program has it open in WAL mode: reads include its changes; writes wait until it closes.');
  } else if (await exists(side.journal)) {
    short ||= 'open elsewhere';
    parts.push('Another program is writing it (rollback journal present).');
  }
  return { short, long: parts.join(' ') };
}

function exists(p: string): Promise<boolean> {
  return fs.promises.access(p).then(
    () => true,
    () => false,
  );
}
