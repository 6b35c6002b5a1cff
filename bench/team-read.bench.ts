/**
 * The team's dashboard on a throwaway PostgreSQL cluster (test/team/pgCluster.ts): two machines'
 * routing tables of 1M rows each (BENCH_SCALE scales them; the same local database synced under two
 * machine names), read two ways side by side in this run:
 *   old  materialiseTeam: every team row copied into an in-memory SQLite image, rollups rebuilt there
 *   new  TeamRollupImage: rollups computed in PostgreSQL, only the rows the metrics read are copied
 * for (a) `report --db URL` (buildTeamReportData: every tab × every preset + row samples) and
 * (b) the Team scope's first payload (image + Overview of the last 7 days). Each measurement runs
 * in its own process, so its peak RSS is its own (process.resourceUsage().maxRSS).
 *   npm run bench team-read          BENCH_SCALE=0.1 npm run bench team-read
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCli } from '../src/cli/main';
import { computeTabPayload, resolveRange } from '../src/core/dashboard/tabPayload';
import { buildTeamReportData, materialiseTeam } from '../src/core/team/read';
import { TeamRollupImage } from '../src/core/team/rollupImage';
import { syncToTeam } from '../src/core/team/sync';
import { writeBigRoutingMetrics } from '../src/sample';
import { startPgCluster } from '../test/team/pgCluster';

const ROWS = Math.round(1_000_000 * Number(process.env.BENCH_SCALE ?? 1));
const cacheDir = path.join(os.tmpdir(), 'telemetry-lens-bench');
/** inside the data (which ends 2026-11-01), not on an hour */
const NOW = Date.UTC(2026, 10, 1) / 1000 - 5 * 3600 - 17 * 60 - 23;
const OPTIONS = { nowSeconds: NOW, timeZone: 'UTC' };

/** The same local database as team-sync.bench.ts (cached under the same name). */
async function localDatabase(): Promise<string> {
  fs.mkdirSync(cacheDir, { recursive: true });
  const cached = path.join(cacheDir, `team-sync-${ROWS}.db`);
  if (!fs.existsSync(cached)) {
    const src = path.join(cacheDir, `team-sync-src-${ROWS}`);
    fs.rmSync(src, { recursive: true, force: true });
    fs.mkdirSync(src, { recursive: true });
    writeBigRoutingMetrics(path.join(src, 'routing-metrics.jsonl'), ROWS, { seed: 1, now: Date.UTC(2026, 10, 1), spanDays: 60 });
    const tmp = `${cached}.building`;
    fs.rmSync(tmp, { force: true });
    const code = await runCli(['migrate', '--db', tmp, src], { out: () => undefined, err: (t) => process.stderr.write(t + '\n') });
    if (code !== 0) throw new Error('migrate failed');
    fs.renameSync(tmp, cached);
  }
  return cached;
}

type Mode = 'report-old' | 'report-new' | 'scope-old' | 'scope-new';

interface ChildResult {
  ms: number;
  maxRssMb: number;
  /** the JSON of what it computed */
  file: string;
  copiedRows?: number;
}

/** Compares two results: exact, but doubles to 1e-12 relative (sums added in another order); counts those. */
function compare(a: unknown, b: unknown, found = { differ: [] as string[], lastBits: 0 }, where = '$'): typeof found {
  if (typeof a === 'number' && typeof b === 'number') {
    if (a !== b) {
      if (Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b))) found.lastBits++;
      else found.differ.push(`${where}: ${a} vs ${b}`);
    }
  } else if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') {
    if (JSON.stringify(a) !== JSON.stringify(b)) found.differ.push(`${where}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  } else {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], found, `${where}.${k}`);
  }
  return found;
}

/** One measurement in this (child) process. */
async function child(mode: Mode, url: string): Promise<ChildResult> {
  const t = Date.now();
  let out: unknown;
  let copiedRows: number | undefined;
  if (mode === 'report-old' || mode === 'report-new') {
    const data = await buildTeamReportData(url, { ...OPTIONS, via: mode === 'report-old' ? 'copy' : 'rollups' });
    out = { payloads: data.payloads, samples: data.samples, span: data.span };
  } else {
    const range = resolveRange({ preset: '7d' }, NOW);
    if (mode === 'scope-old') {
      const db = await materialiseTeam(url);
      out = computeTabPayload(db, 'overview', range, OPTIONS);
      db.close();
    } else {
      const image = await TeamRollupImage.open(url);
      await image.prepareFor(range, OPTIONS);
      out = computeTabPayload(image.db, 'overview', range, OPTIONS);
      copiedRows = image.eventRows();
      image.close();
    }
  }
  const ms = Date.now() - t;
  const file = path.join(os.tmpdir(), `tl-team-read-${mode}-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(out));
  return { ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), file, copiedRows };
}

function measure(mode: Mode, url: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename], { env: { ...process.env, TL_BENCH_CHILD: mode, TL_BENCH_URL: url }, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  console.log(`building/reading the local database (${ROWS} routing rows)…`);
  const db = await localDatabase();
  const pg = await startPgCluster();
  try {
    let t = Date.now();
    for (const machine of ['alpha', 'beta']) {
      const r = await syncToTeam(db, pg.url, { machine });
      if (!r.validation?.ok) throw new Error(`sync of ${machine} did not validate`);
    }
    pg.psql('VACUUM ANALYZE');
    const teamRows = Number(pg.psql('SELECT count(*) FROM routing_metrics_events').trim());
    console.log(`team database: ${teamRows} routing rows of 2 machines (synced in ${((Date.now() - t) / 1000).toFixed(1)} s)`);
    const line = (label: string, old: ChildResult, neu: ChildResult) => {
      console.log(`\n${label}`);
      console.log(`   old (materialiseTeam, every row)   ${(old.ms / 1000).toFixed(2)} s   peak RSS ${old.maxRssMb} MB`);
      console.log(`   new (rollups from PostgreSQL)      ${(neu.ms / 1000).toFixed(2)} s   peak RSS ${neu.maxRssMb} MB${neu.copiedRows !== undefined ? `   (${neu.copiedRows} event rows copied)` : ''}`);
      const found = compare(JSON.parse(fs.readFileSync(neu.file, 'utf8')), JSON.parse(fs.readFileSync(old.file, 'utf8')));
      for (const f of [old.file, neu.file]) fs.rmSync(f, { force: true });
      const same = found.differ.length ? `DIFFER: ${found.differ.slice(0, 3).join('; ')}` : `equal${found.lastBits ? ` (${found.lastBits} sums of doubles differ in the last bits, < 1e-12 relative)` : ''}`;
      console.log(`   ratio old/new: time ${(old.ms / neu.ms).toFixed(1)}x, peak RSS ${(old.maxRssMb / neu.maxRssMb).toFixed(1)}x; results ${same}`);
    };
    t = Date.now();
    line('(a) report --db URL data (7 tabs × 4 presets + samples), all machines', measure('report-old', pg.url), measure('report-new', pg.url));
    line('(b) Team scope: first payload (Overview, last 7 days), all machines', measure('scope-old', pg.url), measure('scope-new', pg.url));
  } finally {
    pg.stop();
  }
}

if (process.env.TL_BENCH_CHILD) {
  child(process.env.TL_BENCH_CHILD as Mode, process.env.TL_BENCH_URL!)
    .then((r) => console.log(JSON.stringify(r)))
    .catch((e) => {
      console.error(e instanceof Error ? e.stack : e);
      process.exit(1);
    });
} else {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
