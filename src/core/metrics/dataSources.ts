import type { SqlDatabase as Database } from '../db/database';
import { V1_EVENT_TABLES } from '../schema/builtin/V1__telemetry_core';
import { prepareForMetrics } from './context';
import { tableWriterModes, writerModeText } from '../ingest/writerMode';
import { listEventTables } from '../rollups/refresh';
import { mintDrillKey } from './drillTargets';
import { num, numOrNull, queryOne, queryRows, quoteIdent } from '../db/queryHelpers';
import type { DataSourceRow, DataSourcesData, DataSourcesSummary, EventSpan, FreshnessStatus, MetricsOptions } from './types';

import { DEFAULT_FRESHNESS, freshnessStatus } from '../time/freshness';

export { DEFAULT_FRESHNESS, freshnessStatus };

/**
 * First and newest event over every event table (rows other programs wrote included), or null
 * when there are none: where the data is, for a dashboard range that holds none of it.
 */
export function getEventSpan(db: Database): EventSpan | null {
  prepareForMetrics(db);
  const r = queryOne<{ first_at: number | null; last_at: number | null }>(
    db,
    `SELECT min(first_at) AS first_at, max(last_at) AS last_at FROM rollup_event_block WHERE grain_days = 64`,
  );
  const first = numOrNull(r?.first_at);
  const last = numOrNull(r?.last_at);
  return first === null || last === null ? null : { first, last };
}

export function summarise(sources: DataSourceRow[]): DataSourcesSummary {
  const count = (s: FreshnessStatus) => sources.filter((x) => x.status === s).length;
  const s = { total: sources.length, live: count('live'), stale: count('stale'), frozen: count('frozen'), empty: count('empty') };
  const text =
    s.total === 0 ? 'no telemetry tables yet' : `${s.live} of ${s.total} sources live, ${s.stale} stale, ${s.frozen} frozen${s.empty ? `, ${s.empty} empty` : ''}`;
  return { ...s, text };
}

/**
 * Every event table (known and inferred) with its row count, first/last event and freshness.
 * Counts come from the per-table hourly rollup; tables without a time column are counted
 * directly (they are small inferred tables).
 */
export function getDataSources(db: Database, options: MetricsOptions = {}): DataSourcesData {
  prepareForMetrics(db);
  const nowSeconds = Math.floor(options.nowSeconds ?? Date.now() / 1000);
  const thresholds = options.freshness ?? DEFAULT_FRESHNESS;
  // V1's tables, and a catalogue table another source added once a known stream feeds it (not an
  // inferred table of the same name: a file of that name in another program's shape)
  const known = new Set<string>(V1_EVENT_TABLES);
  if (queryOne(db, `SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'ingest_streams'`)) {
    for (const r of queryRows<{ table_name: string }>(db, `SELECT DISTINCT table_name FROM ingest_streams WHERE kind <> 'inferred'`)) known.add(r.table_name);
  }
  const rolled = new Map(
    queryRows<{ table_name: string; n: number; first_at: number | null; last_at: number | null }>(
      db,
      // all time = every 64-day block (each hour lies in exactly one)
      `SELECT table_name, sum(events) AS n, min(first_at) AS first_at, max(last_at) AS last_at FROM rollup_event_block WHERE grain_days = 64 GROUP BY table_name`,
    ).map((r) => [r.table_name, r]),
  );
  const sources = listEventTables(db).map((t): DataSourceRow => {
    const r = rolled.get(t.name);
    const rows = t.tsColumn ? num(r?.n) : num(queryOne<{ n: number }>(db, `SELECT count(*) AS n FROM ${quoteIdent(t.name)}`)?.n);
    const lastEventAt = numOrNull(r?.last_at);
    const ageSeconds = lastEventAt === null ? null : nowSeconds - lastEventAt;
    return {
      table: t.name,
      drillKey: mintDrillKey('table', t.name),
      knownFormat: known.has(t.name),
      rows,
      firstEventAt: numOrNull(r?.first_at),
      lastEventAt,
      ageSeconds,
      status: freshnessStatus(rows, ageSeconds, thresholds),
    };
  });
  const modes = tableWriterModes(db, sources.map((s) => s.table));
  for (const s of sources) {
    const m = modes.get(s.table);
    if (!m) continue;
    s.writerMode = m.mode;
    s.writerAgreementPercent = m.agreementPercent;
    s.writerModeText = writerModeText(m);
  }
  sources.sort((a, b) => Number(b.knownFormat) - Number(a.knownFormat) || a.table.localeCompare(b.table));
  return { sources, summary: summarise(sources), thresholds, nowSeconds };
}
