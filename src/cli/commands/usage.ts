import { openSnapshot } from '../../core/db/database';
import { UsageError } from '../../core/db/errors';
import { blocksReport, dailyReport, hasUsageTables, loadPrices, monthlyReport, normaliseDay, sessionReport, weeklyReport, type ModelBreakdown, type PeriodRow, type UsageQuery } from '../../core/claudeCode';
import { machineZone } from '../../core/formats/timestamps';
import { optionString, parseArgs, requireOption } from '../args';
import { table, zoneOption } from './ingestOutput';
import type { CliCommand, CliIO } from './types';

const KINDS = ['daily', 'weekly', 'monthly', 'session', 'blocks'] as const;
type Kind = (typeof KINDS)[number];

const n = (v: number) => v.toLocaleString('en-US');
const usd = (v: number | null, unpriced?: string[]) => {
  if (v === null) return 'no price';
  const s = `$${v.toFixed(2)}`;
  return unpriced?.length ? `${s} + no price` : s;
};

function periodLines(label: string, rows: (PeriodRow & Record<string, unknown>)[], key: string, breakdown: boolean): string {
  const out = [[label, 'input', 'output', 'cache write', 'cache read', 'total tokens', 'cost', 'models']];
  const short = (m: string) => m.replace(/^claude-/, '').replace(/-\d{8}$/, '');
  for (const r of rows) {
    out.push([String(r[key]), n(r.inputTokens), n(r.outputTokens), n(r.cacheCreationTokens), n(r.cacheReadTokens), n(r.totalTokens), usd(r.totalCost, r.unpricedModels), ' ' + r.modelsUsed.map(short).join(', ')]);
    if (breakdown) for (const b of r.modelBreakdowns as ModelBreakdown[]) out.push([`  └ ${short(b.modelName)}`, n(b.inputTokens), n(b.outputTokens), n(b.cacheCreationTokens), n(b.cacheReadTokens), n(b.inputTokens + b.outputTokens + b.cacheCreationTokens + b.cacheReadTokens), usd(b.cost), '']);
  }
  // the models column reads left-aligned
  return table(out).split('\n').map((l) => l.replace(/\s+$/, '')).join('\n');
}

function warn(io: CliIO, warnings: string[]): void {
  for (const w of warnings) io.err(`warning: ${w}`);
}

/** `usage daily|weekly|monthly|session|blocks --db FILE`: Claude Code tokens and cost (ccusage's JSON field names). */
export const usageCommand: CliCommand = {
  name: 'usage',
  usage: 'usage      daily|weekly|monthly|session|blocks --db FILE [--json] [--breakdown] [--since YYYYMMDD] [--until YYYYMMDD] [--tz ZONE] [--prices FILE]   Claude Code usage and cost',
  async run(argv, io) {
    const args = parseArgs(argv, ['db', 'since', 'until', 'tz', 'prices'], ['json', 'breakdown']);
    const kind = args.positionals[0] as Kind | undefined;
    if (!kind || !KINDS.includes(kind) || args.positionals.length > 1) throw new UsageError(`usage needs one report: ${KINDS.join('|')}`);
    const dbPath = requireOption(args, 'db');
    const tz = zoneOption(optionString(args, 'tz')) ?? machineZone();
    let prices;
    try {
      prices = loadPrices(optionString(args, 'prices'));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const q: UsageQuery = { tz, prices, since: optionString(args, 'since'), until: optionString(args, 'until') };
    try {
      if (q.since) normaliseDay(q.since);
      if (q.until) normaliseDay(q.until);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const json = args.options.has('json');
    const breakdown = args.options.has('breakdown');
    const db = await openSnapshot(dbPath);
    try {
      if (!hasUsageTables(db)) io.err(`note: ${dbPath} holds no Claude Code usage yet; import transcripts with: telemetry-lens migrate --db ${dbPath} ~/.claude`);
      if (kind === 'session') {
        const r = sessionReport(db, q);
        warn(io, r.warnings);
        if (json) io.out(JSON.stringify({ sessions: r.sessions, totals: r.totals }, null, 2));
        else {
          const rows = [['session', 'project', 'last activity', 'prompts', 'tool calls', 'total tokens', 'cost']];
          for (const s of r.sessions) rows.push([s.sessionId, s.projectPath ?? '-', s.lastActivity ?? '-', String(s.prompts), `${s.toolCalls} (${s.toolErrors} err)`, n(s.totalTokens), usd(s.totalCost, s.unpricedModels)]);
          io.out(table(rows));
          io.out(`\ntotal ${n(r.totals.totalTokens)} tokens, ${usd(r.totals.totalCost, r.totals.unpricedModels)}`);
        }
        return 0;
      }
      if (kind === 'blocks') {
        const r = blocksReport(db, q);
        warn(io, r.warnings);
        if (json) io.out(JSON.stringify({ blocks: r.blocks }, null, 2));
        else {
          const rows = [['block start', 'state', 'entries', 'total tokens', 'cost', 'burn rate / projection (estimate)']];
          for (const b of r.blocks) {
            const state = b.isGap ? 'gap' : b.isActive ? 'ACTIVE' : 'done';
            const proj = b.burnRate && b.projection ? `${n(Math.round(b.burnRate.tokensPerMinute))} tok/min → ~${n(b.projection.totalTokens)} tokens, ~${usd(b.projection.totalCost)} (estimate)` : '';
            rows.push([b.startTime, state, String(b.entries), n(b.totalTokens), usd(b.costUSD, b.unpricedModels), proj]);
          }
          io.out(table(rows));
        }
        return 0;
      }
      const r = kind === 'daily' ? dailyReport(db, q) : kind === 'weekly' ? weeklyReport(db, q) : monthlyReport(db, q);
      const key = kind === 'daily' ? 'date' : kind === 'weekly' ? 'week' : 'month';
      warn(io, r.warnings);
      if (json) io.out(JSON.stringify({ [kind]: r.rows, totals: r.totals }, null, 2));
      else {
        io.out(periodLines(key, r.rows as (PeriodRow & Record<string, unknown>)[], key, breakdown));
        io.out(`\ntotal ${n(r.totals.totalTokens)} tokens, ${usd(r.totals.totalCost, r.totals.unpricedModels)} (zone ${tz}; prices ${prices.source}, as of ${prices.asOf})`);
      }
      return 0;
    } finally {
      db.close();
    }
  },
};
