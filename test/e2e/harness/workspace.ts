/**
 * A prepared workspace opened in code-server + Chromium, for suites that build their own data
 * (the cutover and migrations suites, the team suite): writes the workspace's settings, installs
 * the .vsix, starts code-server and waits until the extension host contributes `readyCommand`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { installExtension, startCodeServer, writeUserSettings, type RunningCodeServer } from './codeServer';
import { Workbench } from './workbench';

export interface OpenWorkspace {
  server: RunningCodeServer;
  wb: Workbench;
  close(): Promise<void>;
}

/** The code-server and .vsix that `npm run test:e2e` names; a clear error when run any other way. */
export function e2eBuild(): { codeServer: string; vsix: string } {
  const codeServer = process.env.TL_E2E_CODE_SERVER;
  const vsix = process.env.TL_E2E_VSIX;
  if (!codeServer || !vsix) throw new Error('TL_E2E_CODE_SERVER and TL_E2E_VSIX are not set: run this suite with `npm run test:e2e`');
  return { codeServer, vsix };
}

export async function openWorkspace(opts: {
  /** temp folder for the extensions and user-data dirs (short: VS Code puts IPC sockets there) */
  root: string;
  workspace: string;
  settings: Record<string, unknown>;
  artifacts: string;
  /** a command title the extension contributes: the palette is polled until it lists it */
  readyCommand: string;
}): Promise<OpenWorkspace> {
  const { codeServer, vsix } = e2eBuild();
  fs.mkdirSync(path.join(opts.workspace, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(opts.workspace, '.vscode', 'settings.json'), JSON.stringify(opts.settings, null, 2));
  const dirs = { bin: codeServer, extensionsDir: path.join(opts.root, 'ext'), userDataDir: path.join(opts.root, 'ud'), logFile: path.join(opts.artifacts, 'code-server.log') };
  writeUserSettings(dirs.userDataDir);
  installExtension(dirs, vsix);
  const server = await startCodeServer(dirs, opts.workspace);
  let wb: Workbench;
  try {
    wb = await Workbench.open(server.url, opts.workspace, opts.artifacts);
  } catch (e) {
    await server.stop();
    throw e;
  }
  // the extension host starts after the workbench, and an open palette does not refresh:
  // reopen it until our commands are contributed
  await wb.poll(
    async () => {
      await wb.page.keyboard.press('Escape');
      await wb.page.keyboard.press('F1');
      await wb.quickInput.locator('input').fill(`>${opts.readyCommand}`);
      await wb.page.waitForTimeout(500);
      const found = (await wb.quickInputRows().filter({ hasText: opts.readyCommand }).count()) > 0;
      await wb.page.keyboard.press('Escape');
      return found ? true : undefined;
    },
    120_000,
    `the extension never contributed ${opts.readyCommand}`,
    1000,
  );
  return {
    server,
    wb,
    close: async () => {
      await wb.close();
      await server.stop();
    },
  };
}
