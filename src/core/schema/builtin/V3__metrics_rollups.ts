import type { BuiltinMigration } from '../types';
import { rebuildRollups } from '../../rollups/refresh';

/*
 * Rollup tables behind every metrics panel: hourly UTC buckets per domain and dimension (daily
 * for data only read as range totals, and for value histograms), each with 1/8/64-day block
 * levels; per-table event counts; a per-table watermark; and an index on
 * skill_invocation(invoked_at) for range reads.
 *
 * Released text, frozen: its checksum is stored in users' databases, so this SQL is literal and
 * never generated from the live rollup specs (src/core/rollups/specs.ts). A new rollup
 * table arrives as a new migration (V4 and later) with its own rebuild step; see
 * docs/recipes.md "Add a chart". The step rebuilds the rollup tables present when it runs.
 */
const UP = `CREATE TABLE IF NOT EXISTS rollup_skill_hour (
  bucket_ts INTEGER NOT NULL,
  skill_name TEXT,
  workflow_path TEXT,
  error_type TEXT,
  invocations INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  duration_sum_seconds REAL NOT NULL,
  duration_count INTEGER NOT NULL,
  last_invoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS idx_rollup_skill_hour_bucket ON rollup_skill_hour(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_skill_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  skill_name TEXT,
  workflow_path TEXT,
  error_type TEXT,
  invocations INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  duration_sum_seconds REAL NOT NULL,
  duration_count INTEGER NOT NULL,
  last_invoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS idx_rollup_skill_block_bucket ON rollup_skill_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_skill_followup_day (
  bucket_ts INTEGER NOT NULL,
  skill_name TEXT,
  action TEXT,
  invocations INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_skill_followup_day_bucket ON rollup_skill_followup_day(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_skill_followup_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  skill_name TEXT,
  action TEXT,
  invocations INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_skill_followup_block_bucket ON rollup_skill_followup_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_skill_session_day (
  bucket_ts INTEGER NOT NULL,
  session_id TEXT,
  skill_name TEXT,
  invocations INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  last_invoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS idx_rollup_skill_session_day_bucket ON rollup_skill_session_day(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_skill_session_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  session_id TEXT,
  skill_name TEXT,
  invocations INTEGER NOT NULL,
  completed INTEGER NOT NULL,
  last_invoked_at INTEGER
);
CREATE INDEX IF NOT EXISTS idx_rollup_skill_session_block_bucket ON rollup_skill_session_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_value_hist_day (
  bucket_ts INTEGER NOT NULL,
  metric TEXT NOT NULL,
  dim TEXT,
  value REAL NOT NULL,
  n INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_value_hist_day_bucket ON rollup_value_hist_day(bucket_ts);
CREATE INDEX IF NOT EXISTS idx_rollup_value_hist_day_metric ON rollup_value_hist_day(metric, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_value_hist_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  metric TEXT NOT NULL,
  dim TEXT,
  value REAL NOT NULL,
  n INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_value_hist_block_bucket ON rollup_value_hist_block(grain_days, bucket_ts);
CREATE INDEX IF NOT EXISTS idx_rollup_value_hist_block_metric ON rollup_value_hist_block(metric, grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_routing_hour (
  bucket_ts INTEGER NOT NULL,
  predicted_model TEXT,
  actual_model TEXT,
  decisions INTEGER NOT NULL,
  evaluated INTEGER NOT NULL,
  correct INTEGER NOT NULL,
  dq_sum REAL NOT NULL,
  dq_count INTEGER NOT NULL,
  cost_saved_sum_usd REAL NOT NULL,
  latency_sum_ms REAL NOT NULL,
  latency_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_routing_hour_bucket ON rollup_routing_hour(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_routing_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  predicted_model TEXT,
  actual_model TEXT,
  decisions INTEGER NOT NULL,
  evaluated INTEGER NOT NULL,
  correct INTEGER NOT NULL,
  dq_sum REAL NOT NULL,
  dq_count INTEGER NOT NULL,
  cost_saved_sum_usd REAL NOT NULL,
  latency_sum_ms REAL NOT NULL,
  latency_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_routing_block_bucket ON rollup_routing_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_routing_dq_day (
  bucket_ts INTEGER NOT NULL,
  predicted_model TEXT,
  bucket INTEGER NOT NULL,
  n INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_routing_dq_day_bucket ON rollup_routing_dq_day(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_routing_dq_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  predicted_model TEXT,
  bucket INTEGER NOT NULL,
  n INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_routing_dq_block_bucket ON rollup_routing_dq_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_expertise_day (
  bucket_ts INTEGER NOT NULL,
  domain TEXT,
  chosen_model TEXT,
  routings INTEGER NOT NULL,
  expertise_sum REAL NOT NULL,
  expertise_count INTEGER NOT NULL,
  complexity_sum REAL NOT NULL,
  complexity_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_expertise_day_bucket ON rollup_expertise_day(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_expertise_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  domain TEXT,
  chosen_model TEXT,
  routings INTEGER NOT NULL,
  expertise_sum REAL NOT NULL,
  expertise_count INTEGER NOT NULL,
  complexity_sum REAL NOT NULL,
  complexity_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_expertise_block_bucket ON rollup_expertise_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_self_heal_hour (
  bucket_ts INTEGER NOT NULL,
  error_pattern TEXT,
  attempts INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  execution_sum_ms REAL NOT NULL,
  execution_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_self_heal_hour_bucket ON rollup_self_heal_hour(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_self_heal_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  error_pattern TEXT,
  attempts INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  execution_sum_ms REAL NOT NULL,
  execution_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_self_heal_block_bucket ON rollup_self_heal_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_recovery_hour (
  bucket_ts INTEGER NOT NULL,
  error_type TEXT,
  recovery_strategy TEXT,
  mode TEXT,
  attempts INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  tries_sum REAL NOT NULL,
  tries_count INTEGER NOT NULL,
  ttr_sum_ms REAL NOT NULL,
  ttr_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_recovery_hour_bucket ON rollup_recovery_hour(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_recovery_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  error_type TEXT,
  recovery_strategy TEXT,
  mode TEXT,
  attempts INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  tries_sum REAL NOT NULL,
  tries_count INTEGER NOT NULL,
  ttr_sum_ms REAL NOT NULL,
  ttr_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_recovery_block_bucket ON rollup_recovery_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_tool_hour (
  bucket_ts INTEGER NOT NULL,
  tool TEXT,
  calls INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  failures INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_tool_hour_bucket ON rollup_tool_hour(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_tool_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  tool TEXT,
  calls INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  failures INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_tool_block_bucket ON rollup_tool_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_git_hour (
  bucket_ts INTEGER NOT NULL,
  repo TEXT,
  event_type TEXT,
  events INTEGER NOT NULL,
  additions INTEGER NOT NULL,
  deletions INTEGER NOT NULL,
  files_changed INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_git_hour_bucket ON rollup_git_hour(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_git_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  repo TEXT,
  event_type TEXT,
  events INTEGER NOT NULL,
  additions INTEGER NOT NULL,
  deletions INTEGER NOT NULL,
  files_changed INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_git_block_bucket ON rollup_git_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_coordinator_hour (
  bucket_ts INTEGER NOT NULL,
  action TEXT,
  strategy TEXT,
  runs INTEGER NOT NULL,
  duration_sum_ms REAL NOT NULL,
  duration_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_coordinator_hour_bucket ON rollup_coordinator_hour(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_coordinator_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  action TEXT,
  strategy TEXT,
  runs INTEGER NOT NULL,
  duration_sum_ms REAL NOT NULL,
  duration_count INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_coordinator_block_bucket ON rollup_coordinator_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_activity_hour (
  bucket_ts INTEGER NOT NULL,
  event_type TEXT,
  events INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_activity_hour_bucket ON rollup_activity_hour(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_activity_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  event_type TEXT,
  events INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_activity_block_bucket ON rollup_activity_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_session_hour (
  bucket_ts INTEGER NOT NULL,
  outcome TEXT,
  analyses INTEGER NOT NULL,
  quality_sum REAL NOT NULL,
  quality_count INTEGER NOT NULL,
  success_known INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  cost_sum_usd REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_session_hour_bucket ON rollup_session_hour(bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_session_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  outcome TEXT,
  analyses INTEGER NOT NULL,
  quality_sum REAL NOT NULL,
  quality_count INTEGER NOT NULL,
  success_known INTEGER NOT NULL,
  successes INTEGER NOT NULL,
  cost_sum_usd REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_rollup_session_block_bucket ON rollup_session_block(grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_event_hour (
  bucket_ts INTEGER NOT NULL,
  table_name TEXT NOT NULL,
  events INTEGER NOT NULL,
  first_at INTEGER,
  last_at INTEGER
);
CREATE INDEX IF NOT EXISTS idx_rollup_event_hour_bucket ON rollup_event_hour(bucket_ts);
CREATE INDEX IF NOT EXISTS idx_rollup_event_hour_table_name ON rollup_event_hour(table_name, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_event_block (
  grain_days INTEGER NOT NULL,
  bucket_ts INTEGER NOT NULL,
  table_name TEXT NOT NULL,
  events INTEGER NOT NULL,
  first_at INTEGER,
  last_at INTEGER
);
CREATE INDEX IF NOT EXISTS idx_rollup_event_block_bucket ON rollup_event_block(grain_days, bucket_ts);
CREATE INDEX IF NOT EXISTS idx_rollup_event_block_table_name ON rollup_event_block(table_name, grain_days, bucket_ts);
CREATE TABLE IF NOT EXISTS rollup_watermark (
  table_name TEXT PRIMARY KEY,
  max_id INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_skill_invocation_invoked_at ON skill_invocation(invoked_at);
`;

const DOWN = `DROP TABLE IF EXISTS rollup_skill_hour;
DROP TABLE IF EXISTS rollup_skill_block;
DROP TABLE IF EXISTS rollup_skill_followup_day;
DROP TABLE IF EXISTS rollup_skill_followup_block;
DROP TABLE IF EXISTS rollup_skill_session_day;
DROP TABLE IF EXISTS rollup_skill_session_block;
DROP TABLE IF EXISTS rollup_value_hist_day;
DROP TABLE IF EXISTS rollup_value_hist_block;
DROP TABLE IF EXISTS rollup_routing_hour;
DROP TABLE IF EXISTS rollup_routing_block;
DROP TABLE IF EXISTS rollup_routing_dq_day;
DROP TABLE IF EXISTS rollup_routing_dq_block;
DROP TABLE IF EXISTS rollup_expertise_day;
DROP TABLE IF EXISTS rollup_expertise_block;
DROP TABLE IF EXISTS rollup_self_heal_hour;
DROP TABLE IF EXISTS rollup_self_heal_block;
DROP TABLE IF EXISTS rollup_recovery_hour;
DROP TABLE IF EXISTS rollup_recovery_block;
DROP TABLE IF EXISTS rollup_tool_hour;
DROP TABLE IF EXISTS rollup_tool_block;
DROP TABLE IF EXISTS rollup_git_hour;
DROP TABLE IF EXISTS rollup_git_block;
DROP TABLE IF EXISTS rollup_coordinator_hour;
DROP TABLE IF EXISTS rollup_coordinator_block;
DROP TABLE IF EXISTS rollup_activity_hour;
DROP TABLE IF EXISTS rollup_activity_block;
DROP TABLE IF EXISTS rollup_session_hour;
DROP TABLE IF EXISTS rollup_session_block;
DROP TABLE IF EXISTS rollup_event_hour;
DROP TABLE IF EXISTS rollup_event_block;
DROP TABLE IF EXISTS rollup_watermark;
DROP INDEX IF EXISTS idx_skill_invocation_invoked_at;
`;

export const V3__metrics_rollups: BuiltinMigration = {
  version: 3,
  description: 'metrics_rollups',
  up: UP,
  down: DOWN,
  step: rebuildRollups,
  stepVersion: 1,
};
