import { UsageError } from '../../core/db/errors';
import { HOOK_SNIPPET_LANGUAGES, hookSnippet, hookSnippetTables, type HookSnippetLanguage } from '../../core/ingest/hookSnippet';
import { optionString, parseArgs } from '../args';
import type { CliCommand } from './types';

/** `hook-snippet TABLE --lang python|bash|node [--db FILE]`: a few lines that write one event straight into TABLE. */
export const hookSnippetCommand: CliCommand = {
  name: 'hook-snippet',
  usage: 'hook-snippet TABLE --lang python|bash|node [--db FILE]   lines that write one event straight into TABLE (WAL, busy_timeout)',
  async run(argv, io) {
    const args = parseArgs(argv, ['lang', 'db'], []);
    const table = args.positionals[0];
    const tables = hookSnippetTables();
    if (!table || args.positionals.length > 1) throw new UsageError(`hook-snippet: give one table (${tables.join(', ')})`);
    if (!tables.includes(table)) throw new UsageError(`hook-snippet: unknown table ${table} (known: ${tables.join(', ')})`);
    const lang = optionString(args, 'lang') ?? 'python';
    if (!(HOOK_SNIPPET_LANGUAGES as readonly string[]).includes(lang)) throw new UsageError(`hook-snippet: --lang must be one of ${HOOK_SNIPPET_LANGUAGES.join(', ')}`);
    io.out(hookSnippet(table, lang as HookSnippetLanguage, optionString(args, 'db')).trimEnd());
    return 0;
  },
};
