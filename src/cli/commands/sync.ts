import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '../../core/db/errors';
import { isTeamUrl, redactUrl } from '../../core/team/connection';
import { syncToTeam } from '../../core/team/sync';
import { optionString, parseArgs, requireOption } from '../args';
import { table } from './ingestOutput';
import type { CliCommand } from './types';

/**
 * `sync --db FILE --to postgresql://… [--machine NAME] [--json]`: this machine's rows into the team
 * database, then per table and day local vs team counts; exit 1 on a mismatch, 3 when the team
 * database cannot be reached or written. The password (URL or PGPASSWORD) is never printed.
 */
export const syncCommand: CliCommand = {
  name: 'sync',
  usage: 'sync       --db FILE --to postgresql://… [--machine NAME] [--json] [--batch-rows N] [--quick-validation]   push to the team database',
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'to', 'machine', 'batch-rows'], ['json', 'full-validation', 'quick-validation']);
    if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    const db = path.resolve(requireOption(args, 'db'));
    const to = requireOption(args, 'to');
    if (!isTeamUrl(to)) throw new UsageError(`--to must be a postgresql:// URL, got ${redactUrl(to)}`);
    if (!fs.existsSync(db)) throw new UsageError(`database not found: ${db}`);
    const batch = optionString(args, 'batch-rows');
    const batchRows = batch === undefined ? undefined : Number(batch);
    if (batchRows !== undefined && !(Number.isInteger(batchRows) && batchRows > 0)) throw new UsageError('--batch-rows must be a positive integer');
    const r = await syncToTeam(db, to, { machine: optionString(args, 'machine'), batchRows, fullValidation: args.options.has('full-validation'), quickValidation: args.options.has('quick-validation') });
    const ok = r.validation?.ok ?? true;
    if (args.options.has('json')) {
      io.out(JSON.stringify(r, null, 2));
      return ok ? 0 : 1;
    }
    io.out(`synced ${db} as machine "${r.machine}" into ${r.team}${r.migrations.applied.length ? ` (team schema: applied ${r.migrations.applied.join(', ')})` : ''}`);
    const rows = [['table', 'sent', 'new in team', 'watermark', 'local rows', 'team rows (this machine)']];
    for (const t of r.tables) {
      const v = r.validation?.tables.find((x) => x.table === t.table);
      rows.push([t.table, String(t.sent), String(t.inserted), t.kind === 'event' ? String(t.watermark) : '(mirror)', v ? String(v.local) : '', v ? String(v.team) : '']);
    }
    io.out(table(rows));
    const kept = r.tables.reduce((n, t) => n + t.keptInExtra, 0);
    if (kept) io.out(`${kept} value(s) did not fit their team column type and were kept in extra as <column>_as_stored`);
    if (r.validation && !r.validation.ok) {
      io.out('\nvalidation: MISMATCH (local vs team rows of this machine, per table and UTC day):');
      for (const m of r.validation.mismatches.slice(0, 50)) io.out(`  ${m.table} ${m.day ?? '(no time)'}: local ${m.local}, team ${m.team}`);
      if (r.validation.mismatches.length > 50) io.out(`  … and ${r.validation.mismatches.length - 50} more`);
      return 1;
    }
    io.out(`\nvalidation: ok — every table and day has the same count locally and in the team database (${(r.durationMs / 1000).toFixed(1)} s)`);
    return 0;
  },
};
