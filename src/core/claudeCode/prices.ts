/**
 * Model prices (USD per million tokens): a bundled, dated table plus an optional override file.
 * A model without a price keeps its tokens and gets cost NULL ("no price"), never $0.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

export interface ModelPrice {
  input: number;
  output: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  cacheRead: number;
  /** rates for a request whose prompt (input + cache read + cache write) exceeds 200k tokens */
  longContext?: Omit<ModelPrice, 'longContext'>;
}

export interface PriceTable {
  /** the date the prices were checked (YYYY-MM-DD) */
  asOf: string;
  /** where the table came from: "bundled", or "bundled + <override file>" */
  source: string;
  models: Record<string, ModelPrice>;
}

/** Prompt size above which long-context rates apply (per request, Anthropic's rule). */
export const LONG_CONTEXT_THRESHOLD = 200_000;

const family = (input: number, output: number, longContext?: ModelPrice['longContext']): ModelPrice => ({
  input,
  output,
  cacheWrite5m: input * 1.25,
  cacheWrite1h: input * 2,
  cacheRead: input * 0.1,
  ...(longContext ? { longContext } : {}),
});
const SONNET_LONG = { input: 6, output: 22.5, cacheWrite5m: 7.5, cacheWrite1h: 12, cacheRead: 0.6 };

/** Anthropic's list prices as published on its pricing page; keys are model ids without the date suffix. */
export const BUNDLED_PRICES: PriceTable = {
  asOf: '2025-11-24',
  source: 'bundled',
  models: {
    'claude-opus-4-5': family(5, 25),
    'claude-opus-4-1': family(15, 75),
    'claude-opus-4': family(15, 75),
    'claude-sonnet-4-5': family(3, 15, SONNET_LONG),
    'claude-sonnet-4': family(3, 15, SONNET_LONG),
    'claude-3-7-sonnet': family(3, 15),
    'claude-3-5-sonnet': family(3, 15),
    'claude-haiku-4-5': family(1, 5),
    'claude-3-5-haiku': family(0.8, 4),
    'claude-3-opus': family(15, 75),
    'claude-3-haiku': family(0.25, 1.25),
  },
};

/** The override file read when no other is given. */
export function defaultPriceFile(home = os.homedir()): string {
  return path.join(home, '.config', 'telemetry-lens', 'claude-code-prices.json');
}

/**
 * Model id as the table keys it: provider prefixes (`anthropic/`, `us.anthropic.`), version
 * suffixes (`-v1:0`, `@20250514`) and the date suffix (`-20250514`) removed.
 */
export function modelKey(model: string): string {
  let m = model.trim().toLowerCase();
  m = m.replace(/^[a-z0-9_-]*\/(?=claude)/, '').replace(/^(?:[a-z]{2,4}\.)?anthropic\./, '');
  m = m.replace(/-v\d+(?::\d+)?$/, '').replace(/@\d{8}$/, '').replace(/-\d{8}$/, '');
  return m;
}

function numberField(o: Record<string, unknown>, key: string, file: string, model: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${file}: model "${model}": "${key}" must be a non-negative number (USD per million tokens)`);
  return v;
}

function parsePrice(o: unknown, file: string, model: string): ModelPrice {
  if (!o || typeof o !== 'object') throw new Error(`${file}: model "${model}": expected an object of prices`);
  const r = o as Record<string, unknown>;
  const input = numberField(r, 'input', file, model);
  const price: ModelPrice = {
    input,
    output: numberField(r, 'output', file, model),
    cacheWrite5m: r.cacheWrite5m === undefined ? input * 1.25 : numberField(r, 'cacheWrite5m', file, model),
    cacheWrite1h: r.cacheWrite1h === undefined ? input * 2 : numberField(r, 'cacheWrite1h', file, model),
    cacheRead: r.cacheRead === undefined ? input * 0.1 : numberField(r, 'cacheRead', file, model),
  };
  if (r.longContext !== undefined) price.longContext = parsePrice(r.longContext, file, `${model}.longContext`);
  return price;
}

/**
 * The bundled table with the override file's models on top. The file is
 * `{"models": {"<model id>": {"input": 3, "output": 15, "cacheWrite5m"?: …, "cacheWrite1h"?: …, "cacheRead"?: …}}}`
 * (USD per million tokens; cache rates default to 1.25×, 2× and 0.1× input). A missing default
 * file is no error; a given file that is missing or malformed is (message names the file).
 */
export function loadPrices(file?: string): PriceTable {
  const target = file ?? defaultPriceFile();
  let text: string;
  try {
    text = fs.readFileSync(target, 'utf8');
  } catch (e) {
    if (file === undefined && (e as NodeJS.ErrnoException).code === 'ENOENT') return BUNDLED_PRICES;
    throw new Error(`cannot read price file ${target}: ${(e as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new Error(`${target}: not valid JSON (${(e as Error).message})`);
  }
  const models = (doc as { models?: unknown })?.models;
  if (!models || typeof models !== 'object') throw new Error(`${target}: expected {"models": {"<model id>": {"input": …, "output": …}}}`);
  const merged: Record<string, ModelPrice> = { ...BUNDLED_PRICES.models };
  for (const [model, price] of Object.entries(models as Record<string, unknown>)) merged[modelKey(model)] = parsePrice(price, target, model);
  return { asOf: BUNDLED_PRICES.asOf, source: `bundled + ${target}`, models: merged };
}

export function priceFor(table: PriceTable, model: string | null | undefined): ModelPrice | undefined {
  if (!model) return undefined;
  return table.models[model] ?? table.models[modelKey(model)];
}

export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
}

/** Whether one request's prompt is over the long-context threshold. */
export function isLongContext(t: Pick<TokenCounts, 'input' | 'cacheRead' | 'cacheWrite5m' | 'cacheWrite1h'>): boolean {
  return t.input + t.cacheRead + t.cacheWrite5m + t.cacheWrite1h > LONG_CONTEXT_THRESHOLD;
}

/** USD for tokens at a price (`longContext`: the tokens all belong to over-threshold requests); undefined = no price. */
export function costOf(price: ModelPrice | undefined, t: TokenCounts, longContext = false): number | undefined {
  if (!price) return undefined;
  const p = longContext && price.longContext ? price.longContext : price;
  return (t.input * p.input + t.output * p.output + t.cacheRead * p.cacheRead + t.cacheWrite5m * p.cacheWrite5m + t.cacheWrite1h * p.cacheWrite1h) / 1e6;
}
