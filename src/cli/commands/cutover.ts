import { cutOverSource, rollBackCutover } from '../../core/ingest/cutover';
import { UsageError } from '../../core/db/errors';
import { optionString, parseArgs, requireOption } from '../args';
import { zoneOption } from './ingestOutput';
import type { CliCommand } from './types';

/** `cutover FILE --db DB [--rollback] [--json]`: retire a dual-written JSONL source once dual-read agrees, or undo it. */
export const cutoverCommand: CliCommand = {
  name: 'cutover',
  usage: 'cutover    --db FILE <source.jsonl> [--rollback] [--json] [--tz ZONE]   retire a JSONL source once dual-read agrees (database-native); --rollback imports it again',
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'tz'], ['rollback', 'json']);
    if (args.positionals.length !== 1) throw new UsageError('cutover: give one source file');
    const db = requireOption(args, 'db');
    const src = args.positionals[0];
    const r = args.options.has('rollback') ? await rollBackCutover(db, src) : await cutOverSource(db, src, { tz: zoneOption(optionString(args, 'tz')) });
    if (args.options.has('json')) io.out(JSON.stringify(r, null, 2));
    else if (args.options.has('rollback')) io.out(`${src}: cutover rolled back; it is imported and watched again (${r.table})`);
    else io.out(`${src}: cut over — ${r.table} is database-native (dual-read agreement ${r.dualRead?.agreementPercent ?? 100}%); the file is no longer imported, still verifiable`);
    return 0;
  },
};
