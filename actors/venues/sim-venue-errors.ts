import { PredatorError } from '../kernel/errors';

/**
 * The venue's error family. Every class sets `name`, carries its context as readonly fields and
 * says whether the caller can know what happened (`outcomeUnknown`): after a timeout or a 5xx on a
 * submit or cancel the order may or may not exist, so the caller must query, never resend.
 */

/** A venue operation, as named in faults and errors. */
export type VenueOp =
  'submit' | 'cancel' | 'query' | 'openOrders' | 'myTrades' | 'balances' | 'book' | 'instruments' | 'time';

/** Every {@link VenueOp}. */
export const VENUE_OPS: readonly VenueOp[] = [
  'submit',
  'cancel',
  'query',
  'openOrders',
  'myTrades',
  'balances',
  'book',
  'instruments',
  'time',
];

/** Operations that change state on the venue: their outcome is unknown after a timeout or 5xx. */
export const MUTATING_OPS: ReadonlySet<VenueOp> = new Set<VenueOp>(['submit', 'cancel']);

/** Machine-readable reasons a venue refuses a request. */
export type OrderRejectReason =
  | 'UNKNOWN_SYMBOL'
  | 'INVALID_CLIENT_ORDER_ID'
  | 'INVALID_SIDE'
  | 'INVALID_TYPE'
  | 'INVALID_QUANTITY'
  | 'INVALID_PRICE'
  | 'PRICE_REQUIRED'
  | 'PRICE_NOT_ALLOWED'
  | 'PRICE_NOT_MULTIPLE_OF_TICK'
  | 'QUANTITY_NOT_MULTIPLE_OF_LOT'
  | 'MIN_NOTIONAL'
  | 'NO_LIQUIDITY'
  | 'INSUFFICIENT_BALANCE'
  | 'DUPLICATE_CLIENT_ORDER_ID'
  | 'INVALID_ORDER_REF'
  | 'ORDER_NOT_OPEN'
  | 'REJECTED_BY_VENUE';

/** Every {@link OrderRejectReason}. */
export const ORDER_REJECT_REASONS: readonly OrderRejectReason[] = [
  'UNKNOWN_SYMBOL',
  'INVALID_CLIENT_ORDER_ID',
  'INVALID_SIDE',
  'INVALID_TYPE',
  'INVALID_QUANTITY',
  'INVALID_PRICE',
  'PRICE_REQUIRED',
  'PRICE_NOT_ALLOWED',
  'PRICE_NOT_MULTIPLE_OF_TICK',
  'QUANTITY_NOT_MULTIPLE_OF_LOT',
  'MIN_NOTIONAL',
  'NO_LIQUIDITY',
  'INSUFFICIENT_BALANCE',
  'DUPLICATE_CLIENT_ORDER_ID',
  'INVALID_ORDER_REF',
  'ORDER_NOT_OPEN',
  'REJECTED_BY_VENUE',
];

/** Names one order: by the venue's id or by the client's id, optionally within a symbol. */
export interface OrderRef {
  readonly symbol?: string;
  readonly venueOrderId?: string;
  readonly clientOrderId?: string;
}

/** Base class of every venue error. */
export class VenueError extends PredatorError {
  constructor(
    message: string,
    /** The operation that failed. */
    readonly op: VenueOp,
    /** `true` when the operation may have taken effect: query before acting again. */
    readonly outcomeUnknown: boolean,
  ) {
    super(message);
  }
}

/** No answer in time. For a submit or cancel the request may have been executed. */
export class VenueTimeoutError extends VenueError {
  constructor(
    op: VenueOp,
    readonly timeoutMs: number,
  ) {
    super(`venue ${op} timed out after ${timeoutMs} ms; outcome unknown`, op, MUTATING_OPS.has(op));
  }
}

/** Too many requests (429) or banned for sending on after a 429 (418). Nothing was executed. */
export class VenueRateLimitError extends VenueError {
  constructor(
    op: VenueOp,
    readonly status: 429 | 418,
    /** Wait at least this long before the next request (the `Retry-After` header). */
    readonly retryAfterMs: number,
  ) {
    super(
      `venue ${op} ${status === 418 ? 'refused: banned' : 'rate limited'}; retry after ${retryAfterMs} ms`,
      op,
      false,
    );
  }
}

/** The venue failed with a 5xx: retry with backoff. For a submit or cancel the outcome is unknown. */
export class VenueUnavailableError extends VenueError {
  constructor(
    op: VenueOp,
    readonly status: number,
  ) {
    super(`venue ${op} failed with ${status}; outcome unknown`, op, MUTATING_OPS.has(op));
  }
}

/** The venue does not know the order — or says so: right after placing, one answer is not proof. */
export class OrderNotFoundError extends VenueError {
  constructor(
    op: VenueOp,
    readonly ref: OrderRef,
  ) {
    super(`venue ${op}: order ${describeRef(ref)} not found`, op, false);
  }
}

/** The venue refused the request; nothing changed. `reason` is machine-readable. */
export class OrderRejectedError extends VenueError {
  constructor(
    op: VenueOp,
    readonly reason: OrderRejectReason,
    /** What was wrong, naming the field and what was expected. */
    readonly detail: string,
    readonly clientOrderId?: string,
  ) {
    super(`venue ${op} rejected (${reason}): ${detail}`, op, false);
  }
}

/** `{ clientOrderId: 'a' }` → `clientOrderId=a`. */
export function describeRef(ref: OrderRef): string {
  const parts: string[] = [];
  if (ref.venueOrderId !== undefined) parts.push(`venueOrderId=${ref.venueOrderId}`);
  if (ref.clientOrderId !== undefined) parts.push(`clientOrderId=${ref.clientOrderId}`);
  if (ref.symbol !== undefined) parts.push(`symbol=${ref.symbol}`);
  return parts.join(' ') || '(no id)';
}
