/**
 * Claude Code usage, side by side with ccusage (the npm package's native binary) in one run:
 *  1. rules: one tiny history per exactness rule (docs/claude-code.md); ccusage's totals next to
 *     ours and the generator's truth, each difference named;
 *  2. a generated ~1 GB history (BENCH_SCALE scales it): first import (`migrate`) + `usage daily`
 *     vs `ccusage daily --json` (a full scan); totals of both against the truth;
 *  3. 1 MB of new lines appended: `migrate` (incremental) + `usage daily --json` vs ccusage's rescan,
 *     BENCH_ROUNDS times (default 3; each round appends its own 1 MB), medians compared.
 * Each contender runs as its own process (wall time from spawn to exit); ccusage is pointed at
 * the history with CLAUDE_CONFIG_DIR and runs --offline (its bundled prices).
 * ccusage: CCUSAGE_BIN=/path/to/ccusage, else fetched once with `npm pack` into the bench cache.
 * Telemetry Lens runs on both engines side by side: wasm (sql.js, this Node) and native
 * (node:sqlite, the Node 22 of scripts/node22.mjs, or TL_NODE22), each with its own database.
 *   npm run bench claude-usage          BENCH_SCALE=0.05 npm run bench claude-usage
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ClaudeHistoryBuilder, generateClaudeHistory, SAMPLE_MODELS, type ClaudeHistoryTruth } from '../src/sample/claudeTranscripts';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const BYTES = Math.round(1024 * 1024 * 1024 * SCALE);
const CCUSAGE_VERSION = '20.0.24';
const root = path.resolve(__dirname, '..');
const work = path.join(os.tmpdir(), 'telemetry-lens-bench', 'claude-usage');
const cli = path.join(root, 'dist', 'cli.js');

function ccusageBin(): string {
  if (process.env.CCUSAGE_BIN) return process.env.CCUSAGE_BIN;
  const dir = path.join(work, `ccusage-${CCUSAGE_VERSION}`);
  const bin = path.join(dir, 'package', 'bin', 'ccusage');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const pkg = `@ccusage/ccusage-${process.platform}-${process.arch}@${CCUSAGE_VERSION}`;
    const r = spawnSync('npm', ['pack', pkg, '--silent'], { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`npm pack ${pkg} failed: ${r.stderr}`);
    const tgz = r.stdout.trim().split('\n').pop()!;
    spawnSync('tar', ['xzf', tgz], { cwd: dir });
    fs.chmodSync(bin, 0o755);
  }
  return bin;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { ms: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, ...env } });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

interface Totals {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
  totalCost: number | null;
}

function ccusageDaily(config: string): { ms: number; totals: Totals } {
  const r = run(ccusageBin(), ['claude', 'daily', '--json', '--offline', '--timezone', 'UTC'], { CLAUDE_CONFIG_DIR: config });
  return { ms: r.ms, totals: JSON.parse(r.stdout).totals };
}

/** One way to run Telemetry Lens's CLI: a Node binary and an engine. */
interface Contender {
  name: string;
  node: string;
  engine: 'wasm' | 'native';
}

/** wasm on this Node; native on Node 22 when scripts/node22.mjs can provide it. */
function contenders(): Contender[] {
  const out: Contender[] = [{ name: `wasm (Node ${process.versions.node})`, node: process.execPath, engine: 'wasm' }];
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'node22.mjs')], { encoding: 'utf8' });
  const node22 = r.status === 0 ? r.stdout.trim().split('\n').pop()! : '';
  if (node22 && fs.existsSync(node22)) out.push({ name: `native (Node ${spawnSync(node22, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()})`, node: node22, engine: 'native' });
  else console.log(`   (no Node 22 for the native engine: ${r.stderr.trim() || 'scripts/node22.mjs failed'})`);
  return out;
}

function oursImport(db: string, config: string, c: Contender = { name: 'wasm', node: process.execPath, engine: 'wasm' }): number {
  return run(c.node, [cli, 'migrate', '--db', db, '--json', '--engine', c.engine, config]).ms;
}

function oursDaily(db: string, c: Contender = { name: 'wasm', node: process.execPath, engine: 'wasm' }): { ms: number; totals: Totals } {
  const r = run(c.node, [cli, 'usage', 'daily', '--db', db, '--json', '--tz', 'UTC', '--engine', c.engine]);
  return { ms: r.ms, totals: JSON.parse(r.stdout).totals };
}

function truthTotals(t: ClaudeHistoryTruth): Totals {
  const s = { inputTokens: 0, outputTokens: 0, cacheCreationTokens: 0, cacheReadTokens: 0, totalTokens: 0, totalCost: null };
  for (const r of t.responses) {
    s.inputTokens += r.input;
    s.outputTokens += r.output;
    s.cacheCreationTokens += r.cacheWrite5m + r.cacheWrite1h;
    s.cacheReadTokens += r.cacheRead;
  }
  s.totalTokens = s.inputTokens + s.outputTokens + s.cacheCreationTokens + s.cacheReadTokens;
  return s;
}

function fresh(p: string): string {
  for (const f of [p, `${p}-wal`, `${p}-shm`, `${p}-journal`, `${p}.lock`]) fs.rmSync(f, { force: true });
  return p;
}

const fmt = (n: number) => n.toLocaleString('en-US');
const cost = (c: number | null) => (c === null ? 'no price' : `$${c.toFixed(4)}`);

/** One tiny history per rule: the builder writes it, the truth says what must count. */
const RULES: { name: string; why: string; build: (b: ClaudeHistoryBuilder) => void }[] = [
  {
    name: 'streamed response (3 lines, same message.id + requestId)',
    why: 'ccusage keeps another line than the last (its older versions kept the first, partial one); we keep the last',
    build: (b) => b.response(b.session('-p'), Date.UTC(2026, 2, 1, 12), { model: SAMPLE_MODELS[0], input: 10, output: 900, cacheRead: 1000, cacheWrite5m: 100, cacheWrite1h: 0 }, { pieces: 3 }) && undefined,
  },
  {
    name: 'streamed response without requestId (2 lines)',
    why: 'ccusage cannot deduplicate without a requestId and sums both lines; we key on message.id',
    build: (b) => b.response(b.session('-p'), Date.UTC(2026, 2, 1, 12), { model: SAMPLE_MODELS[0], input: 10, output: 900, cacheRead: 1000, cacheWrite5m: 100, cacheWrite1h: 0 }, { pieces: 2, requestId: null }) && undefined,
  },
  {
    name: 'sidechain replay of a counted response (subagent file)',
    why: 'both deduplicate on message.id + requestId',
    build: (b) => {
      const s = b.session('-p');
      const r = b.response(s, Date.UTC(2026, 2, 1, 12), { model: SAMPLE_MODELS[0], input: 10, output: 900, cacheRead: 1000, cacheWrite5m: 100, cacheWrite1h: 0 });
      b.replay(b.subagent(s, '-p'), r.lines, 'sidechain-replay');
    },
  },
  {
    name: 'resumed session copying a response into a new file',
    why: 'both deduplicate on message.id + requestId',
    build: (b) => {
      const r = b.response(b.session('-p'), Date.UTC(2026, 2, 1, 12), { model: SAMPLE_MODELS[0], input: 10, output: 900, cacheRead: 1000, cacheWrite5m: 100, cacheWrite1h: 0 });
      b.replay(b.session('-p'), r.lines, 'resumed-session-copy');
    },
  },
  {
    name: 'subagent transcript (subagents/agent-*.jsonl)',
    why: 'both read subagent files',
    build: (b) => {
      const s = b.session('-p');
      b.prompt(s, Date.UTC(2026, 2, 1, 12), 'go');
      b.response(b.subagent(s, '-p'), Date.UTC(2026, 2, 1, 12, 1), { model: SAMPLE_MODELS[2], input: 5, output: 300, cacheRead: 500, cacheWrite5m: 0, cacheWrite1h: 0 });
    },
  },
  {
    name: 'API error line and <synthetic> line carrying usage',
    why: 'these lines carry no real usage; ccusage counts their tokens, we do not',
    build: (b) => b.errorLines(b.session('-p'), Date.UTC(2026, 2, 1, 12)),
  },
  {
    name: 'cache write split 5m / 1h',
    why: 'ccusage prices 1-hour cache writes at the 5-minute rate; we price them at their own (2x input) rate',
    build: (b) => b.response(b.session('-p'), Date.UTC(2026, 2, 1, 12), { model: SAMPLE_MODELS[0], input: 10, output: 100, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 10_000 }) && undefined,
  },
];

function rulesSection(): void {
  console.log('1. rules, one tiny history each (UTC; tokens = all four kinds; cost at bundled prices)');
  console.log(['rule', 'truth', 'ours', 'ccusage', 'verdict'].join(' | '));
  for (const [i, rule] of RULES.entries()) {
    const config = path.join(work, 'rules', String(i), '.claude');
    fs.rmSync(path.dirname(config), { recursive: true, force: true });
    const b = new ClaudeHistoryBuilder(config, 100 + i);
    rule.build(b);
    b.close();
    const truth = truthTotals(b.truth);
    const db = fresh(path.join(work, 'rules', String(i), 't.db'));
    oursImport(db, config);
    const ours = oursDaily(db).totals;
    const theirs = ccusageDaily(config).totals;
    const tok = (t: Totals) => `${fmt(t.totalTokens)} tok (out ${fmt(t.outputTokens)}) ${cost(t.totalCost)}`;
    const same = theirs.totalTokens === ours.totalTokens && Math.abs((theirs.totalCost ?? 0) - (ours.totalCost ?? 0)) < 1e-9;
    const oursRight = ours.totalTokens === truth.totalTokens;
    console.log(`${rule.name} | ${fmt(truth.totalTokens)} tok | ${tok(ours)}${oursRight ? '' : ' (≠ truth!)'} | ${tok(theirs)} | ${same ? 'agree' : `differ: ${rule.why}`}`);
  }
}

function bigHistory(): { config: string; truth: ClaudeHistoryTruth } {
  const dir = path.join(work, `history-${BYTES}`);
  const config = path.join(dir, '.claude');
  const marker = path.join(dir, 'truth.json');
  if (!fs.existsSync(marker)) {
    fs.rmSync(dir, { recursive: true, force: true });
    const t0 = performance.now();
    const truth = generateClaudeHistory({ dir: config, bulkBytes: BYTES, seed: 4 });
    fs.writeFileSync(marker, JSON.stringify({ responses: truth.responses, files: truth.files.length }));
    console.log(`   generated ${truth.files.length} transcripts, ${fmt(truth.responses.length)} responses in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const saved = JSON.parse(fs.readFileSync(marker, 'utf8'));
  return { config, truth: { responses: saved.responses, toolCalls: [], prompts: {}, sessions: [], files: [], coverage: {} } };
}

function folderBytes(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true } as never) as unknown as fs.Dirent[]) {
    if (e.isFile()) n += fs.statSync(path.join((e as unknown as { parentPath?: string; path: string }).parentPath ?? (e as unknown as { path: string }).path, e.name)).size;
  }
  return n;
}

function compare(label: string, truth: Totals, ours: Totals, theirs: Totals): void {
  console.log(`   ${label}: truth ${fmt(truth.totalTokens)} tok (out ${fmt(truth.outputTokens)}); ours ${fmt(ours.totalTokens)} tok (out ${fmt(ours.outputTokens)}) ${cost(ours.totalCost)} ${ours.totalTokens === truth.totalTokens && ours.outputTokens === truth.outputTokens ? '= truth' : '≠ TRUTH'}; ccusage ${fmt(theirs.totalTokens)} tok (out ${fmt(theirs.outputTokens)}) ${cost(theirs.totalCost)} (${(((theirs.totalTokens - truth.totalTokens) / truth.totalTokens) * 100).toFixed(2)}% vs truth)`);
}

function main(): void {
  fs.mkdirSync(work, { recursive: true });
  run(process.execPath, [path.join(root, 'scripts', 'build.mjs')]);
  console.log(`ccusage ${CCUSAGE_VERSION} native binary: ${ccusageBin()}`);
  rulesSection();

  console.log(`\n2. generated history of ~${fmt(Math.round(BYTES / 1048576))} MiB`);
  const { config, truth } = bigHistory();
  const size = folderBytes(config);
  console.log(`   ${fmt(size)} bytes of transcripts`);
  const runners = contenders();
  const dbOf = (c: Contender) => path.join(work, `history-${BYTES}-${c.engine}.db`);
  const cc = ccusageDaily(config);
  console.log(`   ccusage daily --json (full scan) ${(cc.ms / 1000).toFixed(2)} s`);
  for (const c of runners) {
    const db = fresh(dbOf(c));
    const importMs = oursImport(db, config, c);
    const first = oursDaily(db, c);
    console.log(`   ${c.name}: first import (migrate) ${(importMs / 1000).toFixed(2)} s + usage daily ${(first.ms / 1000).toFixed(2)} s; ratio first import / ccusage full scan ${(importMs / cc.ms).toFixed(2)}x (target <= 2x); database ${fmt(fs.statSync(db).size)} bytes`);
    compare(`${c.name} totals`, truthTotals(truth), first.totals, cc.totals);
  }

  // the machine may be loaded: several rounds (each appends its own 1 MiB), medians compared
  const rounds = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
  console.log(`\n3. 1 MiB of new lines appended (a new session), then the daily report; ${rounds} rounds, medians`);
  let all = truth;
  const theirsMs: number[] = [];
  const oursMs = new Map<Contender, number[]>(runners.map((c) => [c, []]));
  for (let round = 1; round <= rounds; round++) {
    const b = new ClaudeHistoryBuilder(config, 9000 + round * 7919 + Math.floor(Math.random() * 1e6));
    const s = b.session('-home-dev-new');
    let ts = Date.UTC(2026, 5, round, 9);
    while (b.bytesWritten < 1 << 20) {
      b.prompt(s, ts, 'another task '.repeat(20));
      const r = b.response(s, ts + 1000, b.randomUsage(), { pieces: 2, tools: [{ name: 'Bash', input: { command: 'npm test' } }] });
      b.toolResult(s, ts + 5000, r.toolUseIds[0], false, 'ok '.repeat(600));
      ts += 60_000;
    }
    b.close();
    all = { ...all, responses: [...all.responses, ...b.truth.responses] };
    fs.writeFileSync(path.join(work, `history-${BYTES}`, 'truth.json'), JSON.stringify({ responses: all.responses, files: 0 }));
    const cc2 = ccusageDaily(config);
    theirsMs.push(cc2.ms);
    console.log(`   round ${round}: ccusage daily --json (rescans everything) ${(cc2.ms / 1000).toFixed(2)} s`);
    for (const c of runners) {
      const db = dbOf(c);
      const incMs = oursImport(db, config, c);
      const after = oursDaily(db, c);
      const ours = incMs + after.ms;
      oursMs.get(c)!.push(ours);
      console.log(`   round ${round}: ${c.name}: migrate ${(incMs / 1000).toFixed(2)} s + usage daily ${(after.ms / 1000).toFixed(2)} s = ${(ours / 1000).toFixed(2)} s; ccusage / ours ${(cc2.ms / ours).toFixed(1)}x`);
      if (round === rounds) compare(`${c.name} totals`, truthTotals(all), after.totals, cc2.totals);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  for (const c of runners) {
    console.log(`   median: ${c.name} ${(median(oursMs.get(c)!) / 1000).toFixed(2)} s vs ccusage ${(median(theirsMs) / 1000).toFixed(2)} s: ccusage / ours ${(median(theirsMs) / median(oursMs.get(c)!)).toFixed(1)}x (target >= 10x)`);
  }
}

main();
