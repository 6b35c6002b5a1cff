/**
 * Starts and stops code-server (real VS Code 1.100.3 workbench + Node extension host) bound to
 * 127.0.0.1 on a free port, in its own process group so stop() ends every child it spawned.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export interface CodeServerDirs {
  bin: string;
  extensionsDir: string;
  userDataDir: string;
  logFile: string;
}

export interface RunningCodeServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A port nobody listens on right now (the OS picks it; we release it just before code-server binds). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** User settings that keep the workbench quiet and offline (no welcome page, no update or gallery calls). */
export function writeUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  const settings = {
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'security.workspace.trust.enabled': false,
    'git.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.colorTheme': 'Default Dark Modern',
    ...extra,
  };
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(settings, null, 2));
}

export function installExtension(dirs: CodeServerDirs, vsix: string): string {
  const r = spawnSync(dirs.bin, ['--extensions-dir', dirs.extensionsDir, '--user-data-dir', dirs.userDataDir, '--install-extension', vsix], { encoding: 'utf8', timeout: 120_000 });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) throw new Error(`code-server --install-extension ${vsix} failed (exit ${r.status}):\n${out}`);
  return out.trim();
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before it was ready; see ${logFile}`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url}/healthz within ${timeoutMs / 1000} s; see ${logFile}`);
}

export async function startCodeServer(dirs: CodeServerDirs, workspace: string, timeoutMs = 60_000): Promise<RunningCodeServer> {
  const port = await freePort();
  const log = fs.openSync(dirs.logFile, 'a');
  const child = spawn(
    dirs.bin,
    ['--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--extensions-dir', dirs.extensionsDir, '--user-data-dir', dirs.userDataDir, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', workspace],
    { detached: true, stdio: ['ignore', log, log], env: { ...process.env, PASSWORD: undefined } },
  );
  fs.closeSync(log);
  // code-server runs in its own process group (so stop() reaches its children); make sure an
  // interrupted or crashed test run does not leave it behind.
  const killGroup = (): void => {
    try {
      if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    killGroup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', killGroup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  child.once('exit', () => {
    process.off('exit', killGroup);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForHealth(url, child, timeoutMs, dirs.logFile);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, stop };
}
