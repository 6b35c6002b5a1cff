import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../../core/lifecycle';
import { resolveTimeZone } from '../../core/metrics';
import { answerDataRequest } from '../../core/dashboard/dashboardRequests';
import { isDashboardDataMessage, type DashboardDataMessage } from '../../core/dashboard/dashboardDataWorker';
import { checkScopeRequest, LOCAL_SCOPE, scopeState, type ScopeSelection } from '../../core/team/scope';
import { isDashboardTab, specTabInfos } from '../../core/dashboard/tabPayload';
import { PROTOCOL_VERSION, type DashboardTabId, type DashboardViewState, type HostToWebview, type WebviewToHost } from '../../protocol';
import type { ExtensionServices } from '../services';
import { metricsSettings } from './metricsSettings';
import { dashboardHtml } from './dashboardHtml';

export const DASHBOARD_VIEW_TYPE = 'telemetryLens.dashboard';

function homeRelative(p: string): string {
  const home = process.env.HOME ?? process.env.USERPROFILE;
  return home && p.startsWith(home + path.sep) ? `~${p.slice(home.length)}` : p;
}

/** Options of the panel: limited to the bundle folder, kept alive by state, not by memory. */
export function dashboardWebviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')] };
}

/**
 * The one dashboard panel. It speaks src/protocol.ts with the webview: waits for `ready`,
 * sends `init`, answers data and drill-down requests from a cached snapshot via the metrics
 * layer, opens JSONL sources the rows came from, and says `databaseChanged` after writes.
 */
export class DashboardPanel extends Disposable {
  private static current: DashboardPanel | undefined;

  private ready = false;
  /** the tab/range to show on the next `ready` (first open, or showTab while hidden); sent once */
  private pendingView: Partial<DashboardViewState> | undefined;
  /** the database file (and -wal/-journal) on disk: any writer, any window, the CLI */
  /** the database the page was last initialised for (its header names it) */
  private shownPath = '';
  /** JSONL paths this panel has sent in rows; `openSource` opens only these. */
  private readonly knownSources = new Set<string>();
  /** This machine, or the team database (all machines or one): the scope bar's choice */
  private scope: ScopeSelection = LOCAL_SCOPE;
  /** the team's machines as last read: the only names a `setScope` may pick */
  private teamMachines: string[] = [];

  static show(services: ExtensionServices, tab?: DashboardTabId): DashboardPanel {
    if (DashboardPanel.current) {
      const current = DashboardPanel.current;
      // a hidden webview is re-created on reveal and says `ready` again: it gets the tab then
      if (tab && !current.panel.visible) current.pendingView = { tab };
      else if (tab) current.post({ type: 'showTab', tab });
      current.panel.reveal();
      return DashboardPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW_TYPE, 'Telemetry Dashboard', vscode.ViewColumn.Active, {
      ...dashboardWebviewOptions(services.context.extensionUri),
      enableFindWidget: true,
    });
    return (DashboardPanel.current = new DashboardPanel(panel, services, tab ? { tab } : undefined));
  }

  /** Restores a panel VS Code kept across a reload (WebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, services: ExtensionServices, state: unknown): DashboardPanel {
    DashboardPanel.current?.dispose();
    panel.webview.options = dashboardWebviewOptions(services.context.extensionUri);
    return (DashboardPanel.current = new DashboardPanel(panel, services, viewStateFrom(state)));
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: ExtensionServices,
    initialView: Partial<DashboardViewState> | undefined,
  ) {
    super();
    this.pendingView = initialView;
    // the data worker (services.dashboardData) runs while a panel holds a lease
    this.register(services.dashboardData.acquire());
    panel.iconPath = vscode.Uri.joinPath(services.context.extensionUri, 'media', 'telemetry.svg');
    const nonce = randomBytes(18).toString('base64');
    const scriptUri = panel.webview.asWebviewUri(vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'webview.js'));
    panel.webview.html = dashboardHtml({ cspSource: panel.webview.cspSource, scriptUri: scriptUri.toString(), nonce });

    this.register(panel.webview.onDidReceiveMessage((m: WebviewToHost) => void this.onMessage(m)));
    this.register(services.onDidChangeDatabase(() => this.databaseChanged()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('telemetryLens')) return;
        const moved = services.databasePath !== this.shownPath;
        // a different database (the header names it) or zone (custom days, hour labels): start
        // the page over (it keeps its view)
        if ((moved || e.affectsConfiguration('telemetryLens.timezone')) && this.ready) this.sendInit();
        else this.databaseChanged();
      }),
    );
    this.register(
      services.teamReader.onDidChange(() => {
        if (!this.ready) return;
        if (!services.teamReader.url) this.scope = LOCAL_SCOPE;
        void this.sendScope();
        if (this.scope.scope === 'team') this.post({ type: 'databaseChanged' });
      }),
    );
    this.register(panel.onDidDispose(() => this.dispose()));
  }

  /**
   * Tells the scope bar what it can offer: whether a team database is configured and its machines
   * (read without asking for a password; the first switch to Team may ask).
   */
  private async sendScope(error?: string): Promise<void> {
    const teamUrl = this.services.teamReader.url;
    if (teamUrl && !error) {
      try {
        this.teamMachines = (await this.services.teamReader.overview(false)).map((m) => m.machine);
      } catch (e) {
        // not reachable or no password stored yet: the bar still offers Team
        this.services.log.info(`dashboard: team machines not listed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    this.post({ type: 'scope', state: scopeState(this.scope, { localLabel: homeRelative(this.services.databasePath), teamUrl, machines: this.teamMachines, error }) });
  }

  private async setScope(message: { scope?: unknown; machine?: unknown }): Promise<void> {
    let next: ScopeSelection;
    try {
      // a machine not listed yet (synced since): read the list once more before refusing
      if (typeof message.machine === 'string' && !this.teamMachines.includes(message.machine) && this.services.teamReader.url) {
        this.teamMachines = (await this.services.teamReader.overview(true)).map((m) => m.machine);
      }
      next = checkScopeRequest(message, !!this.services.teamReader.url, this.teamMachines);
      // read the team copy now: the password prompt (once) and a connection error show here
      if (next.scope === 'team') {
        await this.services.teamReader.snapshot(next.machine, true);
        this.teamMachines = (await this.services.teamReader.overview(false)).map((m) => m.machine);
      }
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      this.services.log.warn(`dashboard scope: ${text}`);
      await this.sendScope(text);
      return;
    }
    this.scope = next;
    await this.sendScope();
  }

  private databaseChanged(): void {
    // (services.dashboardData follows onDidChangeDatabase itself; a settings change comes here too)
    this.services.dashboardData.invalidate();
    this.post({ type: 'databaseChanged' });
    // open and prepare the new snapshot in the worker while the page waits out its refresh debounce
    if (this.ready && this.panel.visible && this.scope.scope === 'local') void this.services.dashboardData.warm().catch(() => undefined);
  }

  private sendInit(): void {
    this.services.dashboardData.invalidate();
    this.shownPath = this.services.databasePath;
    this.post({
      type: 'init',
      protocolVersion: PROTOCOL_VERSION,
      state: {
        view: this.pendingView,
        databaseLabel: homeRelative(this.services.databasePath),
        mode: 'live',
        timeZone: resolveTimeZone(metricsSettings(this.services).timeZone),
        capabilities: { customRange: true, drillDown: 'full', openSource: true },
        specTabs: specTabInfos(),
      },
    });
    this.pendingView = undefined;
  }

  override dispose(): void {
    if (DashboardPanel.current === this) DashboardPanel.current = undefined;
    super.dispose();
    this.panel.dispose();
  }

  private post(message: HostToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(message: WebviewToHost): Promise<void> {
    if (!message || typeof message !== 'object') return;
    switch (message.type) {
      case 'ready':
        this.ready = true;
        // the folder may not have existed at open (first Migrate JSONL creates it)
        this.services.watchDatabase();
        this.sendInit();
        void this.sendScope();
        return;
      case 'setScope':
        await this.setScope(message);
        return;
      case 'openSource':
        await this.openSource(message.path, message.line);
        return;
      default: {
        if (!isDashboardDataMessage(message)) return;
        const reply = await this.answer(message);
        if (!reply) return;
        if (reply.type === 'rows') for (const r of reply.result.rows) if (r.source.path) this.knownSources.add(r.source.path);
        if (reply.type === 'data' && reply.payload.tab === 'selfHeal') for (const f of reply.payload.selfHeal.recentFailures) if (f.source.path) this.knownSources.add(f.source.path);
        if (reply.type === 'error') this.services.log.warn(`dashboard: ${reply.message}`);
        this.post(reply);
      }
    }
  }

  /**
   * This machine's data comes from the data worker (off this thread); the Team scope's from the
   * team reader's snapshot, here.
   */
  private async answer(message: DashboardDataMessage): Promise<HostToWebview | undefined> {
    if (this.scope.scope === 'team') {
      const machine = this.scope.machine;
      return answerDataRequest(message, {
        snapshot: (need) => this.services.teamReader.snapshot(machine, false, need),
        drillDown: async (request) => this.services.teamReader.drillDown(machine, request),
        metricsOptions: () => metricsSettings(this.services),
        nowSeconds: () => Math.floor(Date.now() / 1000),
      });
    }
    try {
      return await this.services.dashboardData.answer(message, metricsSettings(this.services), Math.floor(Date.now() / 1000));
    } catch (e) {
      // the worker died or was disposed under the request: the page shows the error like any other
      return { type: 'error', requestId: message.requestId, message: e instanceof Error ? e.message : String(e) };
    }
  }

  private async openSource(file: string, line: number): Promise<void> {
    if (!this.knownSources.has(file)) return;
    if (!fs.existsSync(file)) {
      void vscode.window.showWarningMessage(`The source file ${file} no longer exists (rotated or deleted); its rows stay in the database.`);
      return;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const lineIndex = Math.min(Math.max(0, Math.floor(line) - 1), document.lineCount - 1);
    await vscode.window.showTextDocument(document, { viewColumn: vscode.ViewColumn.Beside, preview: true, selection: document.lineAt(lineIndex).range });
  }
}

function viewStateFrom(state: unknown): Partial<DashboardViewState> | undefined {
  if (!state || typeof state !== 'object') return undefined;
  const s = state as Partial<DashboardViewState>;
  return { tab: isDashboardTab(s.tab) ? s.tab : undefined, range: s.range };
}
