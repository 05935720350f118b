/**
 * The trading core's shared vocabulary. Commands are imperative (`SubmitOrder`), events past tense
 * (`OrderFilled`); rejections are data with machine-readable reasons, never exceptions.
 *
 * Numbers: prices are multiples of the instrument's `tickSize`, quantities of its `lotSize`. Code
 * that must be exact (matching, balances, positions) works in integer ticks and lots (see
 * `actors/trading/units.ts`) and converts at its boundary; floats never accumulate there.
 */

/** Order side. */
export type Side = 'buy' | 'sell';

/** Order type. */
export type OrderType = 'limit' | 'market';

/** A tradable pair on a venue, e.g. BTCUSDT = BTC priced in USDT. */
export interface Instrument {
  /** Venue symbol without separator (`BTCUSDT`). */
  readonly symbol: string;
  /** Asset bought or sold (`BTC`). */
  readonly base: string;
  /** Asset prices are quoted in (`USDT`). */
  readonly quote: string;
  /** Smallest price increment. */
  readonly tickSize: number;
  /** Smallest quantity increment. */
  readonly lotSize: number;
  /** Smallest order value in quote units. */
  readonly minNotional: number;
}

/** One price level of a book. */
export interface BookLevel {
  readonly price: number;
  readonly qty: number;
}

/** A snapshot of an order book: bids best (highest) first, asks best (lowest) first. */
export interface OrderBook {
  readonly symbol: string;
  /** Clock time of the snapshot. */
  readonly t: number;
  /** Increases with every update of this symbol's book. */
  readonly seq: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/** What a strategy wants: turned into an order only after the risk engine admits it. */
export interface Intent {
  /** Unique per instance; the order's `clientOrderId` is derived from it. */
  readonly intentId: string;
  readonly engine: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly qty: number;
  /** Limit price; absent for market orders. */
  readonly price?: number;
  /** Clock time the strategy formed it. */
  readonly t: number;
}

/** A request to a venue. `clientOrderId` makes it idempotent. */
export interface OrderRequest {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  readonly qty: number;
  readonly price?: number;
}

/** Order status as a venue reports it. */
export type VenueOrderStatus = 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

/** An order as a venue knows it. */
export interface VenueOrder {
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  /** Limit price; null for market orders. */
  readonly price: number | null;
  readonly qty: number;
  readonly filledQty: number;
  /** Volume-weighted fill price; null before the first fill. */
  readonly avgFillPrice: number | null;
  readonly status: VenueOrderStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One execution against an order. */
export interface Fill {
  readonly fillId: string;
  readonly venueOrderId: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly price: number;
  readonly qty: number;
  /** Fee charged for this fill, in `feeAsset`. */
  readonly fee: number;
  readonly feeAsset: string;
  readonly liquidity: 'maker' | 'taker';
  readonly t: number;
}

/** Free and locked amount of one asset. */
export interface Balance {
  readonly free: number;
  readonly locked: number;
}

/** Balances by asset. */
export type Balances = Readonly<Record<string, Balance>>;
