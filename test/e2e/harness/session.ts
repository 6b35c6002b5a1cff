/**
 * One e2e session: a temp folder (short path: VS Code puts IPC sockets in the user-data dir)
 * holding the workspace with generated telemetry and its settings, the extensions and
 * user-data dirs; the .vsix installed; code-server started; Chromium on the workbench.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTelemetry, type GeneratedCorpus } from '../../../src/sample';
import { installExtension, startCodeServer, writeUserSettings, type RunningCodeServer } from './codeServer';
import { Workbench } from './workbench';

export interface E2eSession {
  root: string;
  workspace: string;
  databasePath: string;
  userDataDir: string;
  corpus: GeneratedCorpus;
  server: RunningCodeServer;
  wb: Workbench;
  dispose(): Promise<void>;
}

/**
 * Screenshots and logs. `npm run test:e2e` sets TL_E2E_ARTIFACTS=test-artifacts/e2e; ad-hoc runs
 * (other scripts reusing this harness) get their own folder so they never wipe the suite's.
 */
export const ARTIFACTS = process.env.TL_E2E_ARTIFACTS ?? path.resolve(__dirname, '..', '..', '..', 'test-artifacts', `e2e-adhoc-${process.pid}`);

export async function startSession(opts: { codeServer: string; vsix: string; eventsPerSource: number }): Promise<E2eSession> {
  fs.rmSync(ARTIFACTS, { recursive: true, force: true });
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-e2e-'));
  const workspace = path.join(root, 'workspace');
  const corpus = generateTelemetry({ outDir: workspace, eventsPerSource: opts.eventsPerSource, seed: 2026 });
  const databasePath = path.join(workspace, 'telemetry.db');
  fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(
    path.join(workspace, '.vscode', 'settings.json'),
    JSON.stringify({ 'telemetryLens.databasePath': '${workspaceFolder}/telemetry.db', 'telemetryLens.sources': ['.claude'], 'telemetryLens.timezone': 'UTC', 'telemetryLens.autoIngestDebounceMs': 500 }, null, 2),
  );
  const dirs = { bin: opts.codeServer, extensionsDir: path.join(root, 'ext'), userDataDir: path.join(root, 'ud'), logFile: path.join(ARTIFACTS, 'code-server.log') };
  writeUserSettings(dirs.userDataDir);
  fs.writeFileSync(path.join(ARTIFACTS, 'install-extension.log'), installExtension(dirs, opts.vsix));
  const server = await startCodeServer(dirs, workspace);
  let wb: Workbench;
  try {
    wb = await Workbench.open(server.url, workspace, ARTIFACTS);
  } catch (e) {
    await server.stop();
    throw e;
  }
  const dispose = async (): Promise<void> => {
    await wb.close();
    await server.stop();
    // keep the extension host log next to the screenshots, then drop the temp folder
    const logs = path.join(dirs.userDataDir, 'logs');
    if (fs.existsSync(logs)) fs.cpSync(logs, path.join(ARTIFACTS, 'vscode-logs'), { recursive: true });
    fs.rmSync(root, { recursive: true, force: true });
  };
  return { root, workspace, databasePath, userDataDir: dirs.userDataDir, corpus, server, wb, dispose };
}
