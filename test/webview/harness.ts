/**
 * Loads the built dashboard bundle in real Chromium, in the same page the VS Code panel
 * serves (dashboardHtml: same CSP, nonce'd script), with a fake host that speaks the real
 * protocol: it answers with the real `answerDataRequest` over a real sql.js database.
 * Every request leaving the page other than the page and its bundle is blocked and recorded.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { SqlDatabase as Database } from '../../src/core/db/database';
import { answerDataRequest } from '../../src/core/dashboard/dashboardRequests';
import { specTabInfos } from '../../src/core/dashboard/tabPayload';
import { dashboardHtml } from '../../src/extension/dashboard/dashboardHtml';
import { PROTOCOL_VERSION, type HostToWebview, type InitState, type WebviewToHost } from '../../src/protocol';

export const ROOT = path.resolve(__dirname, '..', '..');
export const BUNDLE = path.join(ROOT, 'dist', 'webview.js');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts', 'webview');
const ORIGIN = 'https://webview.test';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds dist/webview.js when it is missing or older than its sources. */
export function ensureBundle(): void {
  const sources = Math.max(newestMtime(path.join(ROOT, 'webview')), fs.statSync(path.join(ROOT, 'src', 'protocol.ts')).mtimeMs, newestMtime(path.join(ROOT, 'src', 'core', 'metrics')));
  if (fs.existsSync(BUNDLE) && fs.statSync(BUNDLE).mtimeMs >= sources) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed:\n${r.stdout}\n${r.stderr}`);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** What a VS Code dark theme puts on the webview's <html> style, as far as the page reads it. */
export const DARK_THEME_VARS: Record<string, string> = {
  '--vscode-font-family': 'system-ui, "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-foreground': '#cccccc',
  '--vscode-descriptionForeground': '#9d9d9d',
  '--vscode-errorForeground': '#f85149',
  '--vscode-editor-background': '#1f1f1f',
  '--vscode-editorWidget-background': '#202020',
  '--vscode-widget-border': '#313131',
  '--vscode-panel-border': '#2b2b2b',
  '--vscode-focusBorder': '#0078d4',
  '--vscode-textLink-foreground': '#4daafc',
  '--vscode-list-hoverBackground': '#2a2d2e',
  '--vscode-input-background': '#313131',
  '--vscode-input-foreground': '#cccccc',
  '--vscode-charts-foreground': '#cccccc',
  '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
  '--vscode-charts-red': '#f14c4c',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-yellow': '#cca700',
  '--vscode-charts-orange': '#d18616',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-settings-dropdownBackground': '#313131',
  '--vscode-settings-dropdownForeground': '#cccccc',
  '--vscode-settings-dropdownBorder': '#3c3c3c',
  '--vscode-button-background': '#0078d4',
  '--vscode-button-foreground': '#ffffff',
  '--vscode-button-secondaryBackground': '#313131',
  '--vscode-button-secondaryForeground': '#cccccc',
  '--vscode-panel-background': '#181818',
  '--vscode-panelTitle-activeForeground': '#cccccc',
  '--vscode-panelTitle-activeBorder': '#0078d4',
  '--vscode-panelTitle-inactiveForeground': '#9d9d9d',
};

export const LIGHT_THEME_VARS: Record<string, string> = {
  ...DARK_THEME_VARS,
  '--vscode-foreground': '#3b3b3b',
  '--vscode-descriptionForeground': '#717171',
  '--vscode-editor-background': '#ffffff',
  '--vscode-editorWidget-background': '#f8f8f8',
  '--vscode-widget-border': '#e5e5e5',
  '--vscode-charts-foreground': '#616161',
  '--vscode-charts-lines': 'rgba(97, 97, 97, 0.5)',
  '--vscode-charts-red': '#e51400',
  '--vscode-charts-blue': '#1a85ff',
  '--vscode-charts-green': '#388a34',
  '--vscode-settings-dropdownBackground': '#ffffff',
  '--vscode-settings-dropdownForeground': '#3b3b3b',
  '--vscode-settings-dropdownBorder': '#cecece',
  '--vscode-button-secondaryBackground': '#e5e5e5',
  '--vscode-button-secondaryForeground': '#3b3b3b',
  '--vscode-panel-background': '#f8f8f8',
  '--vscode-panelTitle-activeForeground': '#3b3b3b',
  '--vscode-panelTitle-activeBorder': '#005fb8',
  '--vscode-panelTitle-inactiveForeground': '#717171',
};

export const HIGH_CONTRAST_THEME_VARS: Record<string, string> = {
  ...DARK_THEME_VARS,
  '--vscode-foreground': '#ffffff',
  '--vscode-descriptionForeground': '#ffffff',
  '--vscode-editor-background': '#000000',
  '--vscode-editorWidget-background': '#0c141f',
  '--vscode-widget-border': '#6fc3df',
  '--vscode-contrastBorder': '#6fc3df',
  '--vscode-focusBorder': '#f38518',
  '--vscode-charts-foreground': '#ffffff',
  '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
  '--vscode-charts-red': '#f48771',
  '--vscode-charts-blue': '#3794ff',
  '--vscode-charts-green': '#89d185',
  '--vscode-charts-yellow': '#ffd700',
  '--vscode-charts-orange': '#ff8c00',
  '--vscode-charts-purple': '#b180d7',
  '--vscode-panel-background': '#000000',
  '--vscode-panelTitle-activeForeground': '#ffffff',
  '--vscode-panelTitle-activeBorder': '#6fc3df',
  '--vscode-panelTitle-inactiveForeground': '#ffffff',
};

export interface FakeHost {
  page: Page;
  /** every message the webview posted, in order */
  received: WebviewToHost[];
  /** requests to anything but the page and its bundle (all blocked) */
  blockedRequests: string[];
  pageErrors: string[];
  send(message: HostToWebview): Promise<void>;
  /** waits until the webview has posted a message matching `pred` (after index `since`) */
  waitFor<T extends WebviewToHost>(pred: (m: WebviewToHost) => m is T, since?: number): Promise<T>;
  waitForTab(tab: string): Promise<void>;
}

export interface OpenOptions {
  db: Database;
  nowSeconds: number;
  /** zone of the (fake) host: telemetryLens.timezone; default UTC */
  timeZone?: string;
  /** zone the browser itself runs in (default the machine's) */
  browserTimeZone?: string;
  init?: Partial<InitState>;
  theme?: Record<string, string>;
  bodyClass?: string;
  /** answers messages besides ready/data/drill-down (e.g. setScope); true = handled */
  onMessage?(message: WebviewToHost, send: (m: HostToWebview) => Promise<void>): Promise<boolean>;
}

export async function openDashboard(browser: Browser, o: OpenOptions): Promise<FakeHost> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, timezoneId: o.browserTimeZone });
  const received: WebviewToHost[] = [];
  const blockedRequests: string[] = [];
  const pageErrors: string[] = [];
  const nonce = 'dGVzdC1ub25jZS0xMjM0NTY3';
  const html = dashboardHtml({ cspSource: ORIGIN, scriptUri: `${ORIGIN}/dist/webview.js`, nonce });
  const bundle = fs.readFileSync(BUNDLE, 'utf8');
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === `${ORIGIN}/` || url === `${ORIGIN}/index.html`) return route.fulfill({ contentType: 'text/html', body: html });
    if (url === `${ORIGIN}/dist/webview.js`) return route.fulfill({ contentType: 'text/javascript', body: bundle });
    blockedRequests.push(url);
    return route.abort();
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));

  const send = async (message: HostToWebview) => {
    await page.evaluate(`window.dispatchEvent(new MessageEvent('message', { data: ${JSON.stringify(message)} }))`);
  };
  const waiters: Array<() => void> = [];
  await page.exposeFunction('__tlHostReceive', async (message: WebviewToHost) => {
    received.push(message);
    waiters.splice(0).forEach((w) => w());
    if (message.type === 'ready') {
      await send({
        type: 'init',
        protocolVersion: PROTOCOL_VERSION,
        state: {
          databaseLabel: '~/.telemetry-lens/telemetry.db',
          mode: 'live',
          timeZone: o.timeZone ?? 'UTC',
          capabilities: { customRange: true, drillDown: 'full', openSource: true },
          // as the panel does: the spec tabs of the host's registry
          specTabs: specTabInfos(),
          ...o.init,
        },
      });
      return;
    }
    if (o.onMessage && (await o.onMessage(message, send))) return;
    const reply = await answerDataRequest(message, { snapshot: async () => o.db, metricsOptions: () => ({ timeZone: o.timeZone ?? 'UTC', nowSeconds: o.nowSeconds }), nowSeconds: () => o.nowSeconds });
    if (reply) await send(reply);
  });
  // The page's VS Code API, like the webview's: posts go to the (fake) extension host.
  // The page's VS Code API, like the webview's: posts go to the (fake) extension host.
  // (Browser code as text: the Node tsconfig has no DOM types.)
  await page.addInitScript({
    content: `(() => {
      // VS Code keeps webview state across reloads of the page; sessionStorage does here.
      window.acquireVsCodeApi = () => ({
        postMessage: (m) => window.__tlHostReceive(m),
        getState: () => JSON.parse(sessionStorage.getItem('vscode-state') ?? 'null') ?? undefined,
        setState: (s) => sessionStorage.setItem('vscode-state', JSON.stringify(s)),
      });
      window.__cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(e.violatedDirective + ': ' + e.blockedURI));
      const vars = ${JSON.stringify(o.theme ?? DARK_THEME_VARS)};
      document.addEventListener('DOMContentLoaded', () => {
        for (const [k, v] of Object.entries(vars)) document.documentElement.style.setProperty(k, v);
        document.body.className = ${JSON.stringify(o.bodyClass ?? 'vscode-dark')};
      });
    })();`,
  });
  await page.goto(`${ORIGIN}/`);

  const host: FakeHost = {
    page,
    received,
    blockedRequests,
    pageErrors,
    send,
    async waitFor(pred, since = 0) {
      for (;;) {
        const found = received.slice(since).find(pred);
        if (found) return found as never;
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`timed out waiting for a message; got ${received.map((m) => m.type).join(', ')}`)), 10_000);
          waiters.push(() => (clearTimeout(timer), resolve()));
        });
      }
    },
    async waitForTab(tab) {
      await page.waitForSelector(`#app[data-loaded-tab="${tab}"]:not([aria-busy])`, { timeout: 10_000 });
    },
  };
  return host;
}

export async function cspViolationsOf(page: Page): Promise<string[]> {
  return page.evaluate('window.__cspViolations') as Promise<string[]>;
}

/** How many pixels of the canvas are not fully transparent (i.e. something was drawn). */
export async function drawnPixels(page: Page, selector: string): Promise<number> {
  return page.evaluate(`(() => {
    const canvas = document.querySelector(${JSON.stringify(selector)});
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) n++;
    return n;
  })()`) as Promise<number>;
}

export function artifact(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}
