import type { Side } from '../trading/types';

/** What the book needs of a resting order: integer price and remaining quantity. */
export interface RestingOrder {
  readonly id: string;
  readonly side: Side;
  /** Limit price in integer ticks. */
  readonly priceTicks: number;
  /** Quantity still open, in integer lots; the owner updates it as the order fills. */
  remainingLots: number;
}

/** An aggregated price level: total open lots at one price. */
export interface TickLevel {
  readonly priceTicks: number;
  readonly lots: number;
}

interface Level<T> {
  readonly priceTicks: number;
  readonly queue: T[];
}

/**
 * One symbol's resting orders with price-time priority: the best price first (highest bid, lowest
 * ask), and at one price the order that arrived first. Prices and quantities are integer ticks and
 * lots, so levels compare exactly.
 *
 * @example
 * const book = new MatchingBook<RestingOrder>();
 * book.add({ id: '1', side: 'buy', priceTicks: 100, remainingLots: 5 });
 * book.add({ id: '2', side: 'buy', priceTicks: 101, remainingLots: 5 });
 * [...book.inPriority('buy')].map((o) => o.id); // ['2', '1']
 */
export class MatchingBook<T extends RestingOrder> {
  private readonly bids: Level<T>[] = [];
  private readonly asks: Level<T>[] = [];
  private readonly byId = new Map<string, T>();

  /** Number of resting orders. */
  get size(): number {
    return this.byId.size;
  }

  /** Rests `order` behind every order already at its price. */
  add(order: T): void {
    if (this.byId.has(order.id)) throw new RangeError(`order ${order.id} is already resting`);
    const levels = this.side(order.side);
    const at = this.search(levels, order.side, order.priceTicks);
    const level = levels[at];
    if (level !== undefined && level.priceTicks === order.priceTicks) level.queue.push(order);
    else levels.splice(at, 0, { priceTicks: order.priceTicks, queue: [order] });
    this.byId.set(order.id, order);
  }

  /** Takes `id` out of the book; returns it, or `undefined` if it was not resting. */
  remove(id: string): T | undefined {
    const order = this.byId.get(id);
    if (order === undefined) return undefined;
    const levels = this.side(order.side);
    const at = this.search(levels, order.side, order.priceTicks);
    const level = levels[at] as Level<T>;
    level.queue.splice(level.queue.indexOf(order), 1);
    if (level.queue.length === 0) levels.splice(at, 1);
    this.byId.delete(id);
    return order;
  }

  /** Every resting order, in no particular order. */
  all(): IterableIterator<T> {
    return this.byId.values();
  }

  /** The resting order `id`, if any. */
  get(id: string): T | undefined {
    return this.byId.get(id);
  }

  /** Best price of `side` in ticks, or `undefined` when that side is empty. */
  best(side: Side): number | undefined {
    return this.side(side)[0]?.priceTicks;
  }

  /** Orders of `side` in priority order (a snapshot: safe to remove while iterating). */
  inPriority(side: Side): T[] {
    return this.side(side).flatMap((level) => [...level.queue]);
  }

  /** Orders of `side` resting at exactly `priceTicks`, oldest first (a snapshot). */
  at(side: Side, priceTicks: number): T[] {
    const levels = this.side(side);
    const level = levels[this.search(levels, side, priceTicks)];
    return level !== undefined && level.priceTicks === priceTicks ? [...level.queue] : [];
  }

  /** Price levels of `side`, best first, with their total open lots. */
  levels(side: Side): TickLevel[] {
    return this.side(side).map((level) => ({
      priceTicks: level.priceTicks,
      lots: level.queue.reduce((sum, o) => sum + o.remainingLots, 0),
    }));
  }

  private side(side: Side): Level<T>[] {
    return side === 'buy' ? this.bids : this.asks;
  }

  /** Index of the level at `priceTicks`, or where it would be inserted. */
  private search(levels: readonly Level<T>[], side: Side, priceTicks: number): number {
    let lo = 0;
    let hi = levels.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const p = (levels[mid] as Level<T>).priceTicks;
      const better = side === 'buy' ? p > priceTicks : p < priceTicks;
      if (better) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
