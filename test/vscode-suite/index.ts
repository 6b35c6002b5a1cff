/**
 * Entry point the extension host loads for the mocha suite (@vscode/test-electron's
 * extensionTestsPath, or code-server's, see scripts/vscode-suite). Besides rejecting on failure,
 * it writes a result file into the workspace, because a web workbench has no exit code to read.
 */
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import * as vscode from 'vscode';
import { registerExtensionSuite } from './extension.suite';

export const RESULT_FILE = '.vscode-suite-result.json';

interface TestResult {
  title: string;
  ok: boolean;
  error?: string;
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false });
  mocha.suite.emit('pre-require', globalThis, 'extension.suite', mocha);
  registerExtensionSuite();
  const results: TestResult[] = [];
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      if (workspace) fs.writeFileSync(path.join(workspace, RESULT_FILE), JSON.stringify({ failures, results }, null, 2));
      if (failures > 0) reject(new Error(`${failures} test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), ok: true }));
    runner.on('fail', (t, err: unknown) => results.push({ title: t.fullTitle(), ok: false, error: err instanceof Error ? err.message : String(err) }));
  });
}
