import type { Instrument, OrderBook } from '../types';
import { fromLots, fromTicks } from '../units';

/**
 * Book reading and price/size rounding shared by the strategies. Rounding goes through integer
 * ticks and lots with a small tolerance, because `100.3 / 0.1` is `1002.9999…` in floats and a
 * plain `Math.floor` would move a price that is already on the grid.
 */

/** The best prices of a usable book. */
export interface TopOfBook {
  readonly ok: true;
  readonly bestBid: number;
  readonly bestAsk: number;
  readonly mid: number;
}

/** Why a book cannot be quoted on. */
export interface UnusableBook {
  readonly ok: false;
  readonly reason: 'empty' | 'crossed';
}

/**
 * Best bid, best ask and mid, or why there are none: a side is empty, or the book is crossed or
 * locked (best bid ≥ best ask), which no strategy should trust.
 *
 * @example
 * topOfBook(book); // { ok: true, bestBid: 99, bestAsk: 101, mid: 100 }
 */
export function topOfBook(book: OrderBook): TopOfBook | UnusableBook {
  const bid = book.bids[0];
  const ask = book.asks[0];
  if (bid === undefined || ask === undefined) return { ok: false, reason: 'empty' };
  if (!(bid.price < ask.price)) return { ok: false, reason: 'crossed' };
  return { ok: true, bestBid: bid.price, bestAsk: ask.price, mid: (bid.price + ask.price) / 2 };
}

// Far below any tick fraction a real price carries, far above float noise.
const EPSILON = 1e-9;

/** `price` in whole ticks, rounded down (a bid never moves up by rounding). */
export function ticksDown(instrument: Instrument, price: number): number {
  return Math.floor(price / instrument.tickSize + EPSILON);
}

/** `price` in whole ticks, rounded up (an ask never moves down by rounding). */
export function ticksUp(instrument: Instrument, price: number): number {
  return Math.ceil(price / instrument.tickSize - EPSILON);
}

/** `qty` in whole lots, rounded toward zero (never more than asked). */
export function lotsTowardZero(instrument: Instrument, qty: number): number {
  const lots = Math.abs(qty) / instrument.lotSize;
  return Math.sign(qty) * Math.floor(lots + EPSILON);
}

/** Price of `ticks` ticks, on the tick grid. */
export function priceOf(instrument: Instrument, ticks: number): number {
  return fromTicks(instrument, ticks);
}

/** Quantity of `lots` lots, on the lot grid. */
export function qtyOf(instrument: Instrument, lots: number): number {
  return fromLots(instrument, lots);
}

/** Whether an order of `qty` at `price` meets the instrument's minimum notional. */
export function meetsMinNotional(instrument: Instrument, price: number, qty: number): boolean {
  return price * qty >= instrument.minNotional - EPSILON;
}
