import type { SqlDatabase as Database } from '../../db/database';
import type { BuiltinMigration } from '../types';
import { V1_EVENT_TABLES } from './V1__telemetry_core';

/*
 * Ordered row identity (issue 11; docs/architecture.md "Ingest model"). Frozen once released.
 *
 * V1's identity index ux_<table>_identity (stream_id, row_hash, row_seq) is keyed by a random
 * 53-bit content hash: every insert lands on a random leaf, so a backfill rewrites most of the
 * index's leaves at every chunk commit and 1,000 new rows dirty ~1,000 leaf pages. The identity
 * itself is unchanged (stream, content hash, occurrence number); the index gains the event's
 * time as its second key, (stream_id, <time>, row_hash, row_seq). The time is part of the
 * hashed content, so the same content always has the same time and the index identifies
 * exactly what V1's did, while rows arrive in (nearly) key order: a log is written in time order.
 * Lookups name the time too (src/core/ingest/identityIndex.ts reads the shape, so a database at
 * V5, or an inferred table, keeps working with the old one).
 *
 * ix_<table>_untagged: a partial index of the rows another program wrote that have no identity
 * yet (row_hash IS NULL): Telemetry Lens tags them lazily on its next write and used to find
 * them by scanning the whole table on every run. Holds only untagged rows (empty after a write).
 * Neither index can make another program's insert fail: a hook's row has row_hash NULL, which
 * a UNIQUE index never compares equal.
 */

/** Each V1 event table's time column (frozen here: the catalogue may change, this may not). */
export const V6_TIME_COLUMNS: Record<string, string> = Object.fromEntries(V1_EVENT_TABLES.map((t) => [t, t === 'skill_invocation' ? 'invoked_at' : 'timestamp']));

const up = `-- the identity indexes are rebuilt per existing V1 event table by this migration's step:
--   DROP INDEX ux_<table>_identity;
--   CREATE UNIQUE INDEX ux_<table>_identity ON <table>(stream_id, <time>, row_hash, row_seq);
--   CREATE INDEX ix_<table>_untagged ON <table>(id) WHERE row_hash IS NULL;
SELECT 1;
`;

const down = V1_EVENT_TABLES.map(
  (t) => `DROP INDEX IF EXISTS ix_${t}_untagged;
DROP INDEX IF EXISTS ux_${t}_identity;
CREATE UNIQUE INDEX ux_${t}_identity ON ${t}(stream_id, row_hash, row_seq);
`,
).join('');

function q(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function columnsOf(db: Database, table: string): Set<string> {
  const r = db.exec(`SELECT name FROM pragma_table_info(?)`, [table]);
  return new Set(r.length ? r[0].values.map((v) => String(v[0])) : []);
}

function step(db: Database): void {
  for (const table of V1_EVENT_TABLES) {
    const cols = columnsOf(db, table);
    const time = V6_TIME_COLUMNS[table];
    if (!['stream_id', 'row_hash', 'row_seq', 'id', time].every((c) => cols.has(c))) continue;
    db.run(`DROP INDEX IF EXISTS ${q(`ux_${table}_identity`)}`);
    // built from the sorted rows in one pass: the rebuild of this migration
    db.run(`CREATE UNIQUE INDEX ${q(`ux_${table}_identity`)} ON ${q(table)}(stream_id, ${q(time)}, row_hash, row_seq)`);
    db.run(`CREATE INDEX IF NOT EXISTS ${q(`ix_${table}_untagged`)} ON ${q(table)}(id) WHERE row_hash IS NULL`);
  }
}

export const V6__ordered_identity: BuiltinMigration = {
  version: 6,
  description: 'ordered_identity',
  up,
  down,
  step,
  stepVersion: 1,
};
