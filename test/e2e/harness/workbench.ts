/**
 * Drives the VS Code workbench in Debian's Chromium through playwright-core, the way a person
 * does: the command palette, quick picks, notifications, the activity bar, tree rows, webviews.
 * Every wait has a timeout whose message says what the user would have seen missing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Frame, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.TL_E2E_CHROMIUM ?? '/usr/bin/chromium';

export class Workbench {
  private shotIndex = 0;

  private constructor(
    readonly browser: Browser,
    readonly page: Page,
    readonly artifactsDir: string,
  ) {}

  static async open(url: string, workspace: string, artifactsDir: string): Promise<Workbench> {
    fs.mkdirSync(artifactsDir, { recursive: true });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const wb = new Workbench(browser, page, artifactsDir);
    const consoleLog = fs.createWriteStream(path.join(artifactsDir, 'browser-console.log'));
    page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
    page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.message}\n`));
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`);
    await wb.waitFor(page.locator('.monaco-workbench'), 60_000, 'the VS Code workbench (.monaco-workbench) did not load');
    await wb.waitFor(page.locator('.activitybar'), 30_000, 'the activity bar did not appear');
    return wb;
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
  }

  async waitFor(locator: Locator, timeoutMs: number, what: string): Promise<Locator> {
    try {
      await locator.first().waitFor({ state: 'visible', timeout: timeoutMs });
      return locator.first();
    } catch {
      await this.screenshot('timeout');
      throw new Error(`${what} (waited ${timeoutMs / 1000} s)`);
    }
  }

  /** Polls `probe` until it returns a value that is not undefined. */
  async poll<T>(probe: () => Promise<T | undefined>, timeoutMs: number, what: string, intervalMs = 250): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      await this.failOnCommandError(what);
      try {
        const v = await probe();
        if (v !== undefined) return v;
      } catch (e) {
        lastError = e;
      }
      await this.page.waitForTimeout(intervalMs);
    }
    await this.screenshot('timeout');
    throw new Error(`${what} (waited ${timeoutMs / 1000} s)${lastError ? `; last error: ${String(lastError)}` : ''}`);
  }

  /**
   * A command that threw shows a modal "Command '…' resulted in an error" dialog, and the
   * extension reports its own failures as error toasts starting "Telemetry": stop waiting then.
   */
  async failOnCommandError(what: string): Promise<void> {
    const dialog = this.page.locator('.monaco-dialog-box');
    if (await dialog.isVisible().catch(() => false)) {
      const text = (await dialog.innerText()).replace(/\s+/g, ' ').trim();
      if (/resulted in an error|not found/i.test(text)) {
        await this.screenshot('command-error');
        await this.page.keyboard.press('Escape');
        throw new Error(`${what}: VS Code showed "${text}"`);
      }
    }
    for (const toast of await this.page.locator('.notifications-toasts .notification-toast').all()) {
      if ((await toast.locator('.codicon-error').count()) === 0) continue;
      const text = (await toast.innerText().catch(() => '')).replace(/\s+/g, ' ').trim();
      if (/telemetry/i.test(text)) {
        await this.screenshot('error-notification');
        throw new Error(`${what}: error notification "${text}"`);
      }
    }
  }

  async screenshot(name: string): Promise<string> {
    await this.page.waitForTimeout(400); // let toasts and views finish their entry animation
    const file = path.join(this.artifactsDir, `${String(++this.shotIndex).padStart(2, '0')}-${name.replace(/[^a-z0-9-]+/gi, '-')}.png`);
    await this.page.screenshot({ path: file }).catch(() => undefined);
    return file;
  }

  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  /** Visible rows of the open quick input. */
  quickInputRows(): Locator {
    return this.quickInput.locator('.quick-input-list .monaco-list-row');
  }

  async quickInputTitle(): Promise<string> {
    return ((await this.quickInput.locator('.quick-input-title').textContent()) ?? '').trim();
  }

  /** F1, type the command's title, pick the row that shows exactly that title. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } }).catch(() => undefined);
    await this.page.keyboard.press('F1');
    const input = await this.waitFor(this.quickInput.locator('input'), 10_000, 'the command palette did not open on F1');
    await input.fill(`>${title}`);
    const rows = this.quickInputRows().filter({ hasText: title });
    await this.waitFor(rows, 60_000, `the command palette has no entry "${title}" (is the extension installed and its command contributed?)`);
    // click the row that is exactly this command: fuzzy ranking may put a longer title first
    for (const row of await rows.all()) {
      const label = ((await row.getAttribute('aria-label')) ?? '').trim();
      if (label === title || label.startsWith(`${title},`)) {
        await row.click();
        return;
      }
    }
    throw new Error(`the command palette shows no entry titled exactly "${title}"`);
  }

  /** Waits until a quick input other than the command palette shows, titled or placeholdered with `match`. */
  async waitForQuickPick(match: RegExp, timeoutMs: number, what: string): Promise<string> {
    return this.poll(
      async () => {
        if (!(await this.quickInput.isVisible())) return undefined;
        const title = await this.quickInputTitle();
        const placeholder = (await this.quickInput.locator('input').getAttribute('placeholder')) ?? '';
        const text = `${title} ${placeholder}`;
        return match.test(text) ? text.trim() : undefined;
      },
      timeoutMs,
      what,
    );
  }

  /** Texts of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    // one read of every toast in the page: counting and then reading them one by one waited out
    // playwright's 30 s on a toast that faded in between, while the toast looked for hid too
    return this.page.$$eval('.notifications-toasts .notification-toast', (toasts) => toasts.map((t) => ((t as unknown as { innerText?: string }).innerText ?? '').replace(/\s+/g, ' ').trim()));
  }

  async waitForNotification(match: RegExp, timeoutMs: number, what: string): Promise<string> {
    return this.poll(async () => (await this.notifications()).find((t) => match.test(t)), timeoutMs, what);
  }

  async clearNotifications(): Promise<void> {
    // A toast shows its clear button on hover only; a toast fading out keeps a hidden one.
    // Clicking a hidden button would wait out playwright's 30 s actionability timeout.
    for (const toast of await this.page.locator('.notifications-toasts .notification-toast').all()) {
      if (!(await toast.isVisible().catch(() => false))) continue;
      await toast.hover({ timeout: 2000 }).catch(() => undefined);
      await toast.locator('.codicon-notifications-clear').first().click({ timeout: 2000 }).catch(() => undefined);
    }
  }

  /** Opens a view container from the activity bar by its title ("Telemetry"). */
  async openActivity(title: string): Promise<void> {
    const item = this.page.locator(`.activitybar .action-item a[aria-label^="${title}"], .activitybar .action-item[aria-label^="${title}"]`);
    await this.waitFor(item, 20_000, `the activity bar has no "${title}" item`);
    const selected = await item.first().evaluate((el) => (el.closest('.action-item') ?? el).classList.contains('checked'));
    if (!selected) await item.first().click();
  }

  /** aria-labels (else texts) of the rows of the tree view inside the side bar pane titled `viewTitle`. */
  async treeRows(viewTitle: string): Promise<string[]> {
    const pane = this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator('.pane-header', { hasText: viewTitle }) });
    const rows = pane.locator('.monaco-list-row');
    const out: string[] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      out.push(((await row.getAttribute('aria-label')) || (await row.innerText())).replace(/\s+/g, ' ').trim());
    }
    return out;
  }

  /** Expands the tree row whose text matches, if it is collapsed. */
  async expandTreeRow(viewTitle: string, match: RegExp): Promise<void> {
    const pane = this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator('.pane-header', { hasText: viewTitle }) });
    const row = pane.locator('.monaco-list-row').filter({ hasText: match }).first();
    await this.waitFor(row, 20_000, `the ${viewTitle} tree has no row matching ${match}`);
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.click();
  }

  /** The webview frame (nested iframe) holding `selector`, searched across page.frames(). */
  async findWebviewFrame(selector: string, timeoutMs: number, what: string): Promise<Frame> {
    return this.poll(
      async () => {
        for (const f of this.page.frames()) {
          if (f === this.page.mainFrame()) continue;
          if ((await f.locator(selector).count().catch(() => 0)) > 0) return f;
        }
        return undefined;
      },
      timeoutMs,
      what,
      500,
    );
  }
}
