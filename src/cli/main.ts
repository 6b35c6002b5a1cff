import { describeError } from '../core/db/errors';
import { cliCommands } from './commands';
import type { CliIO } from './commands/types';

const stdio: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
};

export function usage(): string {
  const lines = ['Usage: telemetry-lens <command> [options]', '', 'Commands:'];
  for (const c of cliCommands) lines.push(`  ${c.usage}`);
  lines.push('', 'Every command: --debug prints the stack of an unexpected error.');
  lines.push('', 'Exit codes: 0 ok, 1 check failed, 2 usage error, 3 could not write (locked / concurrent writer / read-only / disk full).');
  return lines.join('\n');
}

/**
 * Runs one CLI invocation; returns the exit code. Errors become one line naming the file and
 * what to do, with the contract's exit code by class (describeError); the stack only with --debug.
 */
export async function runCli(argv: string[], io: CliIO = stdio): Promise<number> {
  const debug = argv.includes('--debug');
  const args = argv.filter((a) => a !== '--debug');
  const [name, ...rest] = args;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = cliCommands.find((c) => c.name === name);
  if (!command) {
    io.err(`telemetry-lens: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    const report = describeError(e);
    io.err(`telemetry-lens ${name}: ${report.message}`);
    if (debug && report.stack) io.err(report.stack);
    return report.exitCode;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      const report = describeError(e);
      process.stderr.write(`telemetry-lens: ${report.message}\n`);
      process.exitCode = report.exitCode;
    },
  );
}
