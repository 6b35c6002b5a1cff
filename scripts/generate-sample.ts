// Writes sample telemetry (src/sample) for the demo, tests and benchmarks.
//   node --import tsx scripts/generate-sample.ts --out DIR [--events N] [--seed S] [--now ISO|ms] [--json]
//       → DIR/.claude/... (every source shape of telemetry-formats.md, messy cases included)
//   node --import tsx scripts/generate-sample.ts --big-routing FILE [--lines 1000000] [--seed S] [--now ISO|ms]
//       → one big routing-metrics.jsonl (both router shapes), streamed
import * as sample from '../src/sample';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    events: { type: 'string', default: '200' },
    seed: { type: 'string', default: '42' },
    now: { type: 'string' },
    json: { type: 'boolean', default: false },
    'big-routing': { type: 'string' },
    lines: { type: 'string', default: '1000000' },
  },
});
const now = values.now === undefined ? Date.now() : /^\d+$/.test(values.now) ? Number(values.now) : Date.parse(values.now);
if (Number.isNaN(now)) throw new Error(`--now: cannot read '${values.now}' as a date`);

if (values['big-routing']) {
  const stats = sample.writeBigRoutingMetrics(values['big-routing'], Number(values.lines), { seed: Number(values.seed), now });
  console.log(values.json ? JSON.stringify(stats) : `wrote ${stats.lines} lines (${(stats.bytes / 1e6).toFixed(1)} MB) to ${values['big-routing']} in ${stats.ms} ms`);
} else if (values.out) {
  const corpus = sample.generateTelemetry({ outDir: values.out, eventsPerSource: Number(values.events), seed: Number(values.seed), now });
  if (values.json) console.log(JSON.stringify(corpus, null, 2));
  else {
    const rows = Object.values(corpus.tables).reduce((a, b) => a + b, 0);
    console.log(`wrote ${corpus.files.length} telemetry files (${rows} valid events) under ${corpus.root}`);
  }
} else {
  console.error('usage: generate-sample.ts --out DIR [--events N] | --big-routing FILE [--lines N]   [--seed S] [--now ISO|ms] [--json]');
  process.exit(2);
}
