import * as path from 'path';
import type { IngestProgress } from '../../core/ingest';
import { formatBytes, formatCount } from './format';

export interface ProgressStep {
  message: string;
  /** Percent to add to the notification's bar (vscode.Progress increments are relative). */
  increment: number;
}

/** Reading is most of the work; the last 5 % stand for writing the database and rollups. */
const READ_SHARE = 95;

/**
 * Turns the engine's progress events into notification updates: a readable message and a
 * monotonic bar. Throttled (the engine may report every batch) except on phase changes.
 */
export class ProgressTracker {
  private reported = 0;
  private lastAt = Number.NEGATIVE_INFINITY;
  private lastPhase: IngestProgress['phase'] | undefined;

  constructor(private readonly minIntervalMs = 100) {}

  next(p: IngestProgress, nowMs: number): ProgressStep | undefined {
    const phaseChanged = p.phase !== this.lastPhase;
    if (!phaseChanged && nowMs - this.lastAt < this.minIntervalMs) return undefined;
    this.lastPhase = p.phase;
    this.lastAt = nowMs;
    const target = targetPercent(p);
    const increment = Math.max(0, target - this.reported);
    this.reported += increment;
    return { message: progressMessage(p), increment };
  }
}

function targetPercent(p: IngestProgress): number {
  switch (p.phase) {
    case 'read':
      return p.bytesTotal > 0 ? Math.min(READ_SHARE, (p.bytesDone / p.bytesTotal) * READ_SHARE) : 0;
    case 'write':
    case 'rollups':
      return READ_SHARE;
    case 'done':
      return 100;
    default:
      return 0;
  }
}

export function progressMessage(p: IngestProgress): string {
  switch (p.phase) {
    case 'discover':
      return 'Finding telemetry files…';
    case 'schema':
      return 'Applying schema migrations…';
    case 'read': {
      const file = p.path ? `${path.basename(p.path)} — ` : '';
      return `Reading ${file}${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}, ${formatCount(p.rowsInserted)} new rows`;
    }
    case 'write':
      return `Writing ${formatCount(p.rowsInserted)} new rows to the database…`;
    case 'rollups':
      return 'Updating metrics…';
    case 'done':
      return 'Done';
  }
}
