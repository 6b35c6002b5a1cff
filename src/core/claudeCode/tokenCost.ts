import { costOf, priceFor, type PriceTable } from './prices';

/** One SQL group of Claude Code responses: one model's token sums, long-context requests apart (they are priced higher). */
export interface TokenGroup {
  model: string;
  /** 1 when the group's requests are over the long-context threshold */
  long: number;
  input: number;
  output: number;
  /** cache read */
  cr: number;
  /** cache write, 5-minute and 1-hour */
  w5: number;
  w1: number;
}

/** Token sums and their cost; `priced` false while no group had a price (cost is then unknown, not 0). */
export interface TokenCost {
  input: number;
  output: number;
  cr: number;
  w5: number;
  w1: number;
  cost: number;
  priced: boolean;
}

export const emptyTokenCost = (): TokenCost => ({ input: 0, output: 0, cr: 0, w5: 0, w1: 0, cost: 0, priced: false });

/**
 * Adds a group's tokens and, when its model has a price, its cost. Returns the group's cost,
 * undefined for a model without a price — the caller names such models ("no price"), never $0.
 * The one accumulation the Usage tab and the CLI's reports share.
 */
export function addTokenGroup(acc: TokenCost, g: TokenGroup, prices: PriceTable): number | undefined {
  acc.input += g.input;
  acc.output += g.output;
  acc.cr += g.cr;
  acc.w5 += g.w5;
  acc.w1 += g.w1;
  const cost = costOf(priceFor(prices, g.model), { input: g.input, output: g.output, cacheRead: g.cr, cacheWrite5m: g.w5, cacheWrite1h: g.w1 }, g.long === 1);
  if (cost !== undefined) {
    acc.cost += cost;
    acc.priced = true;
  }
  return cost;
}
