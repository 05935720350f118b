import ccxt from 'ccxt';
import { VenueAuthenticationError, VenueRequestError } from './ccxt-venue-errors';
import {
  OrderNotFoundError,
  OrderRejectedError,
  VenueError,
  VenueRateLimitError,
  VenueTimeoutError,
  VenueUnavailableError,
} from './sim-venue-errors';
import type { OrderRef, OrderRejectReason, VenueOp } from './sim-venue-errors';

/** What the HTTP layer saw of a failed call (filled in by `ccxt-venue-client.ts`). */
export interface ResponseMeta {
  readonly status: number;
  /** From `Retry-After`, when the venue sent one. */
  readonly retryAfterMs?: number;
}

/** What the failed call was about, for the error it becomes. */
export interface FailureContext {
  readonly op: VenueOp;
  /** ccxt's request timeout, reported in {@link VenueTimeoutError}. */
  readonly timeoutMs: number;
  readonly ref?: OrderRef;
  readonly clientOrderId?: string;
  /** The HTTP status and headers of the failed response, when there was one. */
  readonly meta?: ResponseMeta;
}

/** Waited when a venue rate-limits without saying for how long. */
export const DEFAULT_RETRY_AFTER_MS = 1_000;

/**
 * Filter failures named in refusals (Binance's `Filter failure: PRICE_FILTER`, and the words other
 * venues use), most specific first.
 */
const REASON_PATTERNS: readonly (readonly [RegExp, OrderRejectReason])[] = [
  [/duplicate/i, 'DUPLICATE_CLIENT_ORDER_ID'],
  [/PRICE_FILTER|tick ?size/i, 'PRICE_NOT_MULTIPLE_OF_TICK'],
  [/LOT_SIZE|step ?size/i, 'QUANTITY_NOT_MULTIPLE_OF_LOT'],
  [/NOTIONAL/i, 'MIN_NOTIONAL'],
  [/insufficient/i, 'INSUFFICIENT_BALANCE'],
  [/liquidity/i, 'NO_LIQUIDITY'],
];

/**
 * Translates what a ccxt call threw into the venue error family. Order matters, because ccxt's
 * classes nest (`RequestTimeout` and `ExchangeNotAvailable` are `NetworkError`s, `OrderNotFound`
 * is an `InvalidOrder`, `PermissionDenied` an `AuthenticationError`):
 *
 * - `DDoSProtection`/`RateLimitExceeded` → {@link VenueRateLimitError} (418 or 429, `Retry-After`);
 * - `ExchangeNotAvailable`/`OnMaintenance`, or any other failure answered with a 5xx →
 *   {@link VenueUnavailableError};
 * - `RequestTimeout` and every other `NetworkError` → {@link VenueTimeoutError} (outcome unknown
 *   for a submit or cancel: the order may exist);
 * - `AuthenticationError` → {@link VenueAuthenticationError};
 * - `OrderNotFound` → {@link OrderNotFoundError};
 * - `InsufficientFunds`, `InvalidOrder`, `BadSymbol` and other refusals of a submit or cancel →
 *   {@link OrderRejectedError} with a machine-readable reason;
 * - anything else → {@link VenueRequestError}.
 */
export function toVenueError(error: unknown, ctx: FailureContext): VenueError {
  if (error instanceof VenueError) return error;
  const { op, meta } = ctx;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded) {
    return new VenueRateLimitError(
      op,
      meta?.status === 418 ? 418 : 429,
      meta?.retryAfterMs ?? DEFAULT_RETRY_AFTER_MS,
    );
  }
  if (error instanceof ccxt.RequestTimeout) return new VenueTimeoutError(op, ctx.timeoutMs);
  if (error instanceof ccxt.ExchangeNotAvailable) return new VenueUnavailableError(op, serverStatus(meta));
  if (meta !== undefined && meta.status >= 500) return new VenueUnavailableError(op, meta.status);
  if (error instanceof ccxt.NetworkError) return new VenueTimeoutError(op, ctx.timeoutMs);
  if (error instanceof ccxt.AuthenticationError) return new VenueAuthenticationError(op, message);
  if (error instanceof ccxt.OrderNotFound) return new OrderNotFoundError(op, ctx.ref ?? {});
  if (error instanceof ccxt.ExchangeError && (op === 'submit' || op === 'cancel')) {
    return new OrderRejectedError(op, rejectReason(error, message), message, ctx.clientOrderId);
  }
  return new VenueRequestError(op, error instanceof Error ? error.name : typeof error, message);
}

function rejectReason(error: InstanceType<typeof ccxt.ExchangeError>, message: string): OrderRejectReason {
  if (error instanceof ccxt.InsufficientFunds) return 'INSUFFICIENT_BALANCE';
  if (error instanceof ccxt.BadSymbol) return 'UNKNOWN_SYMBOL';
  if (error instanceof ccxt.DuplicateOrderId) return 'DUPLICATE_CLIENT_ORDER_ID';
  return REASON_PATTERNS.find(([pattern]) => pattern.test(message))?.[1] ?? 'REJECTED_BY_VENUE';
}

/** A 5xx status for an unavailable venue: the one answered, else 503. */
function serverStatus(meta: ResponseMeta | undefined): number {
  return meta !== undefined && meta.status >= 500 ? meta.status : 503;
}

/** `Retry-After` in seconds (the only form Binance and most venues send) → ms; else undefined. */
export function retryAfterMs(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1_000) : undefined;
}
