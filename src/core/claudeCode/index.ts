/** Claude Code's own transcripts as a telemetry source (docs/claude-code.md). */
export { findTranscripts, standardConfigDirs, type TranscriptFile, type TranscriptWalk } from './discover';
export { importTranscripts, CLAUDE_CODE_TABLES, type ClaudeCodeImportResult, type ClaudeCodeImportOptions, type TranscriptReject } from './ingest';
export { BUNDLED_PRICES, loadPrices, defaultPriceFile, priceFor, costOf, modelKey, type PriceTable, type ModelPrice } from './prices';
export * from './reports';

import type { PriceTable } from './prices';

/** What `migrate` does with Claude Code transcripts (MigrateOptions.claudeCode). */
export interface ClaudeCodeMigrateOptions {
  /** also read these config folders / projects folders (e.g. standardConfigDirs()) */
  extraPaths?: string[];
  /** price table for the cost column (default: bundled + the default override file) */
  prices?: PriceTable;
  /** folders that count as Claude Code config folders whatever their name (default: standardConfigDirs()) */
  configDirs?: string[];
}
export * from './summary';
