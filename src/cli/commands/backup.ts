import { createBackup } from '../../core/db/backup';
import { UsageError } from '../../core/db/errors';
import { optionString, parseArgs, requireOption } from '../args';
import type { CliCommand } from './types';

/** `backup --db FILE [--out FILE] [--keep N]`: consistent copy (WAL applied). */
export const backupCommand: CliCommand = {
  name: 'backup',
  usage: 'backup     --db FILE [--out FILE] [--keep N]   consistent copy; keeps the last N (7) in <dbdir>/backups/',
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'out', 'keep'], []);
    if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    const keepText = optionString(args, 'keep');
    const keep = keepText === undefined ? undefined : Number(keepText);
    if (keep !== undefined && (!Number.isInteger(keep) || keep < 1)) throw new UsageError('--keep must be a whole number ≥ 1');
    const result = await createBackup(requireOption(args, 'db'), { out: optionString(args, 'out'), keep });
    io.out(`backed up to ${result.path} (${result.bytes} bytes)`);
    for (const r of result.removed) io.out(`removed old backup ${r}`);
    return 0;
  },
};
