/**
 * Ingest engine public API (issue 4). Paths in, reports out: settings, globs from VS Code
 * and UI live in the extension; the CLI and tests call exactly these functions.
 */
export * from './types';
export { rowContentHash, canonicalJson, hash53 } from '../formats/rowIdentity';
export { discoverSources } from './discover';
export { DEFAULT_EXCLUDES, ExcludeMatcher, splitPatternList } from './excludes';
export { auditSources, previewSources } from './audit';
export { migrateSources } from './migrate';
export { verifySources } from './verify';
export { SKILL_TOTALS_BASIS } from './skillTotals';
export { listRejects, listRejectsOfFile, type ListRejectsOptions, type RejectEntry, type RejectsPage } from './rejects';
export { cutOverSource, rollBackCutover, type CutoverResult } from './cutover';
export { dualReadStream, type DualReadSource, type WriterMode } from './dualRead';
export { hookSnippet, hookSnippetTables, HOOK_SNIPPET_LANGUAGES, type HookSnippetLanguage } from './hookSnippet';
export { readWriterModes } from './writerMode';
