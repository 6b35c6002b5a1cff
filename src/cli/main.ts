import { TelemetryError } from '../core/db/errors';
import { cliCommands } from './commands';
import { OutputClosedError, type CliIO } from './commands/types';

const stdio: CliIO = {
  out: (t) => process.stdout.write(t.endsWith('\n') ? t : t + '\n'),
  err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n'),
  write: (t) =>
    new Promise<void>((resolve, reject) => {
      const taken = process.stdout.write(t, (e) => {
        if (e) reject((e as NodeJS.ErrnoException).code === 'EPIPE' ? new OutputClosedError() : e);
      });
      if (taken) resolve();
      else process.stdout.once('drain', resolve);
    }),
};

export function usage(): string {
  const lines = ['Usage: telemetry-lens <command> [options]', '', 'Commands:'];
  for (const c of cliCommands) lines.push(`  ${c.usage}`);
  lines.push('', 'Exit codes: 0 ok, 1 check failed, 2 usage error, 3 could not write (locked / concurrent writer).');
  return lines.join('\n');
}

/** Runs one CLI invocation; returns the exit code. Errors become messages, never stack traces. */
export async function runCli(argv: string[], io: CliIO = stdio): Promise<number> {
  const [name, ...rest] = argv;
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
    if (e instanceof TelemetryError) {
      io.err(`telemetry-lens ${name}: ${e.message}`);
      return e.exitCode;
    }
    io.err(`telemetry-lens ${name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
}

if (require.main === module) {
  // a reader that goes away (`| head`) surfaces as a rejected write(), not as an unhandled 'error'
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(String(e) + '\n');
      process.exitCode = 1;
    },
  );
}
