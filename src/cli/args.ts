import { UsageError } from '../core/db/errors';

/** Parsed command line: positionals plus `--flag value` / `--flag` options. */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string | true>;
}

/**
 * Minimal, strict parser: every option must be declared by the command, so a typo is a
 * usage error (exit 2) instead of being silently ignored.
 */
export function parseArgs(argv: string[], valueOptions: string[], flagOptions: string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      if (valueOptions.includes(name)) {
        const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`option --${name} needs a value`);
        options.set(name, value);
      } else if (flagOptions.includes(name)) {
        options.set(name, true);
      } else {
        throw new UsageError(`unknown option --${name}`);
      }
    } else {
      positionals.push(arg);
    }
  }
  return { positionals, options };
}

export function optionString(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function requireOption(args: ParsedArgs, name: string): string {
  const v = optionString(args, name);
  if (v === undefined) throw new UsageError(`missing required option --${name}`);
  return v;
}
