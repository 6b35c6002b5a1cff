import type { BuiltinMigration } from '../types';

/*
 * Ingest bookkeeping (issue 4). Frozen once released: a change is a new migration.
 *
 * ingest_streams  one row per stream (folder + file name without rotation suffix); its id is
 *                 the stream_id of event rows. AUTOINCREMENT starts at 1, so 0 stays "adopted".
 * ingest_sources  the ledger: one row per physical file as last seen (a renamed/rotated file
 *                 keeps its row and gets its new path). byte_offset/line_count/fingerprints are
 *                 the append-only fast path; blank/rejected count the prefix up to byte_offset.
 * ingest_rejects  quarantine: lines that could not become rows; keyed like row identity
 *                 (stream, hash of the raw text, occurrence) so re-reading never duplicates.
 * ingest_inferred_columns  how an unknown *.jsonl's keys map onto its inferred table.
 */
const up = `
CREATE TABLE ingest_streams (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  stream_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  table_name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE ingest_sources (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  path TEXT NOT NULL,
  stream_id INTEGER NOT NULL REFERENCES ingest_streams(id),
  kind TEXT NOT NULL,
  table_name TEXT NOT NULL,
  format TEXT NOT NULL,
  size INTEGER NOT NULL DEFAULT 0,
  mtime_ms INTEGER NOT NULL DEFAULT 0,
  dev INTEGER NOT NULL DEFAULT 0,
  ino INTEGER NOT NULL DEFAULT 0,
  byte_offset INTEGER NOT NULL DEFAULT 0,
  line_count INTEGER NOT NULL DEFAULT 0,
  blank_lines INTEGER NOT NULL DEFAULT 0,
  rejected_lines INTEGER NOT NULL DEFAULT 0,
  ends_mid_line INTEGER NOT NULL DEFAULT 0,
  head_fingerprint INTEGER,
  tail_fingerprint INTEGER,
  rows_inserted INTEGER NOT NULL DEFAULT 0,
  last_inserted INTEGER NOT NULL DEFAULT 0,
  first_seen_at INTEGER NOT NULL,
  last_run_at INTEGER NOT NULL,
  missing_since INTEGER
);
CREATE INDEX idx_ingest_sources_path ON ingest_sources(path);
CREATE INDEX idx_ingest_sources_stream ON ingest_sources(stream_id);

CREATE TABLE ingest_rejects (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  source_id INTEGER NOT NULL REFERENCES ingest_sources(id),
  stream_id INTEGER NOT NULL,
  line INTEGER NOT NULL,
  reason TEXT NOT NULL,
  detail TEXT,
  raw TEXT NOT NULL,
  raw_bytes INTEGER NOT NULL,
  raw_hash INTEGER NOT NULL,
  raw_seq INTEGER NOT NULL,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_ingest_rejects_identity ON ingest_rejects(stream_id, raw_hash, raw_seq);
CREATE INDEX idx_ingest_rejects_source ON ingest_rejects(source_id, line);

CREATE TABLE ingest_inferred_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  source_key TEXT NOT NULL,
  column_type TEXT NOT NULL,
  is_timestamp INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (table_name, source_key)
);
`.trimStart();

const down = `
DROP TABLE IF EXISTS ingest_inferred_columns;
DROP TABLE IF EXISTS ingest_rejects;
DROP TABLE IF EXISTS ingest_sources;
DROP TABLE IF EXISTS ingest_streams;
`.trimStart();

export const V2__ingest_bookkeeping: BuiltinMigration = {
  version: 2,
  description: 'ingest_bookkeeping',
  up,
  down,
};
