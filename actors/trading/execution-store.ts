import type { Fill, Intent, OrderType, Side } from './types';

/** Whether an engine's orders reach a venue (`live`) or a fill model over the real book (`shadow`). */
export type TradingMode = 'shadow' | 'live';

/** An admitted intent as execution persists it, before anything reaches a venue. */
export interface IntentRecord {
  readonly intent: Intent;
  /** Derived from the instance and `intent.intentId` (`client-order-id.ts`): a retry reuses it. */
  readonly clientOrderId: string;
  /** Venue name the order goes to. */
  readonly venue: string;
  readonly mode: TradingMode;
  /** Clock time it was admitted. */
  readonly t: number;
}

/** The latest state of one order machine, saved on every transition. */
export interface OrderRecord {
  readonly clientOrderId: string;
  readonly intentId: string;
  readonly engine: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly qty: number;
  /** Limit price; null for a market order. */
  readonly price: number | null;
  /** Counted so far, and their volume-weighted price (null before the first fill). */
  readonly filledQty: number;
  readonly avgPrice: number | null;
  /** Dotted order-machine state (`open`, `unknown.checking`, …), for operators and queries. */
  readonly state: string;
  /** Whether the order reached an outcome (filled, cancelled, rejected, resolved). */
  readonly terminal: boolean;
  /** `getPersistedSnapshot()` of the order machine, JSON-safe. */
  readonly snapshot: unknown;
  /** Clock time of the save. */
  readonly t: number;
}

/** A fill with the strategy that owns it, as execution persists it. */
export interface FillRecord extends Fill {
  readonly engine: string;
  readonly strategy: string;
  readonly intentId: string;
}

/** Filters for {@link ExecutionStore.orders}. */
export interface OrderQuery {
  readonly engine?: string;
  /** `true`: only orders without an outcome; `false`: only terminal ones; absent: both. */
  readonly live?: boolean;
  /**
   * Newest first, at most this many (default: all live orders, 500 terminal). Newest is the latest
   * save's `t`; equal times by `clientOrderId`, descending.
   */
  readonly limit?: number;
}

/** Filters for {@link ExecutionStore.fills}. */
export interface FillQuery {
  readonly engine?: string;
  readonly strategy?: string;
  readonly symbol?: string;
  /** Only fills with `t >= since`. */
  readonly since?: number;
  /** Most recent, at most this many, returned oldest first (default 500), in the order recorded. */
  readonly limit?: number;
}

/**
 * Durable execution state: admitted intents, their outbox entries, order-machine records and
 * fills. Implemented over the kernel's store (`MemoryExecutionStore`, `RedisExecutionStore`), so
 * it survives a process restart exactly when the kernel's store does. Key layout:
 * `docs/redis-keys.md`.
 *
 * The outbox is the proof that an order was never sent: an entry is written with the intent, in
 * one atomic step, and removed in the same atomic step that records the order as `submitted`,
 * before the request leaves for the venue. After a crash an entry still in the outbox may be sent;
 * an order recorded `submitted` without an answer is an unknown outcome and is never sent again.
 */
export interface ExecutionStore {
  /**
   * Writes the intent, its first order record (`pending`) and its outbox entry in one atomic
   * step. `exists` when the intent was already written: nothing changes (a retry or a replay).
   */
  recordIntent(intent: IntentRecord, order: OrderRecord): Promise<'written' | 'exists'>;
  /**
   * Saves an order record, replacing the previous one; with `clearOutbox` the order's outbox
   * entry is removed in the same atomic step (the order is about to be sent). A terminal record
   * removes it too: an order that has an outcome (say, cancelled before it was sent) is never sent.
   */
  saveOrder(order: OrderRecord, options?: { readonly clearOutbox?: boolean }): Promise<void>;
  /** Appends a fill; `duplicate` (nothing written) when its `fillId` is already stored. */
  appendFill(fill: FillRecord): Promise<'recorded' | 'duplicate'>;
  /** One intent by id. */
  intent(intentId: string): Promise<IntentRecord | undefined>;
  /** One order by client order id. */
  order(clientOrderId: string): Promise<OrderRecord | undefined>;
  /** Orders matching `query`. */
  orders(query?: OrderQuery): Promise<OrderRecord[]>;
  /**
   * Intents still in the outbox (never sent), oldest first (the intent record's `t`, then
   * `intentId`), of one engine or all.
   */
  outbox(engine?: string): Promise<IntentRecord[]>;
  /** Fills matching `query`, oldest first. */
  fills(query?: FillQuery): Promise<FillRecord[]>;
  /**
   * The retention horizon: the latest `t` of any order or fill the store has dropped to stay within
   * its caps (`-Infinity` while it has dropped none). What is stamped at or before it may be gone,
   * for every engine: the caps are shared, so a busy engine pushes out a quiet one's records.
   */
  forgottenBefore(): Promise<number>;
}

/** Terminal orders (and fills) a query returns when it sets no `limit`. */
export const DEFAULT_QUERY_LIMIT = 500;

/**
 * Fills kept by default; the oldest beyond it are dropped together with their `fillId`s, so this is
 * also the de-duplication window of {@link ExecutionStore.appendFill}.
 */
export const DEFAULT_FILLS_CAP = 100_000;

/**
 * Orders with an outcome kept by default; beyond it the oldest (by their last save's `t`) are
 * dropped with their intent records. Why a bound: a month of quoting is hundreds of thousands of
 * orders, and an intent id is only ever replayed within minutes of its admission (a restart), long
 * before its order is this far back.
 */
export const DEFAULT_TERMINAL_ORDERS_CAP = 20_000;

/** Options shared by both implementations, so they keep the same records and answer alike. */
export interface ExecutionStoreOptions {
  /** Fills kept, {@link DEFAULT_FILLS_CAP} by default; a positive integer. */
  readonly fillsCap?: number;
  /** Terminal orders kept, {@link DEFAULT_TERMINAL_ORDERS_CAP} by default; a positive integer. */
  readonly terminalOrdersCap?: number;
}

/** Whether `fill` passes the filters of `query` (all but `limit`). */
export function fillMatches(
  fill: Pick<FillRecord, 'engine' | 'strategy' | 'symbol' | 't'>,
  query: FillQuery,
): boolean {
  return (
    (query.engine === undefined || fill.engine === query.engine) &&
    (query.strategy === undefined || fill.strategy === query.strategy) &&
    (query.symbol === undefined || fill.symbol === query.symbol) &&
    (query.since === undefined || fill.t >= query.since)
  );
}

/**
 * Newest first, as {@link OrderQuery} defines it. Equal times compare by id descending, which is
 * what Redis's `ZREVRANGE` does with equal scores, so both implementations agree at a `limit`'s edge.
 */
export function newestOrderFirst(
  a: Pick<OrderRecord, 't' | 'clientOrderId'>,
  b: Pick<OrderRecord, 't' | 'clientOrderId'>,
): number {
  if (a.t !== b.t) return b.t - a.t;
  return a.clientOrderId < b.clientOrderId ? 1 : a.clientOrderId > b.clientOrderId ? -1 : 0;
}
