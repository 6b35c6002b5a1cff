import { migrateSources } from '../../core/ingest';
import { loadPrices, standardConfigDirs, unpricedWarnings } from '../../core/claudeCode';
import { UsageError } from '../../core/db/errors';
import { optionString, parseArgs, requireOption } from '../args';
import { EXCLUDE_FLAG_OPTIONS, EXCLUDE_USAGE, EXCLUDE_VALUE_OPTIONS, excludeOption, issueLines, rejectLines, requirePaths, table, zoneOption } from './ingestOutput';
import type { CliCommand } from './types';

/** `migrate --db FILE <path>... [--json] [--tz Z] [--dir DIR]`: migrations + backfill + reconciliation. */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  usage: `migrate    --db FILE <path>... [--json] [--tz ZONE] [--dir MIGRATIONS_DIR] [--rescan] ${EXCLUDE_USAGE} [--claude-code | --no-claude-code] [--prices FILE]   migrations + backfill + reconciliation (Claude Code transcripts under the paths too; --claude-code adds its standard folders)`,
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'tz', 'dir', 'prices', ...EXCLUDE_VALUE_OPTIONS], ['json', 'rescan', 'claude-code', 'no-claude-code', ...EXCLUDE_FLAG_OPTIONS]);
    const dbPath = requireOption(args, 'db');
    if (args.options.has('claude-code') && args.options.has('no-claude-code')) throw new UsageError('give --claude-code or --no-claude-code, not both');
    // --claude-code: the standard transcript folders (CLAUDE_CONFIG_DIR, ~/.config/claude, ~/.claude), so no path is needed
    const standard = args.options.has('claude-code') ? standardConfigDirs() : [];
    const paths = standard.length && !args.positionals.length ? [] : await requirePaths(args.positionals, excludeOption(args));
    let claudeCode: false | { extraPaths: string[]; prices: ReturnType<typeof loadPrices> } = false;
    if (!args.options.has('no-claude-code')) {
      try {
        claudeCode = { extraPaths: standard, prices: loadPrices(optionString(args, 'prices')) };
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    }
    const controller = new AbortController();
    const onSignal = () => controller.abort();
    process.once('SIGINT', onSignal);
    try {
      const r = await migrateSources(dbPath, paths, { tz: zoneOption(optionString(args, 'tz')), userMigrationsDir: optionString(args, 'dir'), signal: controller.signal, rescan: args.options.has('rescan'), exclude: excludeOption(args), claudeCode });
      // a file that could not be imported as a whole (its stream rolled back, the others kept): exit 1
      const failed = r.issues.filter((i) => i.problem === 'not-imported').length;
      if (args.options.has('json')) {
        const { issues, rejects, ...contract } = r;
        io.out(JSON.stringify({ ...contract, issues, rejects }, null, 2));
        return failed ? 1 : 0;
      }
      const applied = r.migrations.applied.length ? r.migrations.applied.join(', ') : 'none pending';
      io.out(`database ${r.database} (schema version ${r.migrations.current}; applied: ${applied})`);
      if (r.sources.length) {
        const rows = [['file', 'table', 'lines', 'inserted', 'present', 'rejected', 'blank', 'pending']];
        for (const s of r.sources) rows.push([s.path, s.table, ...[s.lines, s.inserted, s.present, s.rejected, s.blank, s.pending].map(String)]);
        io.out(table(rows));
      } else io.out('no telemetry sources found');
      const sum = (k: 'inserted' | 'present' | 'rejected') => r.sources.reduce((n, s) => n + s[k], 0);
      io.out(`\ninserted ${sum('inserted')}, already present ${sum('present')}, rejected ${sum('rejected')} in ${r.durationMs} ms; every file reconciled`);
      for (const p of r.promoted ?? []) {
        io.out(`promoted ${p.stream}: inferred table ${p.fromTable} → known source ${p.kind} (${p.toTable}); ${p.fromLines + p.fromStored} rows re-mapped (${p.fromStored} from their stored record: their lines are gone)`);
      }
      if (r.claudeCode) {
        const c = r.claudeCode;
        io.out(
          `\nClaude Code: ${c.files} transcripts (${c.filesRead} read, ${c.bytesRead.toLocaleString('en-US')} bytes, ${c.lines.toLocaleString('en-US')} lines); ` +
            `${c.tables.claude_code_responses} responses, ${c.tables.claude_code_tool_calls} tool calls, ${c.tables.claude_code_prompts} prompts, ${c.tables.claude_code_sessions} sessions in the database` +
            (c.pending ? `; ${c.pending} half-written line(s) left for their writer` : ''),
        );
        for (const j of c.rejects) io.out(`  ${j.path}:${j.line}: ${j.message}`);
        for (const w of unpricedWarnings(c.unpricedModels)) io.err(`warning: ${w}`);
      }
      if (r.rejects.length) io.out(['', 'rejects (kept in ingest_rejects):', ...rejectLines(r.rejects)].join('\n'));
      if (r.issues.length) io.out(['', failed ? 'not read or not imported:' : 'not read:', ...issueLines(r.issues)].join('\n'));
      if (failed) {
        io.err(`telemetry-lens migrate: ${failed} file(s) could not be imported (listed above under not-imported); every other file was`);
        return 1;
      }
      return 0;
    } finally {
      process.removeListener('SIGINT', onSignal);
    }
  },
};
