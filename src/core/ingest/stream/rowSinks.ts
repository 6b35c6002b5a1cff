/**
 * Stage 6 of reading a stream: where its rows go (LoadMode.fresh decides which, for the whole
 * stream). Both count into the source's result and widen the stream's touched time range.
 * - freshRows: nothing of the stream is in the table, so every occurrence is new (seq =
 *   occurrence, counted here). The parse workers send encoded batches (`rows`) and sum the
 *   rollup deltas and time range of their rows themselves (`summary`): the per-row work stays
 *   off this thread.
 * - lookupRows: each content's copies are counted (point lookups, or the counts preloaded at
 *   once); a line beyond the copies the stream holds is inserted, or claims a row adopted by
 *   baseline; a fast read that meets content the stream already has throws NeedFullRead.
 * Stage 8, the touched range: recordTouchedRange hands the stream's range to the run.
 */
import type { SqlValue } from '../../db/database';
import type { TableRollupDeltas } from '../../rollups/deltas';
import { HashCounter } from '../hashCounter';
import type { RowSink, WorkerSummarise } from '../lineRows';
import type { TableMapper } from '../mappers';
import type { RunContext } from '../streamIngest';
import type { CountKey, HashCount, TableWriter } from '../tableWriter';
import type { SourceResult } from '../types';
import type { CommitPoints } from './commitPoints';
import type { LoadMode } from './loadMode';
import type { StreamRollups } from './rollupDeltas';

/** Thrown inside a fast (append-only) read that met content the stream already has. */
export class NeedFullRead extends Error {}

/** The row side of one source's sink; the source adds its reject, blank and pending counts (sourceRead.ts). */
export type RowSide = Pick<RowSink, 'row' | 'rows' | 'summary'>;

export interface StreamRows {
  /** the row side of one source's sink: rows of `sourceId`, counted into `r` */
  forSource(sourceId: number, r: SourceResult): RowSide;
  /** what the parse workers sum themselves (fresh reads only) */
  summarise: WorkerSummarise | null;
  /** [min, max] event time of the rows inserted or claimed so far (min > max: none) */
  touched(): [number, number];
}

function timeIndex(mapper: TableMapper): number {
  return mapper.timeColumn ? mapper.columns.indexOf(mapper.timeColumn) : -1;
}

export function freshRows(writer: TableWriter, sid: number, mapper: TableMapper, rollups: StreamRollups, commits: CommitPoints | null): StreamRows {
  const { deltas } = rollups;
  const freshCounter = new HashCounter();
  const timeAt = timeIndex(mapper);
  let touchedMin = Infinity;
  let touchedMax = -Infinity;
  return {
    summarise: { timeAt, rollup: rollups.setup },
    touched: () => [touchedMin, touchedMax],
    forSource(sourceId, r) {
      // nothing of this stream in the table yet: every occurrence is new, seq = occurrence
      const row = (line: number, vals: SqlValue[], at: number, h: number): void => {
        writer.add(vals, at, h, sid, freshCounter.increment(h), sourceId, line);
        deltas?.add(vals, at);
        r.inserted++;
        commits?.row();
        if (timeAt >= 0) {
          const t = vals[at + timeAt];
          if (typeof t === 'number') {
            if (t < touchedMin) touchedMin = t;
            if (t > touchedMax) touchedMax = t;
          }
        }
      };
      // every row is inserted: workers send encoded batches, and sum the rollup deltas and
      // time range of their rows themselves (the per-row work stays off this thread)
      let seqs = new Float64Array(0);
      return {
        row,
        rows: (b) => {
          if (seqs.length < b.rows) seqs = new Float64Array(b.rows * 2);
          for (let i = 0; i < b.rows; i++) seqs[i] = freshCounter.increment(b.hashes[i]);
          writer.addBatch(b, seqs, sid, sourceId);
          r.inserted += b.rows;
          commits?.batch();
        },
        summary: (s) => {
          if (s.time) {
            if (s.time[0] < touchedMin) touchedMin = s.time[0];
            if (s.time[1] > touchedMax) touchedMax = s.time[1];
          }
          if (deltas) {
            if (s.deltas) deltas.absorb(s.deltas);
            else deltas.invalidate();
          }
        },
      };
    },
  };
}

export function lookupRows(writer: TableWriter, sid: number, mapper: TableMapper, mode: LoadMode, deltas: TableRollupDeltas | null): StreamRows {
  const { preloaded, hasHeads } = mode;
  const counts = new Map<CountKey, HashCount>();
  if (preloaded) writer.loadCounts(sid, counts);
  const timeAt = timeIndex(mapper);
  let touchedMin = Infinity;
  let touchedMax = -Infinity;
  const touch = (vals: SqlValue[], at: number): void => {
    if (timeAt >= 0) {
      const t = vals[at + timeAt];
      if (typeof t === 'number') {
        if (t < touchedMin) touchedMin = t;
        if (t > touchedMax) touchedMax = t;
      }
    }
  };
  return {
    summarise: null,
    touched: () => [touchedMin, touchedMax],
    forSource(sourceId, r) {
      const row = (line: number, vals: SqlValue[], at: number, h: number): void => {
        const key = writer.countKey(h, vals, at);
        let c = counts.get(key);
        if (!c) {
          c = preloaded ? { n: 0, max: 0, seen: 0 } : writer.lookupCount(sid, h, vals, at);
          if (c.n > 0 && hasHeads) throw new NeedFullRead();
          counts.set(key, c);
        } else if (preloaded && c.seen === 0 && c.n > 0 && hasHeads) throw new NeedFullRead();
        c.seen++;
        if (c.seen <= c.n) {
          r.present++;
          return;
        }
        c.n++;
        c.max++;
        if (writer.hasAdopted && writer.claim(vals, at, h, sid, c.max, sourceId, line)) {
          // a claim may fill NULL columns of a row the rollups already count: refresh its buckets by SQL
          deltas?.invalidate();
          touch(vals, at);
          r.present++;
          return;
        }
        writer.add(vals, at, h, sid, c.max, sourceId, line);
        deltas?.add(vals, at);
        r.inserted++;
        touch(vals, at);
      };
      return { row };
    },
  };
}

/** Widens the run's touched time range of `table` (the rollups refresh only what was touched). */
export function recordTouchedRange(ctx: RunContext, table: string, [min, max]: [number, number]): void {
  if (!(min <= max)) return;
  const prev = ctx.touched.get(table);
  ctx.touched.set(table, prev ? [Math.min(prev[0], min), Math.max(prev[1], max)] : [min, max]);
}
