/**
 * Stage 4 of reading a stream: how its rows go in, decided once for the whole stream.
 * - fresh: the stream has no rows and nothing adopted, so every line is a new row (no identity
 *   lookups, occurrence numbers counted here) — else every row is looked up;
 * - bulk: a big read into a table that will mostly hold new rows drops the table's indexes and
 *   recreates them at the end (bulkIndexes.ts); never with chunked commits (a kill between chunks
 *   would leave the indexes dropped), and only for a fresh stream;
 * - preloaded: a big re-read loads the stream's hash counts at once instead of point lookups;
 * - chunked: a fresh stream on the native engine commits in chunks (commitPoints.ts);
 * - hasHeads: a fast (append-only) read continues a file whose head the database has: a line
 *   that meets content the stream already has then needs the full re-read (NeedFullRead).
 */
import type { SqlDatabase as Database } from '../../db/database';
import { dropIndexesForBulkLoad, type DroppedIndexes } from '../bulkIndexes';
import type { ReadPlan } from '../ledger';
import { quoteIdent, scalar, tableExists } from '../sql';
import type { RunContext } from '../streamIngest';
import type { TableWriter } from '../tableWriter';

/** Re-reads bigger than this load the stream's hash counts at once instead of point lookups. */
const BULK_LOOKUP_BYTES = 16 * 1024 * 1024;

export interface LoadMode {
  fresh: boolean;
  bulk: DroppedIndexes | null;
  preloaded: boolean;
  chunked: boolean;
  hasHeads: boolean;
}

function bytesToRead(plans: ReadPlan[]): number {
  return plans.reduce((s, p) => s + Math.max(0, p.source.size - p.startOffset), 0);
}

/**
 * True when the stream has no rows and nothing adopted (no identity lookups will be needed)
 * and the table holds fewer rows than about half of what this read brings (~200 bytes a line).
 */
function mostlyNew(db: Database, table: string, sid: number, bytes: number): boolean {
  if (!tableExists(db, table)) return false;
  const t = quoteIdent(table);
  if (scalar(db, `SELECT 1 FROM ${t} WHERE stream_id IN (0, ?) LIMIT 1`, [sid]) !== null) return false;
  return Number(scalar(db, `SELECT count(*) FROM ${t}`)) * 2 < bytes / 200;
}

/** The bulk-load part, decided (and the indexes dropped) before the table's writer prepares its statements. */
export function bulkLoadFor(ctx: RunContext, sid: number, table: string, plans: ReadPlan[]): DroppedIndexes | null {
  const bytes = bytesToRead(plans);
  // not with chunked native commits: a kill between chunks would leave the indexes dropped
  return !ctx.commitPoint && bytes >= ctx.bulkLoadMinBytes && mostlyNew(ctx.db, table, sid, bytes) ? dropIndexesForBulkLoad(ctx.db, table) : null;
}

/** The rest, which asks the table's writer what the stream already has. */
export function loadMode(ctx: RunContext, writer: TableWriter, sid: number, plans: ReadPlan[], bulk: DroppedIndexes | null): LoadMode {
  const fresh = !writer.streamHasRows(sid) && !writer.hasAdopted;
  if (bulk && !fresh) throw new Error('internal: bulk load chosen for a stream that needs identity lookups');
  return {
    fresh,
    bulk,
    preloaded: !fresh && bytesToRead(plans) > BULK_LOOKUP_BYTES,
    // a fresh stream needs no lookups and so no savepoint: on the native engine it commits in
    // chunks between batches (every row handed over is flushed first)
    chunked: fresh && ctx.commitPoint !== undefined,
    hasHeads: plans.some((p) => p.mode === 'fast' && p.startLine > 0),
  };
}
