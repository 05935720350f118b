import type { VenueOrder, VenueOrderStatus } from '../actors/trading/types';
import { decimalsOf } from '../actors/trading/units';

/** Timing of an order's in-flight handling (DESIGN: first check after 5 s, then every 2 s, 5 tries). */
export interface OrderPolicy {
  /** A sent order with no answer after this long is `unknown` (the answer was lost, e.g. a restart). */
  readonly ackTimeoutMs: number;
  /** Wait before the first in-flight check: venues index new orders with a delay. */
  readonly firstCheckAfterMs: number;
  /** Between checks, and after the last check before it counts as unanswered. */
  readonly checkEveryMs: number;
  /** Checks before the outcome is declared unresolvable (incident + REDUCING). */
  readonly maxChecks: number;
  /** After that, the order is still checked this often (default 15 s). */
  readonly slowCheckEveryMs?: number;
  /**
   * "Not found" this long after sending is proof of absence: a venue refuses a request older than
   * its receive window (Binance: at most 60 s), so one still unknown then never will exist. The
   * order ends `resolved`. Default 90 s; it must exceed the venue's receive window plus its lag.
   */
  readonly absentAfterMs?: number;
}

/** {@link OrderPolicy.slowCheckEveryMs} when the policy leaves it out. */
export const DEFAULT_SLOW_CHECK_EVERY_MS = 15_000;
/** {@link OrderPolicy.absentAfterMs} when the policy leaves it out. */
export const DEFAULT_ABSENT_AFTER_MS = 90_000;

/** The in-flight policy of DESIGN.md, with a 10 s acknowledgement timeout. */
export const DEFAULT_ORDER_POLICY: OrderPolicy = Object.freeze({
  ackTimeoutMs: 10_000,
  firstCheckAfterMs: 5_000,
  checkEveryMs: 2_000,
  maxChecks: 5,
  slowCheckEveryMs: DEFAULT_SLOW_CHECK_EVERY_MS,
  absentAfterMs: DEFAULT_ABSENT_AFTER_MS,
});

/** The order's fill tally, exact in integer lots. */
export interface FillTally {
  readonly filledLots: number;
  readonly filledQty: number;
  /** Σ price × qty over the fills, for the average price. */
  readonly filledNotional: number;
  readonly avgPrice: number | null;
  readonly fillIds: readonly string[];
}

/** What one `order.filled` does to an order. */
export type FillDecision =
  | { readonly kind: 'apply'; readonly tally: FillTally; readonly complete: boolean }
  /** The same `fillId` was counted already: a replay, not a new execution. */
  | { readonly kind: 'duplicate' }
  /** Bad venue data: malformed, or more than the order's quantity. Nothing changes; raise an incident. */
  | { readonly kind: 'bad'; readonly detail: string };

/** What the fill decision needs to know about the order. */
export interface FillSubject extends FillTally {
  readonly qty: number;
  readonly lotSize: number;
}

/** Integer lots of a quantity (rounded: quantities are validated as lot multiples elsewhere). */
export function lotsOf(qty: number, lotSize: number): number {
  return Math.round(qty / lotSize);
}

/** A quantity from integer lots, without float residue. */
export function qtyOf(lots: number, lotSize: number): number {
  return Number((lots * lotSize).toFixed(decimalsOf(lotSize)));
}

/**
 * Applies one fill, idempotently by `fillId`. A fill that is malformed (NaN, ≤ 0, off the lot
 * size, no id) or would take the order past its quantity is rejected as bad venue data and
 * changes nothing, so a venue's mistake never corrupts the order or a position built from it.
 */
export function decideFill(
  order: FillSubject,
  fill: { readonly fillId: unknown; readonly qty: unknown; readonly price: unknown },
): FillDecision {
  const { fillId, qty, price } = fill;
  if (typeof fillId !== 'string' || fillId.length === 0) {
    return { kind: 'bad', detail: `fill without a fillId (${JSON.stringify(fillId)})` };
  }
  if (order.fillIds.includes(fillId)) return { kind: 'duplicate' };
  if (typeof qty !== 'number' || !Number.isFinite(qty) || qty <= 0) {
    return { kind: 'bad', detail: `fill ${fillId}: qty must be a finite number > 0, got ${String(qty)}` };
  }
  if (typeof price !== 'number' || !Number.isFinite(price) || price <= 0) {
    return { kind: 'bad', detail: `fill ${fillId}: price must be a finite number > 0, got ${String(price)}` };
  }
  const lots = qty / order.lotSize;
  if (Math.abs(lots - Math.round(lots)) > 1e-9) {
    return {
      kind: 'bad',
      detail: `fill ${fillId}: qty ${qty} is not a multiple of the lot size ${order.lotSize}`,
    };
  }
  const filledLots = order.filledLots + Math.round(lots);
  const orderLots = lotsOf(order.qty, order.lotSize);
  if (filledLots > orderLots) {
    return {
      kind: 'bad',
      detail: `fill ${fillId} of ${qty} would take the order to ${qtyOf(filledLots, order.lotSize)}, more than its ${order.qty}`,
    };
  }
  const filledQty = qtyOf(filledLots, order.lotSize);
  const filledNotional = order.filledNotional + qty * price;
  return {
    kind: 'apply',
    complete: filledLots === orderLots,
    tally: {
      filledLots,
      filledQty,
      filledNotional,
      avgPrice: filledNotional / filledQty,
      fillIds: [...order.fillIds, fillId],
    },
  };
}

/** What an in-flight check found at the venue (the parts of {@link VenueOrder} that matter). */
export type VenueOrderState = Pick<VenueOrder, 'venueOrderId' | 'status' | 'filledQty' | 'avgFillPrice'>;

/** The order states a venue's answer can resolve into. */
export type ResolvedOrderState = 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';

/** What one `order.check.found` does to an order. */
export type FoundDecision =
  | {
      readonly kind: 'resolve';
      readonly target: ResolvedOrderState;
      /** The venue reports more filled than our fills add up to: fetch the fills by id. */
      readonly missingFills: boolean;
    }
  | { readonly kind: 'bad'; readonly detail: string };

const STATUSES: ReadonlySet<VenueOrderStatus> = new Set([
  'open',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
]);

/**
 * Where a venue's report resolves an unknown order. The venue's status decides the state; its
 * cumulative filled quantity never replaces our fills (positions need each fill by id), it only
 * tells us that fills are missing. A malformed report resolves nothing.
 */
export function decideFound(order: FillSubject, venue: VenueOrderState): FoundDecision {
  if (typeof venue !== 'object' || venue === null)
    return { kind: 'bad', detail: 'check found no order data' };
  if (!STATUSES.has(venue.status)) {
    return { kind: 'bad', detail: `check found an unknown order status ${JSON.stringify(venue.status)}` };
  }
  if (typeof venue.venueOrderId !== 'string' || venue.venueOrderId.length === 0) {
    return { kind: 'bad', detail: 'check found an order without a venueOrderId' };
  }
  const filled = venue.filledQty;
  if (typeof filled !== 'number' || !Number.isFinite(filled) || filled < 0) {
    return { kind: 'bad', detail: `check found filledQty ${String(filled)}: expected a finite number ≥ 0` };
  }
  const venueLots = lotsOf(filled, order.lotSize);
  if (venueLots > lotsOf(order.qty, order.lotSize)) {
    return { kind: 'bad', detail: `check found filledQty ${filled}, more than the order's ${order.qty}` };
  }
  const anyFilled = venueLots > 0 || order.filledLots > 0;
  const target: ResolvedOrderState =
    venue.status === 'open' ? (anyFilled ? 'partially_filled' : 'open') : venue.status;
  return { kind: 'resolve', target, missingFills: venueLots > order.filledLots };
}

/**
 * The deadline after in-flight check number `attempt` (1-based) was issued at `t`: the next check,
 * or after the last one, the moment it counts as unanswered.
 */
export function deadlineAfterCheck(
  policy: OrderPolicy,
  attempt: number,
  t: number,
): { 'order.check.due': number } | { 'order.check.exhausted': number } {
  return attempt < policy.maxChecks
    ? { 'order.check.due': t + policy.checkEveryMs }
    : { 'order.check.exhausted': t + policy.checkEveryMs };
}
