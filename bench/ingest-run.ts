/**
 * Child process of ingest-backfill.bench.ts: one migrate run, timed by phase, peak RSS.
 * Usage: node --import tsx bench/ingest-run.ts DB PATH  → prints one JSON line.
 */
import { migrateSources } from '../src/core/ingest';

(async () => {
  const [db, src] = process.argv.slice(2);
  const t0 = performance.now();
  const phases: Record<string, number> = {};
  const r = await migrateSources(db, [src], {
    tz: 'UTC',
    onProgress: (p) => {
      if (!(p.phase in phases)) phases[p.phase] = Math.round(performance.now() - t0);
    },
  });
  const ms = Math.round(performance.now() - t0);
  const inserted = r.sources.reduce((n, s) => n + s.inserted, 0);
  process.stdout.write(JSON.stringify({ ms, phases, inserted, rows: r.tables, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
