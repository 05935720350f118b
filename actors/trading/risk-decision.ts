import type { TradingStateValue } from '../../machines/trading-state.machine';
import type { Instrument } from './types';

/** Machine-readable reasons an order is denied before it reaches a venue. */
export type OrderDeniedReason =
  /** A field of the intent is missing, not finite, not positive, off its increment, or unknown. */
  | 'INVALID_INTENT'
  /** The effective trading state is HALTED: no new orders. */
  | 'TRADING_HALTED'
  /** The effective trading state is REDUCING and the order would not only reduce the position. */
  | 'REDUCING_INCREASES_EXPOSURE'
  /** A limit price is further from mid than a `priceBand` rule allows. */
  | 'PRICE_OUTSIDE_BAND'
  /** The order's value exceeds a `maxOrderNotional` rule. */
  | 'NOTIONAL_EXCEEDS_MAXIMUM'
  /** The order's value is below the instrument's `minNotional` (the venue would reject it). */
  | 'NOTIONAL_BELOW_MINIMUM'
  /** The position after the order could exceed a `maxPosition` rule. */
  | 'POSITION_EXCEEDS_MAXIMUM'
  /** An `orderRate` rule's window already holds its maximum of admitted orders. */
  | 'ORDER_RATE_EXCEEDED'
  /** A rule needs the symbol's mid and there is none (no book yet, or it went stale). */
  | 'NO_REFERENCE_PRICE'
  /** The context's position or working orders for the symbol are not finite numbers. */
  | 'POSITION_UNKNOWN';

/** The risk engine let the order through. */
export interface OrderAdmitted {
  readonly admitted: true;
}

/** The risk engine stopped the order. Data, not an exception. */
export interface OrderDenied {
  readonly admitted: false;
  readonly reason: OrderDeniedReason;
  /** For people: what was found against what was allowed. */
  readonly detail: string;
  /** The config rule that denied (its `name`), or null for checks that are not configured rules. */
  readonly rule: string | null;
  /** For `INVALID_INTENT`: the offending field of the intent; otherwise null. */
  readonly field: string | null;
}

/** The answer of a pre-trade check. */
export type RiskDecision = OrderAdmitted | OrderDenied;

/** An order the risk engine admitted, remembered for the rate limit. */
export interface RecentOrder {
  /** The intent's `t`. */
  readonly t: number;
  readonly engine: string;
  readonly strategy: string;
}

/** Remaining (unfilled) quantity of the working orders in one symbol, per side, in base units. */
export interface OpenQuantity {
  readonly buy: number;
  readonly sell: number;
}

/**
 * What a pre-trade check knows besides the intent. The caller chooses the scope of `positions`
 * and `openOrders` (the strategy's or the engine's) to match the limits it means.
 */
export interface RiskContext {
  /** Instruments by symbol; an intent for any other symbol is invalid. */
  readonly instruments: Readonly<Record<string, Instrument>>;
  /** The effective state (see `effectiveTradingState`) of the intent's strategy. */
  readonly tradingState: TradingStateValue;
  /** Signed position per symbol in base units (long > 0); absent = flat. */
  readonly positions: Readonly<Record<string, number>>;
  /** Working orders per symbol; absent = none. They count as if they all filled. */
  readonly openOrders?: Readonly<Record<string, OpenQuantity>>;
  /** Mid price per symbol; absent when there is no fresh book. */
  readonly mids: Readonly<Record<string, number>>;
  /** Orders admitted recently (see `recordAdmitted`); order does not matter. */
  readonly recentOrders: readonly RecentOrder[];
}

/** A request to cancel a working order. */
export interface CancelIntent {
  readonly clientOrderId: string;
  readonly engine: string;
  readonly strategy: string;
  readonly symbol: string;
  readonly t: number;
}

/** Builds a denial. */
export function denied(
  reason: OrderDeniedReason,
  detail: string,
  rule: string | null = null,
  field: string | null = null,
): OrderDenied {
  return { admitted: false, reason, detail, rule, field };
}

/** The one admitted answer (it carries nothing, so it can be shared). */
export const ADMITTED: OrderAdmitted = Object.freeze({ admitted: true });
