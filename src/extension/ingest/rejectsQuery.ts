import type { SqlDatabase as Database } from '../../core/db/database';
import { listRejects, type RejectsPage as EngineRejectsPage } from '../../core/ingest';
import type { RejectRow } from './viewModel';

export interface RejectsPage {
  rows: RejectRow[];
  /** All rejects in the database (rows may be capped). */
  total: number;
}

/** The quarantine as the Show Rejected Lines views list it (the engine's listRejects, mapped). */
export function readRejects(db: Database, limit = REJECTS_SHOWN): RejectsPage {
  return toRejectsPage(listRejects(db, { limit }));
}

/** At most this many rejected lines are listed (the total says how many there are). */
export const REJECTS_SHOWN = 2000;

/** The engine's page (read here or in the ingest worker) as the views list it. */
export function toRejectsPage(page: EngineRejectsPage): RejectsPage {
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
