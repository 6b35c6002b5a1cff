// Runs the mocha suite of test/vscode-suite in code-server's real (Node) extension host, with
// the project loaded as the extension under development — the web workbench's equivalent of
// --extensionDevelopmentPath/--extensionTestsPath, passed in the URL's `payload`.
// Usage: node --import tsx scripts/vscode-suite/runInCodeServer.ts <workspace> <suite/index.js>
// Prints each test's result; exit 0 all passed, 1 otherwise.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { startCodeServer, writeUserSettings } from '../../test/e2e/harness/codeServer';
import { CHROMIUM } from '../../test/e2e/harness/workbench';
import { installCodeServer } from '../e2e/install-code-server.mjs';

const RESULT_FILE = '.vscode-suite-result.json';
const root = path.resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  const [workspace, suiteIndex] = process.argv.slice(2);
  const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-suite-'));
  const dirs = { bin: installCodeServer() as string, extensionsDir: path.join(temp, 'ext'), userDataDir: path.join(temp, 'ud'), logFile: path.join(temp, 'code-server.log') };
  writeUserSettings(dirs.userDataDir);
  const resultFile = path.join(workspace, RESULT_FILE);
  fs.rmSync(resultFile, { force: true });
  const server = await startCodeServer(dirs, workspace);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const authority = `127.0.0.1:${server.port}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `vscode-remote://${authority}${root}`],
      ['extensionTestsPath', `vscode-remote://${authority}${path.resolve(suiteIndex)}`],
    ]);
    const page = await browser.newPage();
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(payload)}`);
    const deadline = Date.now() + 180_000;
    while (!fs.existsSync(resultFile)) {
      if (Date.now() > deadline) {
        console.error(`[test:vscode] the suite wrote no result within 180 s in code-server; log: ${dirs.logFile}`);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const { failures, results } = JSON.parse(fs.readFileSync(resultFile, 'utf8')) as { failures: number; results: { title: string; ok: boolean; error?: string }[] };
    for (const r of results) console.log(`  ${r.ok ? '✔' : '✖'} ${r.title}${r.error ? `\n      ${r.error.split('\n').join('\n      ')}` : ''}`);
    console.log(`  ${results.filter((r) => r.ok).length} passing, ${failures} failing`);
    return failures === 0 && results.length > 0 ? 0 : 1;
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(temp, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[test:vscode] code-server run failed: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  },
);
