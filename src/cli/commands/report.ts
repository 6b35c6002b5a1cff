import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../core/db/errors';
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

function realOrSelf(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * `--out` may only name a new file or an earlier report: never the database (or its -wal,
 * -shm, -journal, .lock), any other SQLite file, or a telemetry source — overwriting one of
 * those with HTML destroys the user's data.
 */
export function checkReportOut(out: string, db: string | undefined): void {
  const target = realOrSelf(out);
  const dbReal = db === undefined ? undefined : realOrSelf(db);
  if (db !== undefined && dbReal !== undefined && ([dbReal, `${dbReal}-wal`, `${dbReal}-shm`, `${dbReal}-journal`, `${dbReal}.lock`].includes(target) || target === db)) {
    throw new UsageError(`--out ${out} names the database or one of its files; give a new .html file`);
  }
  if (isCandidateFileName(path.basename(target))) throw new UsageError(`--out ${out} is named like a telemetry source; give a new .html file`);
  let st: fs.Stats;
  try {
    st = fs.statSync(target);
  } catch {
    return; // a new file
  }
  if (st.isDirectory()) throw new UsageError(`--out ${out} is a folder; give a file name ending in .html`);
  if (!st.isFile()) throw new UsageError(`--out ${out} is not a regular file; give a new .html file`);
  const head = Buffer.alloc(64);
  const fd = fs.openSync(target, 'r');
  let n: number;
  try {
    n = fs.readSync(fd, head, 0, head.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (n === 0) return;
  const text = head.subarray(0, n).toString('latin1');
  if (text.startsWith('SQLite format 3\u0000')) throw new UsageError(`--out ${out} is an SQLite database; refusing to overwrite it — give a new .html file`);
  if (!/^\s*(<!doctype html|<html)/i.test(text)) throw new UsageError(`--out ${out} exists and is not an HTML report; refusing to overwrite it — give a new .html file`);
}

/** `report --db FILE --out FILE.html [--tz ZONE] [--no-rows]`: the dashboard as one self-contained HTML file. */
export const reportCommand: CliCommand = {
  name: 'report',
  usage: `report     --db FILE|postgresql://… --out FILE.html [--tz ZONE] [--machine NAME] [--no-rows]   static dashboard (same webview bundle), opens offline; embeds the newest ${REPORT_SAMPLE_ROWS} raw rows of every table unless --no-rows`,
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'out', 'tz', 'machine'], ['no-rows']);
    if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    const dbOption = requireOption(args, 'db');
    const out = path.resolve(requireOption(args, 'out'));
    const tz = optionString(args, 'tz');
    const rows = !args.options.has('no-rows');
    let html: string;
    if (isTeamUrl(dbOption)) {
      // the team database: every machine's rows, or one machine's with --machine
      checkReportOut(out, undefined);
      html = await generateTeamReportHtml(dbOption, fs.readFileSync(findWebviewBundle(), 'utf8'), { timeZone: tz, machine: optionString(args, 'machine') });
    } else {
      if (args.options.has('machine')) throw new UsageError('--machine applies to a team database (--db postgresql://…)');
      const db = path.resolve(dbOption);
      if (!fs.existsSync(db)) throw new UsageError(`database not found: ${db}`);
      checkReportOut(out, db);
      html = await generateReportHtml(db, fs.readFileSync(findWebviewBundle(), 'utf8'), { timeZone: tz, rows });
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
