import type { AuditOptions, AuditReport } from './types';

/** What a migrate would do, per file; writes nothing (reads `dbPath` as a snapshot when given). */
export async function auditSources(paths: string[], opts: AuditOptions = {}): Promise<AuditReport> {
  void paths;
  void opts;
  throw new Error('auditSources: not implemented yet');
}
