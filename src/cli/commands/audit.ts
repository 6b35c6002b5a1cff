import { auditSources } from '../../core/ingest';
import { optionString, parseArgs } from '../args';
import { EXCLUDE_FLAG_OPTIONS, EXCLUDE_USAGE, EXCLUDE_VALUE_OPTIONS, excludeOption, isoOrDash, issueLines, rejectLines, requirePaths, table, zoneOption } from './ingestOutput';
import type { CliCommand } from './types';

/** `audit <path>... [--db FILE] [--json] [--tz Z]`: what a migrate would import; writes nothing. */
export const auditCommand: CliCommand = {
  name: 'audit',
  usage: `audit      <path>... [--db FILE] [--json] [--tz ZONE] ${EXCLUDE_USAGE}   what would be imported, nothing written`,
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'tz', ...EXCLUDE_VALUE_OPTIONS], ['json', ...EXCLUDE_FLAG_OPTIONS]);
    const report = await auditSources(await requirePaths(args.positionals, excludeOption(args)), { dbPath: optionString(args, 'db'), tz: zoneOption(optionString(args, 'tz')), exclude: excludeOption(args) });
    if (args.options.has('json')) {
      io.out(JSON.stringify(report, null, 2));
      return 0;
    }
    if (!report.sources.length) io.out('no telemetry sources found');
    else {
      const rows = [['file', 'kind', 'table', 'bytes', 'lines', 'new', 'rejected', 'first event', 'last event', 'state']];
      for (const s of report.sources) {
        rows.push([s.path, s.kind, s.table, String(s.size), String(s.lines), String(s.newLines), String(s.rejected), isoOrDash(s.firstEventTs), isoOrDash(s.lastEventTs), s.liveness]);
      }
      io.out(table(rows));
      const total = report.sources.reduce((n, s) => n + s.newLines, 0);
      io.out(`\n${report.sources.length} files, ${total} new rows to import`);
      const samples = report.sources.flatMap((s) => s.sampleRejects);
      if (samples.length) io.out(['', 'sample rejects:', ...rejectLines(samples)].join('\n'));
    }
    if (report.issues.length) io.out(['', 'not read:', ...issueLines(report.issues)].join('\n'));
    if (report.excludedFiles) io.out(`\n${report.excludedFiles} other *.jsonl files skipped by the exclude patterns (session transcripts, caches…; see --exclude, --no-default-excludes)`);
    return 0;
  },
};
