import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../core/db/errors';
import { generateReportHtml } from '../../core/report';
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

/** `report --db FILE --out FILE.html [--tz ZONE]`: the dashboard as one self-contained HTML file. */
export const reportCommand: CliCommand = {
  name: 'report',
  usage: 'report     --db FILE|postgresql://… --out FILE.html [--tz ZONE] [--machine NAME]   static dashboard (same webview bundle), opens offline',
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'out', 'tz', 'machine'], []);
    if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    const dbOption = requireOption(args, 'db');
    const out = path.resolve(requireOption(args, 'out'));
    const tz = optionString(args, 'tz');
    let html: string;
    if (isTeamUrl(dbOption)) {
      // the team database: every machine's rows, or one machine's with --machine
      html = await generateTeamReportHtml(dbOption, fs.readFileSync(findWebviewBundle(), 'utf8'), { timeZone: tz, machine: optionString(args, 'machine') });
    } else {
      if (args.options.has('machine')) throw new UsageError('--machine applies to a team database (--db postgresql://…)');
      const db = path.resolve(dbOption);
      if (!fs.existsSync(db)) throw new UsageError(`database not found: ${db}`);
      html = await generateReportHtml(db, fs.readFileSync(findWebviewBundle(), 'utf8'), { timeZone: tz });
    }
    fs.mkdirSync(path.dirname(out), { recursive: true });
    const tmp = `${out}.tmp-${process.pid}`;
    fs.writeFileSync(tmp, html);
    fs.renameSync(tmp, out);
    io.out(`wrote ${out} (${(Buffer.byteLength(html) / 1024).toFixed(0)} KiB); open it in any browser, no network needed`);
    return 0;
  },
};
