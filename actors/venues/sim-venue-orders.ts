import type { Fill, OrderType, Side, VenueOrder, VenueOrderStatus } from '../trading/types';
import { decimalsOf, fromLots, fromTicks } from '../trading/units';
import type { RestingOrder } from './matching-book';
import type { InstrumentScale } from './sim-venue-balances';
import type { OrderRejectReason } from './sim-venue-errors';

/** How the engine holds an order: integer units, plus what it still has locked. */
export interface OrderRecord extends RestingOrder {
  /** The venue order id. */
  readonly id: string;
  readonly clientOrderId: string;
  readonly scale: InstrumentScale;
  readonly side: Side;
  readonly type: OrderType;
  /** Limit price in ticks; 0 for a market order (which never rests). */
  readonly priceTicks: number;
  readonly lots: number;
  remainingLots: number;
  filledLots: number;
  /** Σ fill ticks × lots, for the average fill price. */
  sumTickLots: bigint;
  /** Atoms this order still holds locked (quote for a buy, base for a sell). */
  lockedAtoms: bigint;
  status: VenueOrderStatus;
  /** Why a cancelled order ended, when the venue ended it. */
  endedBy?: 'client' | 'market-exhausted' | 'self-trade-prevention';
  readonly createdAt: number;
  updatedAt: number;
}

/** A request the venue refused, as the ledger keeps it. */
export interface LedgerRejection {
  readonly t: number;
  /** The request's client order id when it was a string (it may be the malformed field). */
  readonly clientOrderId: string | undefined;
  readonly symbol: string | undefined;
  readonly reason: OrderRejectReason;
  readonly detail: string;
}

/** An order in the ledger: the venue's view plus how it ended when the venue ended it. */
export interface LedgerOrder extends VenueOrder {
  /**
   * Set on cancelled orders: `client` (a cancel request), `market-exhausted` (the unfilled rest of
   * a market order expired) or `self-trade-prevention` (a resting order expired because our own
   * incoming order would have traded with it — Binance's `EXPIRE_MAKER`).
   */
  readonly endedBy?: 'client' | 'market-exhausted' | 'self-trade-prevention';
}

/**
 * The venue's history, oldest first: its orders (in their current state) and fills, each with its
 * `clientOrderId`, and its refused submits — every open order, and the newest ended orders, fills
 * and refusals up to the venue's `history` caps. Audits compare it with the local ledger.
 */
export interface VenueLedger {
  readonly orders: readonly LedgerOrder[];
  readonly fills: readonly Fill[];
  readonly rejections: readonly LedgerRejection[];
}

/** How many orders, fills and refusals: kept now (open orders included) and ever taken. */
export interface HistoryCounts {
  readonly kept: { readonly orders: number; readonly fills: number; readonly rejections: number };
  readonly taken: { readonly orders: number; readonly fills: number; readonly rejections: number };
}

/** Whether the order can still trade (and be cancelled). */
export function isOpen(order: OrderRecord): boolean {
  return order.status === 'open' || order.status === 'partially_filled';
}

/** The order as the venue reports it, in plain numbers. */
export function viewOrder(o: OrderRecord): LedgerOrder {
  const { instrument } = o.scale;
  const view: VenueOrder = {
    venueOrderId: o.id,
    clientOrderId: o.clientOrderId,
    symbol: instrument.symbol,
    side: o.side,
    type: o.type,
    price: o.type === 'limit' ? fromTicks(instrument, o.priceTicks) : null,
    qty: fromLots(instrument, o.lots),
    filledQty: fromLots(instrument, o.filledLots),
    avgFillPrice: o.filledLots > 0 ? averagePrice(o) : null,
    status: o.status,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
  return o.endedBy === undefined ? view : { ...view, endedBy: o.endedBy };
}

function averagePrice(o: OrderRecord): number {
  const { tickSize } = o.scale.instrument;
  const ticks = Number(o.sumTickLots) / o.filledLots;
  // The average need not sit on the tick grid; keep enough decimals to be exact for the VWAP.
  return Number((ticks * tickSize).toFixed(Math.min(decimalsOf(tickSize) + 8, 15)));
}
