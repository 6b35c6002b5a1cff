import { SKILL_TOTALS_BASIS, verifySources } from '../../core/ingest';
import { isTeamUrl } from '../../core/team/connection';
import { defaultMachineName } from '../../core/team/sync';
import { verifyAgainstTeam } from '../../core/team/read';
import { optionString, parseArgs, requireOption } from '../args';
import { EXCLUDE_FLAG_OPTIONS, EXCLUDE_USAGE, EXCLUDE_VALUE_OPTIONS, excludeOption, issueLines, requirePaths, table, zoneOption } from './ingestOutput';
import type { CliCommand } from './types';

/** `verify --db FILE <path>... [--json] [--tz Z]`: sources vs rows; exit 1 on mismatch. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  usage: `verify     --db FILE|postgresql://… [--machine NAME] <path>... [--json] [--tz ZONE] ${EXCLUDE_USAGE}   sources vs rows; exit 1 on mismatch`,
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'tz', 'machine', ...EXCLUDE_VALUE_OPTIONS], ['json', ...EXCLUDE_FLAG_OPTIONS]);
    const dbOption = requireOption(args, 'db');
    const verifyOptions = { tz: zoneOption(optionString(args, 'tz')), exclude: excludeOption(args) };
    // --db postgresql://…: these sources against this machine's rows in the team database
    const r = isTeamUrl(dbOption)
      ? await verifyAgainstTeam(dbOption, optionString(args, 'machine') ?? defaultMachineName(), await requirePaths(args.positionals, verifyOptions.exclude), verifyOptions)
      : await verifySources(dbOption, await requirePaths(args.positionals, verifyOptions.exclude), verifyOptions);
    if (args.options.has('json')) {
      io.out(JSON.stringify(r, null, 2));
      return r.ok ? 0 : 1;
    }
    if (r.sources.length) {
      const rows = [['file', 'table', 'rows', 'in database', 'missing', 'rejected', '']];
      for (const s of r.sources) rows.push([s.path, s.table, String(s.rows), String(s.matched), String(s.missing), String(s.rejected), s.ok ? 'ok' : 'MISMATCH']);
      io.out(table(rows));
    } else io.out('no telemetry sources found');
    const dual = (r.dualRead ?? []).filter((d) => d.mode !== 'jsonl-only');
    if (dual.length) {
      const rows = [['dual-read', 'table', 'mode', 'both', 'only JSONL', 'only database', 'disagreements', 'agreement', '']];
      for (const d of dual) {
        rows.push([d.stream, d.table, d.mode, String(d.both), String(d.onlyJsonl), String(d.onlyDatabase), String(d.disagreements.length), d.agreementPercent === null ? '-' : `${d.agreementPercent}%`, d.ok ? 'ok' : 'MISMATCH']);
      }
      io.out('\n' + table(rows));
      for (const d of dual) for (const x of d.disagreements.slice(0, 20)) io.out(`${x.path}:${x.line}: ${x.column}: JSONL ${JSON.stringify(x.jsonl)}, database row ${x.rowId} ${JSON.stringify(x.database)}`);
    }
    if (r.skillTotals.length) io.out(`\nskill_metrics.json totals vs the ${SKILL_TOTALS_BASIS}:`);
    for (const m of r.skillTotals) io.out(`${m.path}: skill ${m.skill} ${m.field}: document says ${m.document}, database has ${m.database ?? 'no row'}`);
    if (r.issues.length) io.out(['', 'not read:', ...issueLines(r.issues)].join('\n'));
    io.out(!r.ok ? '\nverify: MISMATCH (see above)' : r.sources.length ? '\nverify: every source is in the database' : '\nverify: nothing to compare (no telemetry files under the given paths)');
    return r.ok ? 0 : 1;
  },
};
