/**
 * The extension's side of the team database: settings, the password in SecretStorage (asked for
 * once, forgotten when the server refuses it: src/core/team/password.ts), one sync run, and
 * auto-sync after each ingest.
 */
import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { AutoSyncScheduler } from '../../core/team/autoSync';
import { TeamPasswords } from '../../core/team/password';
import type { SyncResult } from '../../core/team/sync';
import { isTeamUrl, redactText, redactUrl } from '../../core/team/url';
import type { ExtensionServices } from '../services';

export interface TeamSettings {
  url: string;
  autoSync: boolean;
  machine: string | undefined;
}

export function teamSettings(services: ExtensionServices): TeamSettings {
  return {
    url: services.config.get<string>('team.database', '').trim(),
    autoSync: services.config.get<boolean>('team.autoSync', false),
    machine: services.config.get<string>('team.machine', '').trim() || undefined,
  };
}

function urlHasPassword(url: string): boolean {
  return redactUrl(url) !== url;
}

/**
 * The password store of the team database: VS Code's SecretStorage, asked for with a password box
 * (once: src/core/team/password.ts). Shared by sync and the dashboard's Team scope.
 */
export function teamPasswords(services: ExtensionServices): TeamPasswords {
  return new TeamPasswords(services.context.secrets, (url, retry) =>
    vscode.window.showInputBox({
      title: 'Team database password',
      prompt: `${retry ? 'The server refused the stored password. ' : ''}Password for ${url} (kept in VS Code's secret storage; leave empty if the server needs none)`,
      password: true,
      ignoreFocusOut: true,
    }),
  );
}

export class TeamSyncRunner extends Disposable {
  private scheduler: AutoSyncScheduler | undefined;
  private current: Promise<SyncResult | undefined> | undefined;

  constructor(private readonly services: ExtensionServices) {
    super();
    this.register(services.onDidChangeDatabase(() => this.afterIngest()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('telemetryLens.team') || e.affectsConfiguration('telemetryLens.autoIngestDebounceMs')) this.resetScheduler();
      }),
    );
    this.register({ dispose: () => this.scheduler?.dispose() });
  }

  private resetScheduler(): void {
    this.scheduler?.dispose();
    this.scheduler = undefined;
  }

  private afterIngest(): void {
    const s = teamSettings(this.services);
    if (!s.autoSync || !isTeamUrl(s.url)) return;
    this.scheduler ??= new AutoSyncScheduler({
      debounceMs: Math.max(5000, this.services.config.get<number>('autoIngestDebounceMs', 2000) * 5),
      run: async () => {
        await this.run(false);
      },
      onError: (e, next) => this.services.log.warn(`team auto-sync: ${e instanceof Error ? e.message : String(e)}; retrying in ${Math.round(next / 1000)} s`),
    });
    this.scheduler.trigger();
  }

  /**
   * One sync. Interactive runs (the command) may ask for the password and show the outcome;
   * automatic ones never prompt and throw on failure (the scheduler retries later).
   */
  async run(interactive: boolean): Promise<SyncResult | undefined> {
    if (this.current) return this.current;
    this.current = this.runOnce(interactive).finally(() => (this.current = undefined));
    return this.current;
  }

  private async runOnce(interactive: boolean): Promise<SyncResult | undefined> {
    const s = teamSettings(this.services);
    if (!isTeamUrl(s.url)) {
      if (interactive) {
        const pick = await vscode.window.showWarningMessage('Set telemetryLens.team.database to a postgresql:// URL (without password) first.', 'Open Settings');
        if (pick) await vscode.commands.executeCommand('workbench.action.openSettings', 'telemetryLens.team');
      }
      return undefined;
    }
    if (urlHasPassword(s.url)) {
      const msg = `telemetryLens.team.database holds a password: remove it from the URL (${redactUrl(s.url)}); Telemetry Lens asks for it once and keeps it in secret storage`;
      if (interactive) void vscode.window.showErrorMessage(msg);
      throw new Error(msg);
    }
    // the driver and sync code load on first use, not at activation
    const { syncToTeam } = await import('../../core/team/sync');
    let used: string | undefined;
    const work = (password: string | undefined) => {
      used = password;
      // auto-sync (after every ingest) validates the totals and the days it touched; the command every day
      const sync = () => syncToTeam(this.services.databasePath, s.url, { password, machine: s.machine, applicationName: 'telemetry-lens vscode', quickValidation: !interactive });
      return interactive ? Promise.resolve(vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Syncing to ${redactUrl(s.url)}…` }, sync)) : sync();
    };
    try {
      const result = await teamPasswords(this.services).withPassword(s.url, interactive, work);
      if (result === undefined) return undefined;
      this.services.teamReader.changed();
      const sent = result.tables.filter((t) => t.kind === 'event').reduce((n, t) => n + t.inserted, 0);
      const summary = `team sync as "${result.machine}": ${sent} new row(s) into ${result.team}; validation ${result.validation?.ok ? 'ok' : 'MISMATCH'}`;
      this.services.log.info(summary);
      if (result.validation && !result.validation.ok) {
        const m = result.validation.mismatches.slice(0, 5).map((x) => `${x.table} ${x.day ?? '(no time)'}: local ${x.local}, team ${x.team}`).join('; ');
        this.services.log.warn(`team sync validation mismatch: ${m}`);
        if (interactive) void vscode.window.showWarningMessage(`Team sync finished with a validation mismatch: ${m}`);
      } else if (interactive) void vscode.window.showInformationMessage(summary);
      return result;
    } catch (e) {
      // (a refused password was forgotten by withPassword: the next interactive sync asks again)
      const message = redactText(e instanceof Error ? e.message : String(e), s.url, [used]);
      this.services.log.error(`team sync: ${message}`);
      if (interactive) void vscode.window.showErrorMessage(`Sync to Team Database failed: ${message}`);
      throw new Error(message);
    }
  }
}
