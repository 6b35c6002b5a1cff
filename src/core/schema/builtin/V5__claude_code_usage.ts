import type { BuiltinMigration } from '../types';

/*
 * Claude Code's own transcripts (issue 15; docs/claude-code.md). Tables Telemetry Lens creates
 * and fills from ~/.claude/projects/**.jsonl; rows stay when Claude Code deletes a transcript.
 *
 * claude_code_sessions    one row per session id: project folder, cwd, branch, version, activity
 * claude_code_responses   one row per API response, keyed (message_id, request_id); the usage of
 *                         the response's last streamed line; cost_usd NULL = no price for the model
 * claude_code_tool_calls  one row per tool_use id, completed by its tool_result (error, duration)
 * claude_code_prompts     one row per user prompt (line uuid)
 * claude_code_usage_15m   rollup of claude_code_responses per 15-minute UTC bucket (ts_ms / 900000),
 *                         model and long-context flag: day/week/month reports in any zone read it
 * claude_code_files       the transcript ledger: how far each file was read (append fast path);
 *                         rows name their transcript by its id (source_file) and line (source_line)
 * Timestamps are epoch milliseconds (UTC).
 */
const up = `
CREATE TABLE claude_code_sessions (
  session_id TEXT PRIMARY KEY,
  project TEXT,
  cwd TEXT,
  git_branch TEXT,
  version TEXT,
  first_ts_ms INTEGER,
  last_ts_ms INTEGER,
  source_file INTEGER
);

CREATE TABLE claude_code_responses (
  message_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  session_id TEXT,
  ts_ms INTEGER NOT NULL,
  model TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cache_read_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
  cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL,
  is_sidechain INTEGER NOT NULL DEFAULT 0,
  is_subagent INTEGER NOT NULL DEFAULT 0,
  agent_id TEXT,
  source_file INTEGER,
  source_line INTEGER,
  PRIMARY KEY (message_id, request_id)
);
CREATE INDEX idx_claude_code_responses_ts ON claude_code_responses (ts_ms);
CREATE INDEX idx_claude_code_responses_session ON claude_code_responses (session_id);

CREATE TABLE claude_code_tool_calls (
  tool_use_id TEXT PRIMARY KEY,
  session_id TEXT,
  message_id TEXT,
  ts_ms INTEGER,
  tool TEXT,
  input_summary TEXT,
  is_error INTEGER,
  result_ts_ms INTEGER,
  duration_ms INTEGER,
  is_sidechain INTEGER NOT NULL DEFAULT 0,
  is_subagent INTEGER NOT NULL DEFAULT 0,
  source_file INTEGER,
  source_line INTEGER
);
CREATE INDEX idx_claude_code_tool_calls_ts ON claude_code_tool_calls (ts_ms);
CREATE INDEX idx_claude_code_tool_calls_session ON claude_code_tool_calls (session_id);

CREATE TABLE claude_code_prompts (
  uuid TEXT PRIMARY KEY,
  session_id TEXT,
  ts_ms INTEGER,
  chars INTEGER,
  text_head TEXT,
  is_subagent INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX idx_claude_code_prompts_session ON claude_code_prompts (session_id);

CREATE TABLE claude_code_usage_15m (
  bucket INTEGER NOT NULL,
  model TEXT NOT NULL,
  long_context INTEGER NOT NULL,
  responses INTEGER NOT NULL,
  input_tokens INTEGER NOT NULL,
  output_tokens INTEGER NOT NULL,
  cache_read_tokens INTEGER NOT NULL,
  cache_write_5m_tokens INTEGER NOT NULL,
  cache_write_1h_tokens INTEGER NOT NULL,
  PRIMARY KEY (bucket, model, long_context)
) WITHOUT ROWID;

CREATE TABLE claude_code_files (
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL DEFAULT 0,
  mtime_ms INTEGER NOT NULL DEFAULT 0,
  byte_offset INTEGER NOT NULL DEFAULT 0,
  line_count INTEGER NOT NULL DEFAULT 0,
  head_fingerprint INTEGER,
  tail_fingerprint INTEGER,
  missing_since INTEGER
);
`;

const down = `
DROP TABLE IF EXISTS claude_code_files;
DROP TABLE IF EXISTS claude_code_usage_15m;
DROP TABLE IF EXISTS claude_code_prompts;
DROP TABLE IF EXISTS claude_code_tool_calls;
DROP TABLE IF EXISTS claude_code_responses;
DROP TABLE IF EXISTS claude_code_sessions;
`;

export const V5__claude_code_usage: BuiltinMigration = { version: 5, description: 'claude_code_usage', up, down };
