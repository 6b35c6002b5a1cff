import * as vscode from 'vscode';
import type { ExtensionServices } from '../services';
import { DASHBOARD_VIEW_TYPE, DashboardPanel } from './dashboardPanel';

export { DASHBOARD_VIEW_TYPE, DashboardPanel } from './dashboardPanel';

/** Lets VS Code restore an open dashboard after a reload, with its tab and range. */
export function registerDashboardSerializer(services: ExtensionServices): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      DashboardPanel.revive(panel, services, state);
    },
  });
}
