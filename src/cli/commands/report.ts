import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../core/db/errors';
import { loadPrices } from '../../core/claudeCode/prices';
import { checkOutputTarget } from '../../core/db/outputTarget';
import { generateReportHtml, REPORT_SAMPLE_ROWS } from '../../core/dashboard/index';
import { isCandidateFileName } from '../../core/formats/catalogue';
import { isTeamUrl } from '../../core/team/connection';
import { generateTeamReportHtml } from '../../core/team/read';
import { optionString, parseArgs, requireOption } from '../args';
import type { CliCommand } from './types';

/**
 * The dashboard bundle ships beside the CLI (dist/webview.js next to dist/cli.js); under tsx
 * (tests) this file runs from src/cli/commands, so the repo's dist/ is the fallback.
 */
export function findWebviewBundle(): string {
  const candidates = [path.join(__dirname, 'webview.js'), path.resolve(__dirname, '..', '..', '..', 'dist', 'webview.js')];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new UsageError(`the dashboard bundle webview.js was not found beside the CLI (looked in ${candidates.join(', ')}); run npm run build`);
  return found;
}

/**
 * `--out` may only name a new file or an earlier report: never the database (or its -wal,
 * -shm, -journal, .lock, by any name), any other SQLite file, or a telemetry source —
 * overwriting one of those with HTML destroys the user's data (checkOutputTarget).
 */
export function checkReportOut(out: string, db: string | undefined): void {
  checkOutputTarget(out, { db, kind: 'html', label: `--out ${out}`, refuseName: (name) => (isCandidateFileName(name) ? 'is named like a telemetry source' : null) });
}

/** `report --db FILE --out FILE.html [--tz ZONE] [--no-rows] [--prices FILE]`: the dashboard as one self-contained HTML file. */
export const reportCommand: CliCommand = {
  name: 'report',
  usage: `report     --db FILE|postgresql://… --out FILE.html [--tz ZONE] [--machine NAME] [--no-rows] [--prices FILE]   static dashboard (same webview bundle), opens offline; embeds the newest ${REPORT_SAMPLE_ROWS} raw rows of every table unless --no-rows`,
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'out', 'tz', 'machine', 'prices'], ['no-rows']);
    if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    const dbOption = requireOption(args, 'db');
    const out = path.resolve(requireOption(args, 'out'));
    const tz = optionString(args, 'tz');
    const rows = !args.options.has('no-rows');
    // the Usage tab's prices: the override file given (same format as the default one), else
    // the default override file when present, else the bundled table
    let prices;
    try {
      prices = loadPrices(optionString(args, 'prices'));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    let html: string;
    if (isTeamUrl(dbOption)) {
      // the team database: every machine's rows, or one machine's with --machine
      checkReportOut(out, undefined);
      html = await generateTeamReportHtml(dbOption, fs.readFileSync(findWebviewBundle(), 'utf8'), { timeZone: tz, machine: optionString(args, 'machine'), prices });
    } else {
      if (args.options.has('machine')) throw new UsageError('--machine applies to a team database (--db postgresql://…)');
      const db = path.resolve(dbOption);
      if (!fs.existsSync(db)) throw new UsageError(`database not found: ${db}`);
      checkReportOut(out, db);
      html = await generateReportHtml(db, fs.readFileSync(findWebviewBundle(), 'utf8'), { timeZone: tz, rows, prices });
    }
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, html);
    fs.renameSync(tmp, out);
    io.out(`wrote ${out} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB); open it in any browser, no network needed`);
    if (rows) io.out(`note: it embeds the newest ${REPORT_SAMPLE_ROWS} raw rows of every table (commands, file paths, prompts…) for drill-down; share it with care, or make one without rows: --no-rows`);
    else io.out('it holds metrics only: no raw rows');
    return 0;
  },
};
