import type { SqlDatabase as Database } from '../../core/db/database';
import { listRejects } from '../../core/ingest';
import type { RejectRow } from './viewModel';

export interface RejectsPage {
  rows: RejectRow[];
  /** All rejects in the database (rows may be capped). */
  total: number;
}

/** The quarantine as the Show Rejected Lines views list it (the engine's listRejects, mapped). */
export function readRejects(db: Database, limit = 2000): RejectsPage {
  const page = listRejects(db, { limit });
  return {
    total: page.total,
    rows: page.rows.map((r) => ({
      path: r.path,
      line: r.line,
      reason: r.detail ? `${r.reason} (${r.detail})` : r.reason,
      raw: r.raw,
      at: r.lastSeenAt,
      inDocument: r.format === 'json-document',
    })),
  };
}
