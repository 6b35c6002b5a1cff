/**
 * Extension-host memory with the dashboard open on a 1M-event database (BENCH_SCALE=0.1 → 100k),
 * in a real VS Code (code-server + Chromium, the e2e harness), once per engine the extension host
 * can have: code-server 4.100.3 on this Node (no node:sqlite: the wasm engine) and 4.103.2 on
 * Node 22 (the native engine). Side by side in one run; the baseline is the same extension host
 * idle.
 *
 * Measured from /proc: the extension host's resident memory (VmRSS) idle (window up, nothing of
 * Telemetry Lens shown), with the Telemetry view's tree read, then after the dashboard drew every
 * tab (each tab's payload computed on the database), and its peak (VmHWM).
 * Target of the native engine: < 150 MB above the idle extension host.
 *
 *   npm run bench extension-host-memory        (needs /usr/bin/chromium; installs code-server once)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { answerDataRequest } from '../src/core/dashboard/dashboardRequests';
import { TAB_IDS } from '../src/protocol';
import { canvasesWithPixels } from '../test/e2e/harness/probes';
import { openWorkspace } from '../test/e2e/harness/workspace';
import { buildDatabase, NOW, TOTAL } from './metrics-fixture';

const root = path.resolve(__dirname, '..');
const cache = path.join(os.tmpdir(), 'telemetry-lens-bench');

interface Memory {
  rssMb: number;
  peakMb: number;
}

/**
 * The extension host of this run's code-server: a process started with --type=extensionHost that
 * inherited this run's marker from the environment code-server was started with.
 */
function extensionHostPid(marker: string): number | undefined {
  for (const pid of fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('extensionHost') && fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`TL_BENCH_RUN=${marker}`)) return Number(pid);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}

function memoryOf(pid: number): Memory {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function databaseFile(): Promise<string> {
  const file = path.join(cache, `ext-host-memory-${TOTAL}.db`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(cache, { recursive: true });
  const t0 = Date.now();
  const db = await buildDatabase();
  // the rollups are built by the first request, as the dashboard's first open would
  await answerDataRequest({ type: 'requestData', requestId: 0, tab: 'overview', range: { preset: 'all' } }, { snapshot: async () => db, metricsOptions: () => ({ timeZone: 'UTC', nowSeconds: NOW }), nowSeconds: () => NOW });
  fs.writeFileSync(file + '.tmp', db.export());
  db.close();
  fs.renameSync(file + '.tmp', file);
  console.log(`built ${TOTAL.toLocaleString('en-US')} events (${(fs.statSync(file).size / 2 ** 20).toFixed(0)} MB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return file;
}

async function measure(flavour: 'wasm' | 'native', vsix: string, dbFile: string): Promise<{ idle: Memory; tree: Memory; open: Memory }> {
  const { codeServerPath, installCodeServer } = await import('../scripts/e2e/install-code-server.mjs');
  const codeServer = installCodeServer(flavour);
  const savedPath = process.env.PATH;
  process.env.PATH = codeServerPath(flavour);
  process.env.TL_E2E_CODE_SERVER = codeServer;
  process.env.TL_E2E_VSIX = vsix;
  const run = fs.mkdtempSync(path.join(cache, `ehm-${flavour}-`));
  process.env.TL_BENCH_RUN = run;
  const workspace = path.join(run, 'ws');
  const artifacts = path.join(root, 'test-artifacts', 'bench', `extension-host-memory-${flavour}`);
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(artifacts, { recursive: true });
  // a copy per run: the native engine opens the file in place (and may leave a -wal beside it)
  const db = path.join(run, 'telemetry.db');
  fs.copyFileSync(dbFile, db);
  const ws = await openWorkspace({
    root: run,
    workspace,
    settings: { 'telemetryLens.databasePath': db, 'telemetryLens.autoIngest': false, 'telemetryLens.claudeCode.enabled': false },
    artifacts,
    readyCommand: 'Telemetry: Open Dashboard',
  });
  try {
    const { wb } = ws;
    // idle: the window is up and the extension host settled; nothing of Telemetry Lens shown yet
    await wb.page.waitForTimeout(8000);
    const pid = extensionHostPid(run);
    if (!pid) throw new Error('no extension host process found');
    const idle = memoryOf(pid);
    // the Telemetry view: the Metrics tree reads the database
    await wb.openActivity('Telemetry');
    await wb.page.waitForTimeout(8000);
    const tree = memoryOf(pid);
    await wb.runCommand('Telemetry: Open Dashboard');
    const frame = await wb.findWebviewFrame('canvas', 120_000, 'the dashboard never drew');
    await wb.poll(async () => ((await canvasesWithPixels(frame)) > 0 ? true : undefined), 120_000, 'the dashboard canvases stayed blank');
    for (const tab of TAB_IDS) {
      await frame.click(`vscode-tab-header[data-tab="${tab}"]`);
      await frame.waitForSelector(`#app[data-loaded-tab="${tab}"]:not([aria-busy])`, { timeout: 120_000 });
    }
    await wb.page.waitForTimeout(5000);
    const open = memoryOf(pid);
    return { idle, tree, open };
  } finally {
    await ws.close();
    process.env.PATH = savedPath;
    fs.rmSync(run, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(process.env.TL_E2E_CHROMIUM ?? '/usr/bin/chromium')) throw new Error('/usr/bin/chromium is missing (apt-get install chromium)');
  const dbFile = await databaseFile();
  const pack = spawnSync(process.execPath, [path.join(root, 'scripts/package.mjs'), '--quiet'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (pack.status !== 0) throw new Error(`npm run package failed\n${pack.stdout}`);
  const vsix = pack.stdout.trim().split('\n').pop()!;
  console.log(`database: ${TOTAL.toLocaleString('en-US')} events, ${(fs.statSync(dbFile).size / 2 ** 20).toFixed(0)} MB\n`);
  console.log('engine   idle host RSS   tree shown   dashboard, every tab   above idle   peak (VmHWM)   peak above idle');
  const rows: Record<string, { above: number; peakAbove: number }> = {};
  const mb = (n: number, w: number) => `${n.toFixed(0).padStart(w)} MB`;
  for (const flavour of ['wasm', 'native'] as const) {
    const { idle, tree, open } = await measure(flavour, vsix, dbFile);
    const above = open.rssMb - idle.rssMb;
    const peakAbove = open.peakMb - idle.rssMb;
    rows[flavour] = { above, peakAbove };
    console.log(`${flavour.padEnd(8)} ${mb(idle.rssMb, 10)} ${mb(tree.rssMb, 9)} ${mb(open.rssMb, 19)} ${mb(above, 9)} ${mb(open.peakMb, 11)} ${mb(peakAbove, 14)}`);
  }
  console.log(`\nnative above idle: ${rows.native.above.toFixed(0)} MB (peak ${rows.native.peakAbove.toFixed(0)} MB) — target < 150 MB: ${rows.native.peakAbove < 150 ? 'met' : 'NOT met'}`);
  console.log(`wasm / native, memory above idle: ${(rows.wasm.above / Math.max(1, rows.native.above)).toFixed(1)}x`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
