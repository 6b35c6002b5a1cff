/**
 * Stage 1 of reading a stream: its mapper. A catalogue source maps by its known entry; any other
 * file gets an inferred table, whose keys and types are learnt over exactly the bytes the write
 * pass will read (`limits`: where each plan's read stops, so lines appended meanwhile wait).
 */
import { KNOWN_SOURCES } from '../../formats/catalogue';
import { growInferredTable, KeyObserver } from '../inferred';
import type { ReadPlan } from '../ledger';
import { buildMapper, type MapperSpec } from '../lineRows';
import type { TableMapper } from '../mappers';
import { scanJsonl } from '../scan';
import type { RunContext } from '../streamIngest';

export interface StreamMapper {
  mapper: TableMapper;
  /** inferred streams: the byte where each plan's read stops (none: to the end of the file) */
  limits: Map<ReadPlan, number>;
  /** what a parse worker builds the same mapper from */
  spec: MapperSpec;
}

export async function mapperFor(ctx: RunContext, plans: ReadPlan[]): Promise<StreamMapper> {
  const first = plans[0].source;
  const known = KNOWN_SOURCES.find((k) => k.kind === first.kind);
  const limits = new Map<ReadPlan, number>();
  if (known) {
    const spec: MapperSpec = { kind: known.kind, table: known.table, tz: ctx.tz, adoptedColumns: ctx.adoptedColumns.get(known.table) ?? null, inferredColumns: null };
    return { mapper: buildMapper(spec), limits, spec };
  }
  // inferred: learn keys and types over exactly the bytes the write pass will read
  const obs = new KeyObserver(ctx.tz);
  const noop = () => {};
  for (const p of plans) {
    const r = await scanJsonl(p.source.path, { record: (_l, rec) => obs.observe(rec), reject: noop, blank: noop, pending: noop }, {
      startOffset: p.startOffset,
      startLine: p.startLine,
      maxLineBytes: ctx.maxLineBytes,
      signal: ctx.signal,
    });
    limits.set(p, p.startOffset + r.bytesRead);
  }
  const columns = growInferredTable(ctx.db, first.table, obs);
  const spec: MapperSpec = { kind: first.kind, table: first.table, tz: ctx.tz, adoptedColumns: null, inferredColumns: columns };
  return { mapper: buildMapper(spec), limits, spec };
}
