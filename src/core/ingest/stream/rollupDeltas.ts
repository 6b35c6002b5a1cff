/**
 * Stage 3 of reading a stream: its rollup deltas. An event table with a time column gets an
 * accumulation of the rollup contributions of the rows this read inserts (summed as they go in,
 * committed to the run's deltas only once the stream is in); `setup` is the same as plain data
 * for the parse workers of a fresh read, which sum their rows' share themselves.
 */
import type { RollupSetup, TableRollupDeltas } from '../../rollups/deltas';
import { listEventTables } from '../../rollups/refresh';
import type { TableMapper } from '../mappers';
import type { RunContext } from '../streamIngest';

export interface StreamRollups {
  setup: RollupSetup | null;
  deltas: TableRollupDeltas | null;
}

export function streamRollups(ctx: RunContext, mapper: TableMapper): StreamRollups {
  const rollupTable = listEventTables(ctx.db).find((t) => t.name === mapper.table && t.tsColumn !== null);
  const setup = rollupTable ? ctx.rollupDeltas.setup(rollupTable, mapper.columns) : null;
  const deltas = rollupTable && setup ? ctx.rollupDeltas.begin(rollupTable, mapper.columns, setup) : null;
  return { setup, deltas };
}
