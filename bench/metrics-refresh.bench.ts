/**
 * Keeping rollups current on a 1M-event database: refreshRollups() after a live-ingest-sized
 * append (what ingest runs inside every write) next to a full rollup rebuild (the baseline:
 * what keeping aggregates without touched ranges would cost), in the same run.
 *
 *   node --import tsx bench/metrics-refresh.bench.ts        (or npm run bench metrics-; BENCH_SCALE=0.1 for a quick run)
 */
import { rebuildRollups, refreshRollups } from '../src/core/metrics';
import { buildDatabase, NOW } from './metrics-fixture';

async function main(): Promise<void> {
  const db = await buildDatabase();
  let t0 = performance.now();
  rebuildRollups(db);
  const rebuildMs = performance.now() - t0;

  const appendMs: number[] = [];
  for (let batch = 0; batch < 5; batch++) {
    // 100 routing rows + 20 tool rows in the last minutes, as a live ingest brings them
    const base = NOW - 600 + batch * 60;
    db.run('BEGIN');
    for (let i = 0; i < 100; i++) {
      db.run(
        `INSERT INTO routing_metrics_events (timestamp, predicted_model, actual_model, accuracy, latency_ms, row_hash, row_seq) VALUES (?, 'haiku', 'sonnet', 0, ?, ?, 1)`,
        [base + (i % 60), 10 + i, 9_000_000 + batch * 1000 + i],
      );
    }
    for (let i = 0; i < 20; i++) {
      db.run(`INSERT INTO tool_events (timestamp, tool, success, row_hash, row_seq) VALUES (?, 'Bash', 1, ?, 1)`, [base + i, 9_500_000 + batch * 1000 + i]);
    }
    t0 = performance.now();
    refreshRollups(db, [
      { table: 'routing_metrics_events', minTs: base, maxTs: base + 59 },
      { table: 'tool_events', minTs: base, maxTs: base + 19 },
    ]);
    appendMs.push(performance.now() - t0);
    db.run('COMMIT');
  }
  const median = appendMs.sort((a, b) => a - b)[2];
  console.log(`refreshRollups after appending 120 rows: median ${median.toFixed(1)} ms (5 batches)`);
  console.log(`full rollup rebuild (baseline):          ${rebuildMs.toFixed(0)} ms`);
  console.log(`ratio: ${(rebuildMs / median).toFixed(0)}× less work per live ingest`);
  db.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
