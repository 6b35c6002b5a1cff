/**
 * The shapes the extension's ingest UI works with. The adapter (engineAdapter.ts) maps the
 * core engine's reports onto these, so the UI texts can be built and tested without vscode
 * and without depending on every detail of the engine's report types.
 */

import type { SourceResult } from '../../core/ingest';

/** One file as the audit (dry run) sees it. */
export interface AuditedFile {
  path: string;
  /** Catalogue kind (e.g. `routing-metrics`) or `inferred`. */
  kind: string;
  table: string;
  sizeBytes: number;
  lines: number;
  /** Lines not yet in the database. */
  newLines: number;
  /** Lines that cannot become rows (they go to the rejects list). */
  rejected?: number;
  /** A final line still being written. */
  pending?: number;
  /** `live` / `stale` / `frozen` by last event time, when known. */
  freshness?: string;
}

import type { SourceProblem as ResolvedSourceProblem } from '../../core/ingest/sources/settings';

/** A problem as the Migrate preview shows it: from resolving the sources setting or from the audit's discovery. */
export type SourceProblem = Pick<ResolvedSourceProblem, 'path' | 'message'>;

export interface AuditView {
  files: AuditedFile[];
  problems: SourceProblem[];
  /** Unknown `*.jsonl` files skipped by `telemetryLens.exclude` (session transcripts…). */
  excludedFiles?: number;
}

/** Per-source counts after an ingest run: the engine's docs/architecture.md `migrate --json` sources[] shape. */
export type IngestedFile = SourceResult;

export interface IngestView {
  files: IngestedFile[];
  /** files the run did not import (gone since the preview, or failed as a whole); absent when none */
  problems?: SourceProblem[];
  migrationsApplied: string[];
  durationMs: number;
  cancelled: boolean;
}

/** One mismatch or note from verify. */
export interface VerifyFinding {
  /** source: rows missing from the database; skill-total: a skill_metrics.json total differs; issue: unreadable/missing source; dual-read: the JSONL and the rows a program wrote disagree. */
  kind: 'source' | 'skill-total' | 'issue' | 'dual-read';
  path?: string;
  table?: string;
  message: string;
}

export interface VerifyView {
  ok: boolean;
  sourcesChecked: number;
  findings: VerifyFinding[];
  /** per dual-written or cut-over source: one line of the dual-read (docs/writer-contract.md) */
  dualRead?: string[];
}

/** One row of ingest_rejects. */
export interface RejectRow {
  path: string;
  /** 1-based line; for a JSON document (skill_metrics.json) the element number instead. */
  line: number;
  /** The source is one JSON document: `line` counts elements, not file lines. */
  inDocument?: boolean;
  reason: string;
  raw: string;
  at?: number;
}

export interface IngestTotals {
  files: number;
  inserted: number;
  present: number;
  rejected: number;
  pending: number;
}

export function totalsOf(view: Pick<IngestView, 'files'>): IngestTotals {
  const t: IngestTotals = { files: view.files.length, inserted: 0, present: 0, rejected: 0, pending: 0 };
  for (const f of view.files) {
    t.inserted += f.inserted;
    t.present += f.present;
    t.rejected += f.rejected;
    t.pending += f.pending;
  }
  return t;
}
