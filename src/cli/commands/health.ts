import { checkDatabaseHealth, formatHealthMarkdown } from '../../core/db/health';
import { UsageError } from '../../core/db/errors';
import { isTeamUrl } from '../../core/team/connection';
import { formatTeamHealthMarkdown, teamHealth } from '../../core/team/read';
import { parseArgs, requireOption } from '../args';
import type { CliCommand } from './types';

/** `health --db FILE`: exit 1 when integrity_check fails. */
export const healthCommand: CliCommand = {
  name: 'health',
  usage: 'health     --db FILE|postgresql://…       [--json]   size, schema version, integrity, tables',
  async run(argv, io) {
    const args = parseArgs(argv, ['db'], ['json']);
    if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
    const dbPath = requireOption(args, 'db');
    if (isTeamUrl(dbPath)) {
      const team = await teamHealth(dbPath);
      io.out(args.options.has('json') ? JSON.stringify(team, null, 2) : formatTeamHealthMarkdown(team));
      return team.ok ? 0 : 1;
    }
    const health = await checkDatabaseHealth(dbPath);
    if (!health.exists) throw new UsageError(`no database at ${dbPath}`);
    io.out(args.options.has('json') ? JSON.stringify(health, null, 2) : formatHealthMarkdown(health));
    return health.integrityOk ? 0 : 1;
  },
};
