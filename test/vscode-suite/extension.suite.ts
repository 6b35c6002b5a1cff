/**
 * Runs inside a real VS Code extension host (`npm run test:vscode`). The opened workspace holds
 * sample telemetry already migrated into telemetry.db by the CLI (corpus.json says what it
 * holds), and settings pointing the extension at it.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { before, describe, it } from 'mocha';

const EXTENSION_ID = 'telemetry-lens.telemetry-lens';

interface ServicesApi {
  databasePath: string;
}

export function registerExtensionSuite(): void {
  let extension: vscode.Extension<ServicesApi>;
  let api: ServicesApi;

  let workspace = '';

  before(async () => {
    workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    assert.ok(workspace, 'a workspace folder is open');
    extension = vscode.extensions.getExtension<ServicesApi>(EXTENSION_ID)!;
    assert.ok(extension, `${EXTENSION_ID} is installed in the host`);
    api = await extension.activate();
  });

  describe('commands', () => {
    it('registers every command package.json contributes', async () => {
      const contributed: string[] = extension.packageJSON.contributes.commands.map((c: { command: string }) => c.command);
      const registered = new Set(await vscode.commands.getCommands(true));
      assert.deepStrictEqual(contributed.filter((id) => !registered.has(id)), []);
    });

    it('shows every command under the "Telemetry" category', () => {
      for (const c of extension.packageJSON.contributes.commands) assert.strictEqual(c.category, 'Telemetry', c.command);
    });
  });

  describe('settings', () => {
    it('declares its defaults', () => {
      const inspect = <T>(key: string): T | undefined => vscode.workspace.getConfiguration('telemetryLens').inspect<T>(key)?.defaultValue;
      assert.strictEqual(inspect('databasePath'), '~/.telemetry-lens/telemetry.db');
      assert.deepStrictEqual(inspect('sources'), []);
      assert.strictEqual(inspect('autoIngest'), true);
    });

    it('takes the database path from the workspace settings, ${workspaceFolder} expanded', () => {
      assert.strictEqual(api.databasePath, path.join(workspace, 'telemetry.db'));
      assert.ok(fs.existsSync(api.databasePath));
    });

    it('follows a change of telemetryLens.databasePath without a reload', async () => {
      const config = vscode.workspace.getConfiguration('telemetryLens');
      await config.update('databasePath', '${workspaceFolder}/other.db', vscode.ConfigurationTarget.Workspace);
      try {
        assert.strictEqual(api.databasePath, path.join(workspace, 'other.db'));
      } finally {
        await config.update('databasePath', '${workspaceFolder}/telemetry.db', vscode.ConfigurationTarget.Workspace);
      }
      assert.strictEqual(api.databasePath, path.join(workspace, 'telemetry.db'));
    });
  });

  describe('Metrics tree', () => {
    it('the Telemetry view container opens the Metrics view', async () => {
      await vscode.commands.executeCommand('workbench.view.extension.telemetryLens');
      await vscode.commands.executeCommand('telemetryLens.metrics.focus');
    });

    it('lists every migrated table under Data sources with its row count', async () => {
      const corpus = JSON.parse(fs.readFileSync(path.join(workspace, 'corpus.json'), 'utf8')) as { tables: Record<string, number> };
      const tree = (api as unknown as { metricsTree?: vscode.TreeDataProvider<unknown> }).metricsTree;
      assert.ok(tree, 'activate() exposes the Metrics tree provider as `metricsTree`');
      const labels = async (element?: unknown): Promise<{ item: vscode.TreeItem; element: unknown }[]> => {
        const children = (await tree.getChildren(element)) ?? [];
        return Promise.all(children.map(async (c) => ({ item: await tree.getTreeItem(c), element: c })));
      };
      const text = (i: vscode.TreeItem): string => `${typeof i.label === 'string' ? i.label : (i.label?.label ?? '')} ${i.description ?? ''}`;
      const top = await labels();
      const sources = top.find((t) => /data sources/i.test(text(t.item)));
      assert.ok(sources, `a "Data sources" node among: ${top.map((t) => text(t.item)).join(' | ')}`);
      const rows = (await labels(sources.element)).map((t) => text(t.item));
      for (const [table, count] of Object.entries(corpus.tables)) {
        const row = rows.find((r) => r.includes(table));
        assert.ok(row, `row for ${table} among ${rows.join(' | ')}`);
        assert.ok(row.replace(/,/g, '').includes(String(count)), `${table} shows ${count} rows: "${row}"`);
      }
    });
  });
}
