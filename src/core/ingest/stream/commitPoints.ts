/**
 * Stage 5 of reading a stream: the native engine's chunked commits of a fresh read
 * (LoadMode.chunked). Starting releases the stream's `tl_stream` savepoint (a fresh read needs no
 * rollback to re-read: its committed chunks are whole rows with their identities, so a re-run
 * after a kill counts them as present); from then on the run's `commitPoint` is offered
 *  - every 1,024 rows handed over one by one, and after every encoded batch of the workers,
 *  - after every native flush of the writer (256 rows): a worker's batch (4,096 rows) on a loaded
 *    machine can take long enough to hold the write lock well past its chunk,
 *  - every 50 ms while this thread waits for the parse workers (their start-up, a starved worker):
 *    the open transaction would hold the lock with nothing to do. The timer runs only between
 *    batches, where every row handed over can be flushed and no savepoint is open.
 * Each offer flushes the writer first, so every row handed over is in the table.
 */
import type { RunContext } from '../streamIngest';
import type { TableWriter } from '../tableWriter';

/** How often a chunked native read that waits for its parse workers checks whether its chunk is due. */
const IDLE_COMMIT_CHECK_MS = 50;
/** Rows handed over one by one between two offers. */
const ROWS_PER_OFFER = 1024;

export interface CommitPoints {
  /** a row was handed over */
  row(): void;
  /** an encoded batch of rows was handed over */
  batch(): void;
  /** stops the idle timer (the stream's read is over, or failed) */
  stop(): void;
}

/** Only for a chunked read (`ctx.commitPoint` set, a fresh stream). */
export function startCommitPoints(ctx: RunContext, writer: TableWriter): CommitPoints {
  if (ctx.inStreamSavepoint) {
    ctx.db.run('RELEASE tl_stream');
    ctx.inStreamSavepoint = false;
  }
  let sinceOffer = 0;
  const offer = (): void => {
    writer.flush();
    ctx.commitPoint!();
  };
  writer.afterFlush = () => ctx.commitPoint!();
  const idle = setInterval(offer, IDLE_COMMIT_CHECK_MS);
  return {
    row: () => {
      if (++sinceOffer >= ROWS_PER_OFFER) {
        sinceOffer = 0;
        offer();
      }
    },
    batch: offer,
    stop: () => clearInterval(idle),
  };
}
