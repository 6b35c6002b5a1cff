/**
 * The extension's side of the team database: settings, the password in SecretStorage (asked for
 * once, forgotten when the server refuses it), one sync run, and auto-sync after each ingest.
 */
import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { AutoSyncScheduler } from '../../core/team/autoSync';
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

/** SecretStorage key: one password per server/user/database (the URL without password or options). */
function secretKey(url: string): string {
  return `telemetryLens.team.password:${redactUrl(url).replace(/\?.*$/, '')}`;
}

/**
 * The password for `url`: from SecretStorage, or (interactive only) asked once and stored after
 * the server accepted it. Undefined: none needed (trust/peer/.pgpass) or the user cancelled.
 */
async function passwordFor(services: ExtensionServices, url: string, interactive: boolean): Promise<{ password?: string; fresh: boolean; cancelled: boolean }> {
  const stored = await services.context.secrets.get(secretKey(url));
  if (stored !== undefined) return { password: stored, fresh: false, cancelled: false };
  if (!interactive) return { fresh: false, cancelled: false };
  const typed = await vscode.window.showInputBox({
    title: 'Team database password',
    prompt: `Password for ${redactUrl(url)} (kept in VS Code's secret storage; leave empty if the server needs none)`,
    password: true,
    ignoreFocusOut: true,
  });
  if (typed === undefined) return { fresh: false, cancelled: true };
  return { password: typed || undefined, fresh: true, cancelled: false };
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
    const pw = await passwordFor(this.services, s.url, interactive);
    if (pw.cancelled) return undefined;
    // the driver and sync code load on first use, not at activation
    const { syncToTeam } = await import('../../core/team/sync');
    const work = () => syncToTeam(this.services.databasePath, s.url, { password: pw.password, machine: s.machine, applicationName: 'telemetry-lens vscode' });
    try {
      const result = interactive
        ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Syncing to ${redactUrl(s.url)}…` }, work)
        : await work();
      if (pw.fresh && pw.password !== undefined) await this.services.context.secrets.store(secretKey(s.url), pw.password);
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
      const message = redactText(e instanceof Error ? e.message : String(e), s.url, [pw.password]);
      // a refused password is forgotten, so the next interactive sync asks again
      if (/password authentication failed|SQLSTATE 28P01/.test(message)) await this.services.context.secrets.delete(secretKey(s.url));
      this.services.log.error(`team sync: ${message}`);
      if (interactive) void vscode.window.showErrorMessage(`Sync to Team Database failed: ${message}`);
      throw new Error(message);
    }
  }
}
