import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { loadPrices, standardConfigDirs, type PriceTable } from '../../core/claudeCode';
import { Disposable } from '../../core/lifecycle';
import { resolveTimeZone } from '../../core/metrics';
import { teamTreeSection } from '../../core/team/scope';
import { migrationsFolderOf } from '../migrations/migrationsFolder';
import type { ExtensionServices } from '../services';
import { metricsTreeFromData, type MetricsNode } from './metricsTreeModel';

/** Context key for the welcome view (package.json viewsWelcome). */
export const NO_DATABASE_CONTEXT = 'telemetryLens.noDatabase';

/** The zone from settings; an unknown zone falls back to the machine's (and says so in the log). */
function timeZoneFromSettings(services: ExtensionServices): string | undefined {
  const tz = services.config.timezone();
  try {
    return resolveTimeZone(tz);
  } catch {
    services.log.warn(`telemetryLens.timezone "${tz}" is not an IANA time zone; metrics use this machine's zone`);
    return undefined;
  }
}

/**
 * The Metrics view. Builds every node from one snapshot when the root is asked for, its data read
 * in the data worker (services.dashboardData: off this thread, sharing the dashboard's snapshot;
 * sql.js loads there, not at activation) and rebuilds on refresh(): after our own writes
 * (onDidChangeDatabase), when the file changes on disk (any writer), and on settings changes.
 */
export class MetricsTreeProvider extends Disposable implements vscode.TreeDataProvider<MetricsNode> {
  private readonly changeEmitter = this.register(new vscode.EventEmitter<MetricsNode | undefined>());
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private roots: Promise<MetricsNode[]> | undefined;
  /** Set by registerMetricsTree(): shows the database file name next to the view title. */
  view: vscode.TreeView<MetricsNode> | undefined;

  constructor(private readonly services: ExtensionServices) {
    super();
    this.register(services.onDidChangeDatabase(() => this.refresh()));
    this.register(services.teamReader.onDidChange(() => this.refresh()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('telemetryLens')) this.refresh();
      }),
    );
  }

  /** Rebuilds the tree (or re-renders one node). */
  refresh(element?: MetricsNode): void {
    if (!element) this.roots = undefined;
    this.changeEmitter.fire(element);
  }

  getTreeItem(node: MetricsNode): vscode.TreeItem {
    const state = node.children?.length
      ? node.expanded
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed
      : vscode.TreeItemCollapsibleState.None;
    const item = new vscode.TreeItem(node.label, state);
    item.id = node.id;
    item.description = node.description;
    item.contextValue = node.contextValue;
    if (node.tooltip) item.tooltip = new vscode.MarkdownString(node.tooltip);
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon.codicon, node.icon.color ? new vscode.ThemeColor(node.icon.color) : undefined);
    item.accessibilityInformation = { label: node.accessibleLabel ?? [node.label, node.description].filter(Boolean).join(', ') };
    return item;
  }

  getChildren(node?: MetricsNode): MetricsNode[] | Promise<MetricsNode[]> {
    if (node) return node.children ?? [];
    this.roots ??= this.loadRoots();
    return this.roots;
  }

  /** "Team database": its machines and their data sources, when a team database is configured (never asks for a password). */
  private async teamSection(): Promise<MetricsNode | undefined> {
    const url = this.services.teamReader.url;
    if (!url) return undefined;
    try {
      return teamTreeSection(url, await this.services.teamReader.overview(false));
    } catch (e) {
      return teamTreeSection(url, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  private async loadRoots(): Promise<MetricsNode[]> {
    const dbPath = this.services.databasePath;
    this.services.watchDatabase();
    const missing = !fs.existsSync(dbPath);
    await vscode.commands.executeCommand('setContext', NO_DATABASE_CONTEXT, missing);
    if (this.view) this.view.description = missing ? undefined : path.basename(dbPath);
    if (missing) return []; // the welcome view offers Migrate JSONL / Open Database
    try {
      const team = this.teamSection();
      // a lease for the read: the worker outlives it briefly (idleStopMs), so the next refresh reuses it
      const lease = this.services.dashboardData.acquire();
      try {
        const data = await this.services.dashboardData.metricsTreeData({
          timeZone: timeZoneFromSettings(this.services),
          freshness: this.services.config.freshness(),
          migrationsDir: migrationsFolderOf(this.services),
          ...claudeCodeTreeOptions(this.services),
        });
        const roots = metricsTreeFromData(data);
        const teamNode = await team;
        return teamNode ? [...roots, teamNode] : roots;
      } finally {
        lease.dispose();
      }
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      this.services.log.warn(`Metrics tree: could not read ${dbPath}: ${message}`);
      return [
        {
          id: 'error',
          label: 'Could not read the database',
          description: message,
          tooltip: `${dbPath}\n\n${message}`,
          icon: { codicon: 'error', color: 'list.errorForeground' },
          contextValue: 'error',
        },
      ];
    }
  }
}

/** Creates the Metrics view; the returned disposable removes it. */
export function registerMetricsTree(services: ExtensionServices): { provider: MetricsTreeProvider; registration: vscode.Disposable } {
  const provider = new MetricsTreeProvider(services);
  const view = vscode.window.createTreeView('telemetryLens.metrics', { treeDataProvider: provider, showCollapseAll: true });
  provider.view = view;
  return { provider, registration: vscode.Disposable.from(view, provider) };
}

/** Prices (with the user's override file) and the folders of the cleanup warning, when the Claude Code source is on. */
function claudeCodeTreeOptions(services: ExtensionServices): { prices?: PriceTable; cleanupConfigDirs?: string[] } {
  if (services.config.get<boolean>('claudeCode.enabled', true) === false) return {};
  let prices: PriceTable | undefined;
  try {
    prices = loadPrices();
  } catch (e) {
    services.log.warn(`Claude Code prices: ${e instanceof Error ? e.message : String(e)}; using the bundled table`);
  }
  return { prices, cleanupConfigDirs: standardConfigDirs() };
}
