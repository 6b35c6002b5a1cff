import { ENGINE_CHOICES, isEngineChoice, resolveEngine, setDefaultEngine, type EngineInfo } from '../core/db/database';
import { describeError, UsageError } from '../core/db/errors';
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
  lines.push('', `Every command: --engine ${ENGINE_CHOICES.join('|')}  storage engine (default auto: native node:sqlite where this Node has it, else wasm; env TL_ENGINE)`);
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
    const { argv: commandArgs, engine } = takeEngineOption(rest);
    const json = commandArgs.includes('--json');
    return await command.run(commandArgs, json ? withEngineInJson(io, engine) : io);
  } catch (e) {
    const report = describeError(e);
    io.err(`telemetry-lens ${name}: ${report.message}`);
    if (debug && report.stack) io.err(report.stack);
    return report.exitCode;
  }
}

/**
 * `--engine auto|native|wasm` is taken here for every command: it sets the process's default
 * engine (engine.ts), so each command's opens and writes use it. Returns the rest of the args
 * and the engine that will run (a native engine this Node cannot load is a usage error).
 */
function takeEngineOption(argv: string[]): { argv: string[]; engine: EngineInfo } {
  const rest: string[] = [];
  let choice: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (a === '--engine') {
      choice = argv[++i];
      if (choice === undefined) throw new UsageError('option --engine needs a value');
    } else if (a.startsWith('--engine=')) choice = a.slice('--engine='.length);
    else rest.push(a);
  }
  if (choice !== undefined && !isEngineChoice(choice)) throw new UsageError(`--engine must be one of ${ENGINE_CHOICES.join(', ')}, not '${choice}'`);
  setDefaultEngine(choice);
  return { argv: rest, engine: resolveEngine() };
}

/** Every `--json` object output names the engine that ran and why (docs/architecture.md CLI contract). */
function withEngineInJson(io: CliIO, engine: EngineInfo): CliIO {
  return {
    err: io.err,
    out: (text) => {
      const t = text.trimStart();
      if (t.startsWith('{')) {
        try {
          const value = JSON.parse(text) as Record<string, unknown>;
          io.out(JSON.stringify({ ...value, engine: { name: engine.name, reason: engine.reason } }, null, 2));
          return;
        } catch {
          // not one JSON document: printed as it is
        }
      }
      io.out(text);
    },
  };
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
      const report = describeError(e);
      process.stderr.write(`telemetry-lens: ${report.message}\n`);
      process.exitCode = report.exitCode;
    },
  );
}
