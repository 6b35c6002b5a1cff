import * as path from 'path';
import { UsageError } from '../../core/db/errors';
import { baselineFile, migrateFileDown, migrateFileUp, readStatus, repairFile, type StatusReport } from '../../core/schema/fileOperations';
import type { BaselineReport } from '../../core/schema/baseline';
import { MigrationValidationError } from '../../core/schema/errors';
import { DEFAULT_MIGRATIONS_FOLDER } from '../../core/schema/migrationsFolder';
import { statusTable } from '../../core/schema/statusTable';
import { optionString, parseArgs, requireOption } from '../args';
import type { CliCommand, CliIO } from './types';

const SUBCOMMANDS = ['status', 'up', 'down', 'baseline', 'validate', 'repair'];

/** Same default as the extension's telemetryLens.migrationsFolder, relative to where it runs. */
const DEFAULT_DIR = DEFAULT_MIGRATIONS_FOLDER;

export const migrationsCommand: CliCommand = {
  name: 'migrations',
  usage: 'migrations status|up|down|baseline|validate|repair --db FILE [--dir DIR] [--to N] [--tz ZONE] [--force] [--json]',
  async run(argv: string[], io: CliIO): Promise<number> {
    const args = parseArgs(argv, ['db', 'dir', 'to', 'tz'], ['json', 'force']);
    const [sub, ...extra] = args.positionals;
    if (!sub || !SUBCOMMANDS.includes(sub)) throw new UsageError(`expected one of ${SUBCOMMANDS.join('|')}${sub ? `, got '${sub}'` : ''}`);
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    const db = path.resolve(requireOption(args, 'db'));
    const userDir = path.resolve(optionString(args, 'dir') ?? DEFAULT_DIR);
    const json = args.options.has('json');
    const toRaw = optionString(args, 'to');
    if (toRaw !== undefined && sub !== 'up') throw new UsageError('--to only applies to "up"');
    const force = args.options.has('force');
    if (force && sub !== 'down') throw new UsageError('--force only applies to "down" (to drop tables that hold rows)');
    const to = toRaw === undefined ? undefined : Number(toRaw);
    if (to !== undefined && (!Number.isInteger(to) || to < 0)) throw new UsageError(`--to needs a migration version number, got '${toRaw}'`);
    const tz = optionString(args, 'tz');
    const write = { tool: 'telemetry-lens cli' };
    const print = (value: unknown, text: string) => io.out(json ? JSON.stringify(value, null, 2) : text);

    switch (sub) {
      case 'status': {
        const report = await readStatus(db, { userDir });
        print(report, renderStatus(report));
        return 0;
      }
      case 'validate': {
        const report = await readStatus(db, { userDir });
        if (json) io.out(JSON.stringify({ database: db, valid: report.problems.length === 0, problems: report.problems }, null, 2));
        if (report.problems.length) throw new MigrationValidationError(report.problems);
        if (!json) io.out(`migrations validate: ok (${report.rows.filter((r) => r.state === 'applied').length} applied, ${report.rows.filter((r) => r.state === 'pending').length} pending)`);
        return 0;
      }
      case 'up': {
        const r = await migrateFileUp(db, { userDir, to, tz, write });
        const lines = [];
        if (r.baseline) lines.push(...renderBaseline(r.baseline));
        lines.push(r.applied.length ? `applied ${r.applied.join(', ')}` : 'schema is up to date', `current version: ${r.current}`);
        print({ database: db, ...r }, lines.join('\n'));
        return 0;
      }
      case 'down': {
        const r = await migrateFileDown(db, { userDir, force, write });
        print({ database: db, ...r }, `rolled back ${r.rolledBack}; current version: ${r.current}`);
        return 0;
      }
      case 'baseline': {
        const r = await baselineFile(db, { userDir, tz, write });
        print({ database: db, ...r }, renderBaseline(r).join('\n'));
        return 0;
      }
      case 'repair': {
        const actions = await repairFile(db, { userDir, write });
        print({ database: db, actions }, actions.length ? actions.join('\n') : 'nothing to repair');
        return 0;
      }
    }
    return 2;
  },
};

function renderBaseline(r: BaselineReport): string[] {
  const lines = [`baseline: adopted ${r.adopted.length} table(s) with ${r.migration}`];
  for (const a of r.adopted) {
    lines.push(`  ${a.table}: ${a.rows} rows kept${a.extraColumns.length ? `; columns ${a.extraColumns.join(', ')} kept in extra` : ''}`);
    if (a.normalisedTimestamps) lines.push(`    ${a.normalisedTimestamps} timestamps converted to epoch seconds (stored form kept in extra)`);
    if (a.normalisedBooleans) lines.push(`    ${a.normalisedBooleans} booleans stored as text converted to 1/0 (stored form kept in extra)`);
    if (a.unreadableTimestamps) lines.push(`    ${a.unreadableTimestamps} timestamps could not be read and were left as stored`);
  }
  for (const k of r.keptAs) lines.push(`  ${k.from} (${k.rows} rows) kept as ${k.to}`);
  for (const d of r.dropped) lines.push(`  replaced ${d}`);
  return lines;
}

function renderStatus(report: StatusReport): string {
  const { header, cells } = statusTable(report.rows);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i])).join('  ').trimEnd();
  const out = [
    `database: ${report.database}${report.exists ? '' : ' (does not exist yet)'}`,
    `migrations folder: ${report.folder ?? '(none)'}`,
    `current version: ${report.current}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ];
  if (report.baselineNeeded.length) out.push('', `not managed yet: "up" will first adopt ${report.baselineNeeded.join(', ')} (baseline)`);
  for (const p of report.problems) out.push(`problem: ${p}`);
  for (const w of report.warnings) out.push(`warning: ${w}`);
  return out.join('\n');
}
