/**
 * Fast writer of one big `routing-metrics.jsonl` for benchmarks (1M lines ≈ 240 MB in a few
 * seconds): both router shapes (the router's own line and the evaluated line), seconds, float
 * seconds and milliseconds, `correct` as boolean/string/absent. Lines are built with string
 * templates (not JSON.stringify) and written in ~4 MB chunks, so memory stays flat.
 *
 *   writeBigRoutingMetrics('/tmp/bench/routing-metrics.jsonl', 1_000_000, { seed: 1, now: Date.now() })
 *   // → { lines, bytes, evaluated, correctTrue, ms }  (evaluated = evaluated-shape lines;
 *   //    correctTrue = lines whose accuracy must import as 1, derived or explicit)
 */
import * as fs from 'node:fs';
import { Prng } from './prng';
import { MODELS, QUERIES } from './vocabulary';

export interface BigFileStats {
  lines: number;
  bytes: number;
  evaluated: number;
  correctTrue: number;
  ms: number;
}

const REASONS = [
  'complexity above haiku threshold; code context present',
  'short factual question; cheapest model suffices',
  'multi-file refactor; long context and planning needed',
  'expertise match for database domain raised the tier',
];

export function writeBigRoutingMetrics(file: string, lines: number, opts: { seed?: number; now?: number; spanDays?: number } = {}): BigFileStats {
  const started = Date.now();
  const rng = new Prng(opts.seed ?? 1);
  const endMs = opts.now ?? Date.now();
  const spanMs = (opts.spanDays ?? 90) * 86_400_000;
  const stepMs = spanMs / Math.max(1, lines);
  const fd = fs.openSync(file, 'w');
  const stats: BigFileStats = { lines: 0, bytes: 0, evaluated: 0, correctTrue: 0, ms: 0 };
  let chunk = '';
  try {
    for (let i = 0; i < lines; i++) {
      const tMs = endMs - spanMs + i * stepMs;
      const ts = i % 7 === 0 ? String(Math.floor(tMs)) : i % 5 === 0 ? (Math.floor(tMs) / 1000).toFixed(3) : String(Math.floor(tMs / 1000));
      const complexity = (rng.next() * 0.9 + 0.05).toFixed(2);
      let line: string;
      if (rng.next() < 0.4) {
        line = `{"ts":${ts},"query_hash":"${rng.hex(12)}","complexity":${complexity},"model":"${MODELS[i % 3]}","dq":${(rng.next() * 0.6 + 0.39).toFixed(2)},"latency_ms":${3 + (i % 37)}}`;
      } else {
        const predicted = MODELS[Math.floor(rng.next() * 3)];
        const actual = rng.next() < 0.8 ? predicted : MODELS[Math.floor(rng.next() * 3)];
        const correct = predicted === actual;
        const correctField = i % 3 === 0 ? '' : i % 3 === 1 ? `,"correct":${correct}` : `,"correct":"${correct}"`;
        line =
          `{"ts":${ts},"query":"${QUERIES[i % QUERIES.length]} (#${i})","predicted_model":"${predicted}","actual_model":"${actual}",` +
          `"dq_score":${(rng.next() * 0.7 + 0.29).toFixed(3)},"complexity":${complexity}${correctField},"latency_ms":${8 + (i % 113)},` +
          `"cost_saved":${(rng.next() * 0.05).toFixed(4)},"reasoning":"${REASONS[i % REASONS.length]}","session_id":"${rng.hex(8)}","source":"router-v2"}`;
        stats.evaluated++;
        if (correct) stats.correctTrue++;
      }
      chunk += line + '\n';
      stats.lines++;
      if (chunk.length >= 4 << 20) {
        stats.bytes += fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    if (chunk) stats.bytes += fs.writeSync(fd, chunk);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  stats.ms = Date.now() - started;
  return stats;
}
