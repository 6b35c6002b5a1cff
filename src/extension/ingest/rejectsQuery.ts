import type { Database } from 'sql.js';
import type { RejectRow } from './viewModel';

export interface RejectsPage {
  rows: RejectRow[];
  /** All rejects in the database (rows may be capped). */
  total: number;
}

/**
 * Reads the quarantine (ingest_rejects, V2__ingest_bookkeeping) from a snapshot.
 * (Small adapter: the ingest engine's API has no reader for it yet.) Raw text is cut in SQL
 * so a database full of 4 KB rejects still lists fast; a database without the table (never
 * migrated) simply has no rejects.
 */
export function readRejects(db: Database, limit = 2000): RejectsPage {
  const exists = db.exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ingest_rejects'`);
  if (exists.length === 0) return { rows: [], total: 0 };
  const total = Number(db.exec('SELECT count(*) FROM ingest_rejects')[0].values[0][0]);
  const stmt = db.prepare(
    `SELECT s.path, r.line, r.reason, r.detail, substr(r.raw, 1, 1000) AS raw, r.last_seen_at, s.format
       FROM ingest_rejects r JOIN ingest_sources s ON s.id = r.source_id
      ORDER BY s.path, r.line
      LIMIT ?`,
  );
  const rows: RejectRow[] = [];
  try {
    stmt.bind([limit]);
    while (stmt.step()) {
      const [p, line, reason, detail, raw, at, format] = stmt.get();
      rows.push({
        path: String(p),
        line: Number(line),
        reason: detail ? `${reason} (${detail})` : String(reason),
        raw: String(raw ?? ''),
        at: at === null ? undefined : Number(at),
        inDocument: format === 'json-document',
      });
    }
  } finally {
    stmt.free();
  }
  return { rows, total };
}
