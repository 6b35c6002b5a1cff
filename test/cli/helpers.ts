import { runCli } from '../../src/cli/main';

/** Runs the CLI in this process and captures what it prints (each printed line ends with \n). */
export async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => void (out += t + '\n'), err: (t) => void (err += t + '\n') });
  return { code, out, err };
}
