/**
 * Stage 2 of reading a stream: its file generations (../generations.ts). A file at a known path
 * with a new inode while the old one is gone is its rewrite, or a new generation: a new
 * generation's plan drops the old entry and reads the file in full as a source of its own (the
 * old entry's rows are history). Entries whose file is gone get `missing_since`.
 */
import type { TableMapper } from '../mappers';
import { fileHashCounts, goneEntryIds, isNewGeneration, replacedEntries } from '../generations';
import type { LedgerEntry, ReadPlan } from '../ledger';
import type { RunContext } from '../streamIngest';
import type { DiscoveredSource } from '../types';

/** Rewrites `plans` of new generations in place; returns the ids of the entries whose file is gone. */
export async function settleFileGenerations(ctx: RunContext, sid: number, mapper: TableMapper, plans: ReadPlan[], entries: LedgerEntry[], files: DiscoveredSource[]): Promise<number[]> {
  const { db } = ctx;
  const newGenerations = new Set<LedgerEntry>();
  for (const [entry, file] of replacedEntries(entries, files)) {
    if (isNewGeneration(db, mapper.table, sid, entry, await fileHashCounts(file, mapper, ctx.signal, ctx.maxLineBytes))) newGenerations.add(entry);
  }
  for (const p of plans) {
    if (p.entry && newGenerations.has(p.entry)) Object.assign(p, { entry: null, mode: 'full', startOffset: 0, startLine: 0 });
  }
  const gone = goneEntryIds(entries, files, new Set(plans.flatMap((p) => (p.entry ? [p.entry.id] : []))), newGenerations);
  if (gone.length) db.run(`UPDATE ingest_sources SET missing_since = coalesce(missing_since, ?) WHERE id IN (${gone.join(', ')})`, [ctx.nowS]);
  return gone;
}
