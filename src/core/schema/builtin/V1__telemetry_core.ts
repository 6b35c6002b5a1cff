import type { BuiltinMigration } from '../types';

/*
 * The telemetry schema of docs/telemetry-formats.md. Frozen once released: its checksum is
 * recorded in every database it ran on, so a change here is a new migration (V<n>), never an edit.
 *
 * Every event table carries, besides the doc's columns, the provenance and identity columns of
 * docs/conventions.md: source_id, source_line, extra, stream_id, row_hash, row_seq and the
 * unique identity index ux_<table>_identity.
 */

const provenance = `
  source_id INTEGER,
  source_line INTEGER,
  extra TEXT,
  stream_id INTEGER NOT NULL DEFAULT 0,
  row_hash INTEGER NOT NULL,
  row_seq INTEGER NOT NULL`;

function eventTable(name: string, columns: string, indexes: string[][]): string {
  const idx = indexes
    .map((cols) => `CREATE INDEX idx_${name}_${cols.map((c) => c.replace(/ DESC$/i, '')).join('_')} ON ${name}(${cols.join(', ')});`)
    .join('\n');
  return `CREATE TABLE ${name} (
  id INTEGER PRIMARY KEY AUTOINCREMENT,${columns},${provenance}
);
CREATE UNIQUE INDEX ux_${name}_identity ON ${name}(stream_id, row_hash, row_seq);
${idx}
`;
}

const tables = [
  eventTable(
    'routing_metrics_events',
    `
  timestamp INTEGER NOT NULL,
  query_id TEXT,
  predicted_model TEXT,
  actual_model TEXT,
  dq_score REAL,
  complexity REAL,
  accuracy INTEGER,
  cost_saved REAL,
  latency_ms REAL,
  reasoning TEXT`,
    [['timestamp'], ['accuracy']],
  ),
  eventTable(
    'self_heal_events',
    `
  timestamp INTEGER NOT NULL,
  error_pattern TEXT NOT NULL DEFAULT 'unknown',
  fix_applied TEXT,
  success INTEGER NOT NULL,
  execution_time_ms INTEGER,
  error_message TEXT,
  context TEXT`,
    [['timestamp'], ['error_pattern'], ['success']],
  ),
  eventTable(
    'recovery_events',
    `
  timestamp INTEGER NOT NULL,
  error_type TEXT NOT NULL DEFAULT 'unknown',
  recovery_strategy TEXT,
  success INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER DEFAULT 1,
  time_to_recover_ms INTEGER,
  error_details TEXT`,
    [['timestamp'], ['error_type'], ['success']],
  ),
  eventTable(
    'git_events',
    `
  timestamp INTEGER NOT NULL,
  event_type TEXT NOT NULL DEFAULT 'commit',
  repo TEXT,
  branch TEXT,
  commit_hash TEXT,
  message TEXT,
  files_changed INTEGER,
  additions INTEGER,
  deletions INTEGER`,
    [['timestamp'], ['event_type'], ['repo']],
  ),
  eventTable(
    'coordinator_events',
    `
  timestamp INTEGER NOT NULL,
  agent_id TEXT,
  action TEXT NOT NULL,
  strategy TEXT,
  file_path TEXT,
  result TEXT,
  duration_ms INTEGER`,
    [['timestamp'], ['agent_id']],
  ),
  eventTable(
    'expertise_routing_events',
    `
  timestamp INTEGER NOT NULL,
  domain TEXT NOT NULL,
  expertise_level REAL,
  query_complexity REAL,
  chosen_model TEXT,
  reasoning TEXT`,
    [['timestamp'], ['domain']],
  ),
  eventTable(
    'tool_events',
    `
  timestamp INTEGER NOT NULL,
  tool TEXT NOT NULL,
  session_id TEXT,
  model TEXT,
  success INTEGER,
  exit_code INTEGER,
  file_path TEXT,
  command TEXT`,
    [['timestamp'], ['tool'], ['session_id']],
  ),
  eventTable(
    'activity_events',
    `
  timestamp INTEGER NOT NULL,
  event_type TEXT NOT NULL,
  tool TEXT,
  model TEXT,
  query TEXT,
  session_id TEXT,
  success INTEGER`,
    [['timestamp'], ['event_type']],
  ),
  eventTable(
    'session_outcome_events',
    `
  timestamp INTEGER NOT NULL,
  session_id TEXT NOT NULL,
  outcome TEXT,
  quality REAL,
  complexity REAL,
  intent TEXT,
  model TEXT,
  messages_count INTEGER,
  duration_minutes REAL,
  cost_usd REAL,
  success INTEGER,
  summary TEXT`,
    [['timestamp'], ['session_id'], ['outcome']],
  ),
  eventTable(
    'skill_invocation',
    `
  skill_name TEXT NOT NULL,
  invoked_at INTEGER NOT NULL,
  workflow_path TEXT,
  completed INTEGER NOT NULL DEFAULT 0,
  duration_seconds REAL,
  error_type TEXT,
  session_id TEXT,
  follow_up_actions TEXT`,
    [['skill_name', 'invoked_at DESC'], ['completed']],
  ),
];

/*
 * Derived tables kept current by triggers. Insert/delete adjust counters incrementally (a
 * million-row backfill must not rescan); first/last use the (skill_name, invoked_at) index.
 * An UPDATE is a delete of the old row plus an insert of the new one.
 * avg_duration_seconds averages completed invocations only (abandoned ones carry no duration).
 */
const derived = `
CREATE TABLE skill_metrics (
  skill_name TEXT PRIMARY KEY,
  total_invocations INTEGER NOT NULL DEFAULT 0,
  completed_invocations INTEGER NOT NULL DEFAULT 0,
  abandoned_invocations INTEGER NOT NULL DEFAULT 0,
  total_duration_seconds REAL NOT NULL DEFAULT 0,
  completed_duration_seconds REAL NOT NULL DEFAULT 0,
  completion_rate REAL,
  avg_duration_seconds REAL,
  first_invoked INTEGER,
  last_invoked INTEGER
);

CREATE TABLE session_skill (
  session_id TEXT NOT NULL,
  skill_name TEXT NOT NULL,
  invocation_count INTEGER NOT NULL DEFAULT 0,
  completed_count INTEGER NOT NULL DEFAULT 0,
  total_duration_seconds REAL NOT NULL DEFAULT 0,
  first_invoked_at INTEGER,
  last_invoked_at INTEGER,
  PRIMARY KEY (session_id, skill_name)
);

CREATE TRIGGER trg_skill_invocation_insert AFTER INSERT ON skill_invocation
BEGIN
  INSERT INTO skill_metrics (skill_name, total_invocations, completed_invocations, abandoned_invocations,
      total_duration_seconds, completed_duration_seconds, completion_rate, avg_duration_seconds, first_invoked, last_invoked)
    VALUES (NEW.skill_name, 1, NEW.completed <> 0, NEW.completed = 0,
      COALESCE(NEW.duration_seconds, 0), CASE WHEN NEW.completed <> 0 THEN COALESCE(NEW.duration_seconds, 0) ELSE 0 END,
      100.0 * (NEW.completed <> 0), CASE WHEN NEW.completed <> 0 THEN COALESCE(NEW.duration_seconds, 0) END,
      NEW.invoked_at, NEW.invoked_at)
  -- SET expressions read the row as it was before this update, so the derived values use old + NEW
  ON CONFLICT (skill_name) DO UPDATE SET
    total_invocations = total_invocations + 1,
    completed_invocations = completed_invocations + (NEW.completed <> 0),
    abandoned_invocations = abandoned_invocations + (NEW.completed = 0),
    total_duration_seconds = total_duration_seconds + COALESCE(NEW.duration_seconds, 0),
    completed_duration_seconds = completed_duration_seconds
      + CASE WHEN NEW.completed <> 0 THEN COALESCE(NEW.duration_seconds, 0) ELSE 0 END,
    completion_rate = 100.0 * (completed_invocations + (NEW.completed <> 0)) / (total_invocations + 1),
    avg_duration_seconds = CASE WHEN completed_invocations + (NEW.completed <> 0) > 0
      THEN (completed_duration_seconds + CASE WHEN NEW.completed <> 0 THEN COALESCE(NEW.duration_seconds, 0) ELSE 0 END)
        / (completed_invocations + (NEW.completed <> 0)) END,
    first_invoked = MIN(first_invoked, NEW.invoked_at),
    last_invoked = MAX(last_invoked, NEW.invoked_at);
  INSERT INTO session_skill (session_id, skill_name, invocation_count, completed_count, total_duration_seconds,
      first_invoked_at, last_invoked_at)
    SELECT NEW.session_id, NEW.skill_name, 1, NEW.completed <> 0, COALESCE(NEW.duration_seconds, 0),
      NEW.invoked_at, NEW.invoked_at
    WHERE NEW.session_id IS NOT NULL
  ON CONFLICT (session_id, skill_name) DO UPDATE SET
    invocation_count = invocation_count + 1,
    completed_count = completed_count + (NEW.completed <> 0),
    total_duration_seconds = total_duration_seconds + COALESCE(NEW.duration_seconds, 0),
    first_invoked_at = MIN(first_invoked_at, NEW.invoked_at),
    last_invoked_at = MAX(last_invoked_at, NEW.invoked_at);
END;

CREATE TRIGGER trg_skill_invocation_delete AFTER DELETE ON skill_invocation
BEGIN
  UPDATE skill_metrics SET
    total_invocations = total_invocations - 1,
    completed_invocations = completed_invocations - (OLD.completed <> 0),
    abandoned_invocations = abandoned_invocations - (OLD.completed = 0),
    total_duration_seconds = total_duration_seconds - COALESCE(OLD.duration_seconds, 0),
    completed_duration_seconds = completed_duration_seconds
      - CASE WHEN OLD.completed <> 0 THEN COALESCE(OLD.duration_seconds, 0) ELSE 0 END,
    first_invoked = (SELECT MIN(invoked_at) FROM skill_invocation WHERE skill_name = OLD.skill_name),
    last_invoked = (SELECT MAX(invoked_at) FROM skill_invocation WHERE skill_name = OLD.skill_name)
  WHERE skill_name = OLD.skill_name;
  DELETE FROM skill_metrics WHERE skill_name = OLD.skill_name AND total_invocations <= 0;
  UPDATE skill_metrics SET
    completion_rate = 100.0 * completed_invocations / total_invocations,
    avg_duration_seconds = CASE WHEN completed_invocations > 0
      THEN completed_duration_seconds / completed_invocations END
  WHERE skill_name = OLD.skill_name;
  UPDATE session_skill SET
    invocation_count = invocation_count - 1,
    completed_count = completed_count - (OLD.completed <> 0),
    total_duration_seconds = total_duration_seconds - COALESCE(OLD.duration_seconds, 0),
    first_invoked_at = (SELECT MIN(invoked_at) FROM skill_invocation
      WHERE skill_name = OLD.skill_name AND session_id = OLD.session_id),
    last_invoked_at = (SELECT MAX(invoked_at) FROM skill_invocation
      WHERE skill_name = OLD.skill_name AND session_id = OLD.session_id)
  WHERE session_id = OLD.session_id AND skill_name = OLD.skill_name;
  DELETE FROM session_skill
    WHERE session_id = OLD.session_id AND skill_name = OLD.skill_name AND invocation_count <= 0;
END;

CREATE TRIGGER trg_skill_invocation_update
AFTER UPDATE OF skill_name, invoked_at, completed, duration_seconds, session_id ON skill_invocation
BEGIN
  UPDATE skill_metrics SET
    total_invocations = total_invocations - 1,
    completed_invocations = completed_invocations - (OLD.completed <> 0),
    abandoned_invocations = abandoned_invocations - (OLD.completed = 0),
    total_duration_seconds = total_duration_seconds - COALESCE(OLD.duration_seconds, 0),
    completed_duration_seconds = completed_duration_seconds
      - CASE WHEN OLD.completed <> 0 THEN COALESCE(OLD.duration_seconds, 0) ELSE 0 END
  WHERE skill_name = OLD.skill_name;
  UPDATE session_skill SET
    invocation_count = invocation_count - 1,
    completed_count = completed_count - (OLD.completed <> 0),
    total_duration_seconds = total_duration_seconds - COALESCE(OLD.duration_seconds, 0)
  WHERE session_id = OLD.session_id AND skill_name = OLD.skill_name;
  INSERT INTO skill_metrics (skill_name) VALUES (NEW.skill_name) ON CONFLICT (skill_name) DO NOTHING;
  UPDATE skill_metrics SET
    total_invocations = total_invocations + 1,
    completed_invocations = completed_invocations + (NEW.completed <> 0),
    abandoned_invocations = abandoned_invocations + (NEW.completed = 0),
    total_duration_seconds = total_duration_seconds + COALESCE(NEW.duration_seconds, 0),
    completed_duration_seconds = completed_duration_seconds
      + CASE WHEN NEW.completed <> 0 THEN COALESCE(NEW.duration_seconds, 0) ELSE 0 END
  WHERE skill_name = NEW.skill_name;
  INSERT INTO session_skill (session_id, skill_name) SELECT NEW.session_id, NEW.skill_name
    WHERE NEW.session_id IS NOT NULL
  ON CONFLICT (session_id, skill_name) DO NOTHING;
  UPDATE session_skill SET
    invocation_count = invocation_count + 1,
    completed_count = completed_count + (NEW.completed <> 0),
    total_duration_seconds = total_duration_seconds + COALESCE(NEW.duration_seconds, 0)
  WHERE session_id = NEW.session_id AND skill_name = NEW.skill_name;
  DELETE FROM skill_metrics WHERE skill_name IN (OLD.skill_name, NEW.skill_name) AND total_invocations <= 0;
  DELETE FROM session_skill WHERE invocation_count <= 0
    AND ((session_id = OLD.session_id AND skill_name = OLD.skill_name)
      OR (session_id = NEW.session_id AND skill_name = NEW.skill_name));
  UPDATE skill_metrics SET
    completion_rate = 100.0 * completed_invocations / total_invocations,
    avg_duration_seconds = CASE WHEN completed_invocations > 0
      THEN completed_duration_seconds / completed_invocations END,
    first_invoked = (SELECT MIN(invoked_at) FROM skill_invocation WHERE skill_invocation.skill_name = skill_metrics.skill_name),
    last_invoked = (SELECT MAX(invoked_at) FROM skill_invocation WHERE skill_invocation.skill_name = skill_metrics.skill_name)
  WHERE skill_name IN (OLD.skill_name, NEW.skill_name);
  UPDATE session_skill SET
    first_invoked_at = (SELECT MIN(invoked_at) FROM skill_invocation s
      WHERE s.skill_name = session_skill.skill_name AND s.session_id = session_skill.session_id),
    last_invoked_at = (SELECT MAX(invoked_at) FROM skill_invocation s
      WHERE s.skill_name = session_skill.skill_name AND s.session_id = session_skill.session_id)
  WHERE (session_id = OLD.session_id AND skill_name = OLD.skill_name)
     OR (session_id = NEW.session_id AND skill_name = NEW.skill_name);
END;
`;

/*
 * What baseline adopted: per table, the data columns the pre-existing (script-created) table
 * had. Adopted rows' row_hash covers only these columns, so ingest can match a JSONL record
 * against them by hashing its row projected onto the same columns.
 */
const baselineLedger = `
CREATE TABLE schema_baseline (
  table_name TEXT PRIMARY KEY,
  data_columns TEXT NOT NULL,
  adopted_rows INTEGER NOT NULL,
  baselined_at INTEGER NOT NULL
);
`;

const up = [...tables, derived, baselineLedger].join('\n').trim() + '\n';

const down = `
DROP TRIGGER IF EXISTS trg_skill_invocation_update;
DROP TRIGGER IF EXISTS trg_skill_invocation_delete;
DROP TRIGGER IF EXISTS trg_skill_invocation_insert;
DROP TABLE IF EXISTS schema_baseline;
DROP TABLE IF EXISTS session_skill;
DROP TABLE IF EXISTS skill_metrics;
DROP TABLE IF EXISTS skill_invocation;
DROP TABLE IF EXISTS session_outcome_events;
DROP TABLE IF EXISTS activity_events;
DROP TABLE IF EXISTS tool_events;
DROP TABLE IF EXISTS expertise_routing_events;
DROP TABLE IF EXISTS coordinator_events;
DROP TABLE IF EXISTS git_events;
DROP TABLE IF EXISTS self_heal_events;
DROP TABLE IF EXISTS recovery_events;
DROP TABLE IF EXISTS routing_metrics_events;
`.trimStart();

export const V1__telemetry_core: BuiltinMigration = {
  version: 1,
  description: 'telemetry_core',
  up,
  down,
};

/** The event tables V1 creates, in creation order (baseline and tests use this list). */
export const V1_EVENT_TABLES = [
  'routing_metrics_events',
  'self_heal_events',
  'recovery_events',
  'git_events',
  'coordinator_events',
  'expertise_routing_events',
  'tool_events',
  'activity_events',
  'session_outcome_events',
  'skill_invocation',
] as const;
