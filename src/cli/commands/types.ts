/** Where a CLI command writes; injectable so tests capture output without spawning. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /**
   * Optional raw stdout (no newline added) that resolves once the text is taken (pipe drained):
   * commands that stream large outputs use it to keep memory bounded.
   */
  write?(text: string): Promise<void>;
}

/** One CLI command: `run` returns the exit code (docs/architecture.md: 0 ok, 1 check failed, 2 usage, 3 could not write). */
export interface CliCommand {
  name: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

/** stdout's reader went away (`| head`): not an error, the reader took what it wanted. */
export class OutputClosedError extends Error {
  constructor() {
    super('stdout was closed by its reader');
  }
}
