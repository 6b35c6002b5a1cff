/**
 * Child process of ingest-backfill.bench.ts: one migrate run, timed by phase, peak RSS.
 * Usage: ingest-run DB PATH  → prints one JSON line.
 *        ingest-run DB --touch  → one trivial write through the storage engine (snapshot,
 *        a schema change that leaves no trace, verified whole-image write-back): the floor
 *        of any write to that database.
 */
import { withWrite } from '../src/core/db/database';
import { migrateSources } from '../src/core/ingest';

(async () => {
  const [db, src] = process.argv.slice(2);
  if (src === '--touch') {
    const t = performance.now();
    const phases: Record<string, number> = {};
    await withWrite(db, (d) => d.run('CREATE TABLE bench_touch (x); DROP TABLE bench_touch;'), { onPhase: (p) => void (phases[p] = Math.round(performance.now() - t)) });
    process.stdout.write(JSON.stringify({ ms: Math.round(performance.now() - t), phases, inserted: 0, rows: {}, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n');
    return;
  }
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
