import type { OrderBook, Side } from '../trading/types';
import { toLots, toTicks } from '../trading/units';
import type { TickLevel } from './matching-book';
import type { InstrumentScale } from './sim-venue-balances';

/**
 * Other participants' liquidity for one symbol: the latest snapshot from the market source in
 * integer units, minus what our own orders have taken from it since. A snapshot is fresh
 * liquidity, so a new one clears what was taken; until then, a level we emptied stays empty.
 */
export class OutsideLiquidity {
  private bids: TickLevel[] = [];
  private asks: TickLevel[] = [];
  private readonly takenBids = new Map<number, number>();
  private readonly takenAsks = new Map<number, number>();
  /** Sequence of the snapshot in use; 0 before the first. */
  seq = 0;
  /** Clock time of the snapshot in use. */
  t = 0;

  constructor(private readonly scale: InstrumentScale) {}

  /**
   * Loads a new snapshot. Levels that are not positive finite numbers are dropped (the book is
   * outside data); returns whether the snapshot was new.
   */
  load(book: OrderBook): boolean {
    if (book.seq === this.seq && book.t === this.t) return false;
    this.seq = book.seq;
    this.t = book.t;
    this.bids = this.convert(book.bids, 'buy');
    this.asks = this.convert(book.asks, 'sell');
    this.takenBids.clear();
    this.takenAsks.clear();
    return true;
  }

  /**
   * Levels an order of `takerSide` trades against (asks for a buy, bids for a sell), best first,
   * with what is still available at each.
   */
  against(takerSide: Side): TickLevel[] {
    const levels = takerSide === 'buy' ? this.asks : this.bids;
    const taken = takerSide === 'buy' ? this.takenAsks : this.takenBids;
    const out: TickLevel[] = [];
    for (const level of levels) {
      const lots = level.lots - (taken.get(level.priceTicks) ?? 0);
      if (lots > 0) out.push({ priceTicks: level.priceTicks, lots });
    }
    return out;
  }

  /** Records that an order of `takerSide` took `lots` at `priceTicks`. */
  take(takerSide: Side, priceTicks: number, lots: number): void {
    const taken = takerSide === 'buy' ? this.takenAsks : this.takenBids;
    taken.set(priceTicks, (taken.get(priceTicks) ?? 0) + lots);
  }

  /** What resting orders on `side` of the book show (bids for `buy`), best first. */
  shown(side: Side): TickLevel[] {
    return this.against(side === 'buy' ? 'sell' : 'buy');
  }

  /** Best available price an order of `takerSide` would meet, in ticks. */
  best(takerSide: Side): number | undefined {
    return this.against(takerSide)[0]?.priceTicks;
  }

  private convert(levels: OrderBook['bids'], side: Side): TickLevel[] {
    const { instrument } = this.scale;
    const out: TickLevel[] = [];
    for (const level of levels) {
      if (!(level.price > 0 && level.qty > 0 && Number.isFinite(level.price) && Number.isFinite(level.qty)))
        continue;
      const priceTicks = toTicks(instrument, level.price);
      const lots = toLots(instrument, level.qty);
      if (priceTicks > 0 && lots > 0) out.push({ priceTicks, lots });
    }
    // Why sort: a scripted or replayed book may list levels out of order; matching needs best first.
    return out.sort((a, b) => (side === 'buy' ? b.priceTicks - a.priceTicks : a.priceTicks - b.priceTicks));
  }
}

/** What sweeping `lots` through `levels` would fill and cost, in lots and quote atoms. */
export function sweepCost(
  levels: readonly TickLevel[],
  lots: number,
  tickLotAtoms: bigint,
): { lots: number; atoms: bigint } {
  let left = lots;
  let atoms = 0n;
  for (const level of levels) {
    if (left === 0) break;
    const take = Math.min(left, level.lots);
    atoms += BigInt(level.priceTicks) * BigInt(take) * tickLotAtoms;
    left -= take;
  }
  return { lots: lots - left, atoms };
}

/** Merges two best-first level lists of one side, summing lots at equal prices. */
export function mergeLevels(a: readonly TickLevel[], b: readonly TickLevel[], side: Side): TickLevel[] {
  const byPrice = new Map<number, number>();
  for (const l of [...a, ...b]) byPrice.set(l.priceTicks, (byPrice.get(l.priceTicks) ?? 0) + l.lots);
  return [...byPrice]
    .filter(([, lots]) => lots > 0)
    .map(([priceTicks, lots]) => ({ priceTicks, lots }))
    .sort((x, y) => (side === 'buy' ? y.priceTicks - x.priceTicks : x.priceTicks - y.priceTicks));
}

/**
 * The most lots one fill of an order of `lots` may take while its fills must come in at least
 * `pieces` pieces (a partial-fill storm): 1/`pieces` of the order rounded up to a whole lot, so an
 * order smaller than `pieces` lots fills a lot at a time. Unlimited for `pieces` ≤ 1.
 *
 * @example
 * pieceLots(100, 10); // 10: ten fills of 10 lots
 * pieceLots(105, 10); // 11: nine fills of 11 lots and one of 6
 * pieceLots(100, 1); // Infinity: one fill per level crossed, as without a storm
 */
export function pieceLots(lots: number, pieces: number): number {
  if (!(pieces > 1)) return Number.POSITIVE_INFINITY;
  return Math.max(1, Math.ceil(lots / pieces));
}
