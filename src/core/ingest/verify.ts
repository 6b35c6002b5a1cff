import type { VerifyOptions, VerifyResult } from './types';

/** Compares every source with the database (and skill_metrics.json totals with skill_metrics). */
export async function verifySources(dbPath: string, paths: string[], opts: VerifyOptions = {}): Promise<VerifyResult> {
  void dbPath;
  void paths;
  void opts;
  throw new Error('verifySources: not implemented yet');
}
