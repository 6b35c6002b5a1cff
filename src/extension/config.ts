import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { DEFAULT_FRESHNESS, freshnessFromHoursDays, type FreshnessThresholds } from '../core/time/freshness';
import { isEngineChoice, type EngineChoice } from '../core/db/database';

export const CONFIG_SECTION = 'telemetryLens';

/** Expands `~` and `${workspaceFolder}` the way users write them in settings. */
export function expandPath(raw: string, workspaceFolder: string | undefined): string {
  let p = raw.trim();
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = path.join(os.homedir(), p.slice(1));
  p = p.replace(/\$\{workspaceFolder\}/g, workspaceFolder ?? process.cwd());
  p = p.replace(/\$\{userHome\}/g, os.homedir());
  return path.resolve(p);
}

/** Typed access to the `telemetryLens.*` settings. */
export class ExtensionConfig {
  private get section(): vscode.WorkspaceConfiguration {
    return vscode.workspace.getConfiguration(CONFIG_SECTION);
  }

  get firstWorkspaceFolder(): string | undefined {
    return vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  }

  databasePath(): string {
    return expandPath(this.section.get<string>('databasePath', '~/.telemetry-lens/telemetry.db'), this.firstWorkspaceFolder);
  }

  /** IANA zone for timestamps written without one; empty = the machine's zone. */
  timezone(): string | undefined {
    const tz = this.section.get<string>('timezone', '').trim();
    return tz === '' ? undefined : tz;
  }

  /** Live / stale / frozen thresholds (telemetryLens.freshness.*), the one rule for the tree, dashboard and Migrate preview. */
  freshness(): FreshnessThresholds {
    return freshnessFromHoursDays(
      this.section.get<number>('freshness.liveWithinHours', DEFAULT_FRESHNESS.liveWithinSeconds / 3600),
      this.section.get<number>('freshness.staleWithinDays', DEFAULT_FRESHNESS.staleWithinSeconds / 86400),
    );
  }

  /** `telemetryLens.engine`: auto (native node:sqlite where this VS Code has it, else wasm), native or wasm. */
  engine(): EngineChoice {
    const v = this.section.get<string>('engine', 'auto');
    return isEngineChoice(v) ? v : 'auto';
  }

  get<T>(key: string, fallback: T): T {
    return this.section.get<T>(key, fallback);
  }
}
