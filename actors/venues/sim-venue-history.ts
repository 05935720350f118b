import type { Fill } from '../trading/types';
import { viewOrder } from './sim-venue-orders';
import type { HistoryCounts, LedgerRejection, OrderRecord, VenueLedger } from './sim-venue-orders';

/** How much history a {@link SimVenueHistory} keeps (the `history` of `SimVenueConfig`). */
export interface SimVenueHistoryCaps {
  /** Orders kept once filled or cancelled, newest first; open orders are always kept. */
  readonly terminalOrders: number;
  readonly fills: number;
  readonly rejections: number;
}

/**
 * Newest-`cap` list: pushing past the cap forgets the oldest. Trimming moves a head index and
 * compacts once the dead prefix outgrows the cap, so a push costs O(1) amortised, never a shift;
 * a forgotten slot is cleared at once, so the list never keeps more than `cap` items alive.
 */
class BoundedLog<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  constructor(private readonly cap: number) {}

  /** Appends `item`; returns what fell out of the window, if anything. */
  push(item: T): T | undefined {
    this.items.push(item);
    if (this.items.length - this.head <= this.cap) return undefined;
    const dropped = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head++;
    if (this.head > this.cap) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return dropped;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** The item `back` places from the newest (0 is the newest). */
  fromNewest(back: number): T | undefined {
    return back < this.size ? this.items[this.items.length - 1 - back] : undefined;
  }

  toArray(): T[] {
    return this.items.slice(this.head) as T[];
  }
}

/**
 * What a {@link SimVenueEngine} remembers of its orders, fills and refusals — bounded, as a real
 * venue's order and trade history is (Binance archives old terminal orders and pages trades). Open
 * orders are always kept; of orders that ended, the newest `terminalOrders`; of fills and
 * refusals, the newest `fills` and `rejections`. A forgotten order is unknown to queries and
 * cancels (`OrderNotFoundError`), as an archived one is on a real venue.
 *
 * Why bounded: a simulated venue runs for months in a soak or a shadow engine, and kept every order
 * it ever took — the one structure of the full stack that grew with every order.
 */
export class SimVenueHistory {
  /** Every order kept, by venue id, in the order they were taken. */
  private readonly orders = new Map<string, OrderRecord>();
  /** The newest kept order of each client order id. */
  private readonly byClientId = new Map<string, OrderRecord>();
  /** Ids of ended orders in the order they ended: the first is the next to forget. */
  private readonly ended: BoundedLog<string>;
  private readonly fillLog: BoundedLog<Fill>;
  private readonly rejectionLog: BoundedLog<LedgerRejection>;
  private readonly taken = { orders: 0, fills: 0, rejections: 0 };

  constructor(caps: SimVenueHistoryCaps) {
    this.ended = new BoundedLog(caps.terminalOrders);
    this.fillLog = new BoundedLog(caps.fills);
    this.rejectionLog = new BoundedLog(caps.rejections);
  }

  /** Records a newly accepted order; it is the newest of its client order id. */
  addOrder(record: OrderRecord): void {
    this.orders.set(record.id, record);
    this.byClientId.set(record.clientOrderId, record);
    this.taken.orders++;
  }

  /** Notes that `record` has ended (filled or cancelled): it now counts against the terminal cap. */
  orderEnded(record: OrderRecord): void {
    const dropped = this.ended.push(record.id);
    if (dropped === undefined) return;
    const old = this.orders.get(dropped);
    this.orders.delete(dropped);
    // A newer order may have taken over the client order id; only forget the id if it is this one.
    if (old !== undefined && this.byClientId.get(old.clientOrderId) === old)
      this.byClientId.delete(old.clientOrderId);
  }

  addFill(fill: Fill): void {
    this.fillLog.push(fill);
    this.taken.fills++;
  }

  addRejection(rejection: LedgerRejection): void {
    this.rejectionLog.push(rejection);
    this.taken.rejections++;
  }

  /** The kept order with venue id `id`. */
  byId(id: string): OrderRecord | undefined {
    return this.orders.get(id);
  }

  /** The newest kept order with client order id `clientOrderId`. */
  byClient(clientOrderId: string): OrderRecord | undefined {
    return this.byClientId.get(clientOrderId);
  }

  /** Up to `limit` of the newest fills matching `keep`, oldest first. */
  recentFills(limit: number, keep: (fill: Fill) => boolean): Fill[] {
    const out: Fill[] = [];
    for (let back = 0; out.length < limit; back++) {
      const fill = this.fillLog.fromNewest(back);
      if (fill === undefined) break;
      if (keep(fill)) out.push(fill);
    }
    return out.reverse();
  }

  /** How many orders, fills and refusals are kept now (each within its cap, plus open orders) and ever taken. */
  counts(): HistoryCounts {
    return {
      kept: { orders: this.orders.size, fills: this.fillLog.size, rejections: this.rejectionLog.size },
      taken: { ...this.taken },
    };
  }

  /** The kept history, oldest first. */
  /** The client order id of every kept order, in the order taken: a cheap ledger for counting. */
  clientOrderIds(): string[] {
    const ids: string[] = [];
    for (const record of this.orders.values()) ids.push(record.clientOrderId);
    return ids;
  }

  ledger(): VenueLedger {
    return {
      orders: [...this.orders.values()].map(viewOrder),
      fills: this.fillLog.toArray(),
      rejections: this.rejectionLog.toArray(),
    };
  }
}
