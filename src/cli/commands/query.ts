import { UsageError } from '../../core/db/errors';
import { formatQueryResult, QueryOutputFormat } from '../../core/db/queryFormat';
import { runReadOnlyQuery } from '../../core/db/readOnlyQuery';
import { optionString, parseArgs, requireOption } from '../args';
import type { CliCommand } from './types';

const FORMATS: QueryOutputFormat[] = ['table', 'csv', 'json'];

/** `query --db FILE "SQL"`: runs on a snapshot that is never written back (read-only by construction). */
export const queryCommand: CliCommand = {
  name: 'query',
  usage: 'query      --db FILE "SQL"                [--format table|csv|json]   read-only',
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'format'], []);
    const db = requireOption(args, 'db');
    const format = (optionString(args, 'format') ?? 'table') as QueryOutputFormat;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}`);
    if (args.positionals.length !== 1) throw new UsageError('give exactly one SQL argument (quote it)');
    const result = await runReadOnlyQuery(db, args.positionals[0]);
    io.out(formatQueryResult(result, format));
    return 0;
  },
};
