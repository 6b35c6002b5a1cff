import * as fs from 'fs';
import * as path from 'path';
import {
  discoverSources,
  type AuditReport,
  type IngestProgress,
  type MigratePlan,
  type MigrateResult,
  type VerifyResult,
} from '../../core/ingest';
import type { FreshnessThresholds } from '../../core/time/freshness';
import { standardConfigDirs } from '../../core/claudeCode';
import { formatCount, plural } from './format';
import { REJECTS_SHOWN, toRejectsPage, type RejectsPage } from './rejectsQuery';
import type { AuditView, IngestView, VerifyView } from './viewModel';
import * as offThread from '../offThread';

/**
 * The one place the extension calls the ingest engine: maps its reports onto the view model
 * the UI texts are built from. No vscode here, and nothing loads sql.js until a call is made.
 * Migrate, verify, the preview's audit and schema steps and the rejects read run on a worker
 * thread (core/ingest/ingestWorker.ts): the extension host's thread stays free while the
 * engines' synchronous SQL (and sql.js's snapshot of a large file) runs.
 */
export interface EngineContext {
  dbPath: string;
  /** IANA zone for timestamps without one (undefined = machine zone). */
  tz?: string;
  /** The user's migrations folder (`telemetryLens.migrationsFolder`), if any. */
  userMigrationsDir?: string;
  /** `telemetryLens.exclude` patterns (undefined = the engine's defaults). */
  exclude?: readonly string[];
  /** `telemetryLens.freshness.*` thresholds (the tree's rule, so the preview agrees with it). */
  freshness?: FreshnessThresholds;
  /** `telemetryLens.claudeCode.enabled`: import Claude Code transcripts from the standard folders (default on). */
  claudeCode?: boolean;
}

export async function auditForPreview(paths: string[], ctx: EngineContext, signal?: AbortSignal, onProgress?: (p: IngestProgress) => void): Promise<AuditView> {
  const options = { dbPath: ctx.dbPath, tz: ctx.tz, exclude: ctx.exclude, freshness: ctx.freshness };
  return toAuditView(await offThread.audit(paths, { ...options, signal, onProgress }));
}

/**
 * Migrate JSONL's preview: the audit's view and the plan its import consumes (runIngest's
 * `plan`): one discovery and one snapshot, whose schema steps come along (`plan.schemaSteps`).
 */
export async function previewForMigrate(paths: string[], ctx: EngineContext, signal?: AbortSignal, onProgress?: (p: IngestProgress) => void): Promise<{ audit: AuditView; plan: MigratePlan }> {
  const options = { dbPath: ctx.dbPath, tz: ctx.tz, exclude: ctx.exclude, freshness: ctx.freshness, userMigrationsDir: ctx.userMigrationsDir };
  const { report, plan } = await offThread.preview(paths, { ...options, signal, onProgress });
  return { audit: toAuditView(report), plan };
}

export function toAuditView(report: AuditReport): AuditView {
  return {
    files: report.sources.map((s) => ({
      path: s.path,
      kind: s.kind,
      table: s.table,
      sizeBytes: s.size,
      lines: s.lines,
      newLines: s.newLines,
      rejected: s.rejected,
      pending: s.pending,
      freshness: s.liveness,
    })),
    problems: report.issues.map((i) => ({ path: i.path, message: i.message })),
    excludedFiles: report.excludedFiles,
  };
}

/** Names of the schema steps the next write will apply (empty = schema current). */
export async function pendingSchemaSteps(ctx: EngineContext): Promise<string[]> {
  return offThread.schemaSteps(ctx.dbPath, ctx.userMigrationsDir);
}

export interface IngestRunOptions {
  /** Restrict the run to these files (the QuickPick choice). */
  only?: string[];
  /** The preview's plan: its files are imported, not discovered again (MigrateOptions.plan). */
  plan?: MigratePlan;
  onProgress?: (p: IngestProgress) => void;
  signal?: AbortSignal;
}

/** Runs the engine's migrate. A cancelled run comes back as `cancelled` (the engine wrote nothing). */
export async function runIngest(paths: string[], ctx: EngineContext, opts: IngestRunOptions = {}): Promise<IngestView> {
  const started = Date.now();
  // The default database lives in ~/.telemetry-lens/, which does not exist on first use
  // (the storage engine's lock file needs the folder).
  await fs.promises.mkdir(path.dirname(ctx.dbPath), { recursive: true });
  try {
    const options = {
      tz: ctx.tz,
      userMigrationsDir: ctx.userMigrationsDir,
      exclude: ctx.exclude,
      only: opts.only,
      plan: opts.plan,
      claudeCode: ctx.claudeCode === false ? (false as const) : { extraPaths: standardConfigDirs() },
    };
    // off the extension host's thread (native SQL is synchronous); the engine choice goes along
    const result = await offThread.migrate(ctx.dbPath, paths, { ...options, onProgress: opts.onProgress, signal: opts.signal });
    return toIngestView(result);
  } catch (e) {
    if (opts.signal?.aborted) return { files: [], migrationsApplied: [], durationMs: Date.now() - started, cancelled: true };
    throw e;
  }
}

export function toIngestView(result: MigrateResult): IngestView {
  // picked files the import could not read (gone since the preview) or not import as a whole
  const problems = result.issues.filter((i) => i.problem === 'not-found' || i.problem === 'not-imported').map((i) => ({ path: i.path, message: i.message }));
  return {
    files: result.sources.map((s) => ({ ...s })),
    ...(problems.length ? { problems } : {}),
    migrationsApplied: result.migrations.applied,
    durationMs: result.durationMs,
    cancelled: false,
  };
}

export async function runVerify(paths: string[], ctx: EngineContext, signal?: AbortSignal): Promise<VerifyView> {
  const options = { tz: ctx.tz, exclude: ctx.exclude };
  return toVerifyView(await offThread.verify(ctx.dbPath, paths, { ...options, signal }));
}

export function toVerifyView(result: VerifyResult): VerifyView {
  const findings: VerifyView['findings'] = [];
  for (const s of result.sources) {
    if (s.ok) continue;
    findings.push({
      kind: 'source',
      path: s.path,
      table: s.table,
      message: `${formatCount(s.missing)} of ${plural(s.rows, 'row')} not in the database (${formatCount(s.matched)} matched, ${formatCount(s.rejected)} rejected)`,
    });
  }
  for (const m of result.skillTotals) {
    findings.push({
      kind: 'skill-total',
      path: m.path,
      table: 'skill_metrics',
      message: `skill "${m.skill}": ${m.field} is ${m.document ?? 'absent'} in ${path.basename(m.path)}, ${m.database ?? 'absent'} over the rows imported from it`,
    });
  }
  for (const i of result.issues) findings.push({ kind: 'issue', path: i.path, message: i.message });
  const dualRead: string[] = [];
  for (const d of result.dualRead ?? []) {
    if (d.mode === 'jsonl-only') continue;
    const counts = `${formatCount(d.both)} in both, ${formatCount(d.onlyJsonl)} only in the JSONL, ${formatCount(d.onlyDatabase)} only in the database, ${formatCount(d.disagreements.length)} field disagreements`;
    dualRead.push(`\`${d.table}\` (${d.mode}${d.agreementPercent === null ? '' : `, ${d.agreementPercent}% agreement`}): ${counts}`);
    if (d.ok) continue;
    const first = d.disagreements[0];
    const detail = first ? `; first: line ${first.line} ${first.column} is ${JSON.stringify(first.jsonl)} in the JSONL, ${JSON.stringify(first.database)} in row ${first.rowId}` : '';
    findings.push({ kind: 'dual-read', path: d.paths[0], table: d.table, message: `dual-read: ${counts}${d.ambiguous.length ? `, ${d.ambiguous.length} ambiguous` : ''}${detail}` });
  }
  return { ok: result.ok, sourcesChecked: result.sources.length, findings, dualRead };
}

/** Stream keys of the given files, so live ingest also follows their rotated copies. */
export async function streamKeysOf(files: string[]): Promise<string[]> {
  const { sources } = await discoverSources(files);
  return [...new Set(sources.map((s) => s.stream))];
}

/**
 * Every telemetry file currently in the folders of `files` (their rotations included). No
 * exclude patterns: the caller keeps only the chosen files' streams, and a chosen file may be
 * one the user named directly although a pattern covers it.
 */
export async function discoverBeside(files: string[]): Promise<{ path: string; stream: string }[]> {
  const folders = [...new Set(files.map((f) => path.dirname(f)))];
  const { sources } = await discoverSources(folders, { maxDepth: 0, exclude: [] });
  return sources;
}

export async function loadRejects(dbPath: string, limit = REJECTS_SHOWN): Promise<RejectsPage> {
  return toRejectsPage(await offThread.rejects(dbPath, limit));
}
