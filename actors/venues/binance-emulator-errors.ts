import { PredatorError } from '../kernel/errors';
import {
  OrderNotFoundError,
  OrderRejectedError,
  VenueRateLimitError,
  VenueTimeoutError,
  VenueUnavailableError,
} from './sim-venue-errors';
import type { OrderRejectReason } from './sim-venue-errors';

/**
 * A Binance REST error as the exchange sends it: an HTTP status and a `{code, msg}` body (plus
 * `Retry-After` for 429/418). Codes and messages are Binance's own, so ccxt's `binance` class maps
 * them to the same exceptions it raises against the real exchange.
 */
export class BinanceApiError extends PredatorError {
  constructor(
    /** HTTP status. */
    readonly status: number,
    /** Binance error code, e.g. -2013. */
    readonly code: number,
    /** Binance error message. */
    readonly msg: string,
    /** Extra response headers (`Retry-After`). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`binance ${status} ${code}: ${msg}`);
  }

  /** The response body. */
  body(): { code: number; msg: string } {
    return { code: this.code, msg: this.msg };
  }
}

/** Binance's messages for the codes the emulator answers with. */
export const binanceErrors = {
  missing: (param: string) =>
    new BinanceApiError(
      400,
      -1102,
      `Mandatory parameter '${param}' was not sent, was empty/null, or malformed.`,
    ),
  illegal: (param: string) =>
    new BinanceApiError(
      400,
      -1100,
      `Illegal characters found in parameter '${param}'; legal range is '${LEGAL}'.`,
    ),
  notRequired: (param: string) =>
    new BinanceApiError(400, -1106, `Parameter '${param}' sent when not required.`),
  badSide: () => new BinanceApiError(400, -1117, 'Invalid side.'),
  badType: () => new BinanceApiError(400, -1116, 'Invalid orderType.'),
  badTimeInForce: () => new BinanceApiError(400, -1115, 'Invalid timeInForce.'),
  badSymbol: () => new BinanceApiError(400, -1121, 'Invalid symbol.'),
  badApiKeyFormat: () => new BinanceApiError(401, -2014, 'API-key format invalid.'),
  badApiKey: () => new BinanceApiError(401, -2015, 'Invalid API-key, IP, or permissions for action.'),
  badSignature: () => new BinanceApiError(400, -1022, 'Signature for this request is not valid.'),
  outsideRecvWindow: () =>
    new BinanceApiError(400, -1021, 'Timestamp for this request is outside of the recvWindow.'),
  aheadOfServer: () =>
    new BinanceApiError(400, -1021, "Timestamp for this request was 1000ms ahead of the server's time."),
  badRecvWindow: () => new BinanceApiError(400, -1131, 'recvWindow must be less than 60000'),
  notFound: () => new BinanceApiError(404, -1000, 'Unknown endpoint.'),
} as const;

/** Binance's pattern for decimal parameters, quoted in its -1100 message. */
const LEGAL = '^([0-9]{1,20})(\\.[0-9]{1,20})?$';

/** Binance's messages for order refusals, by the venue's reason. */
const REFUSALS: Partial<Record<OrderRejectReason, [number, string]>> = {
  INSUFFICIENT_BALANCE: [-2010, 'Account has insufficient balance for requested action.'],
  PRICE_NOT_MULTIPLE_OF_TICK: [-1013, 'Filter failure: PRICE_FILTER'],
  QUANTITY_NOT_MULTIPLE_OF_LOT: [-1013, 'Filter failure: LOT_SIZE'],
  MIN_NOTIONAL: [-1013, 'Filter failure: NOTIONAL'],
  UNKNOWN_SYMBOL: [-1121, 'Invalid symbol.'],
  DUPLICATE_CLIENT_ORDER_ID: [-2010, 'Duplicate order sent.'],
  NO_LIQUIDITY: [-2010, 'Order book liquidity is less than the requested quantity.'],
  INVALID_CLIENT_ORDER_ID: [-1100, "Illegal characters found in parameter 'newClientOrderId'."],
  INVALID_QUANTITY: [-1013, 'Invalid quantity.'],
  INVALID_PRICE: [-1013, 'Invalid price.'],
};

/**
 * Translates a {@link SimVenue} error into the answer Binance gives for it; anything else is a
 * bug in the emulator and becomes -1000 with HTTP 500.
 *
 * - 429/418 → `{-1003}` with `Retry-After` in whole seconds (as Binance sends it);
 * - 5xx → `{-1001}` with the fault's status;
 * - a timeout, before or after acceptance → HTTP 503 `{-1007}`: Binance's "execution status unknown";
 * - not found → -2011 for a cancel ("Unknown order sent."), -2013 otherwise;
 * - refusals → -2010 (submit, with the filter codes -1013 and -1121 where Binance uses them), -2011 (cancel).
 */
export function toBinanceError(error: unknown): BinanceApiError {
  if (error instanceof BinanceApiError) return error;
  if (error instanceof VenueRateLimitError) {
    const retryAfter = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    const msg =
      error.status === 418
        ? `Way too many requests; IP banned for ${retryAfter} s.`
        : 'Too many requests; current limit is exceeded. Please use the websocket for live updates.';
    return new BinanceApiError(error.status, -1003, msg, { 'Retry-After': retryAfter });
  }
  if (error instanceof VenueUnavailableError)
    return new BinanceApiError(
      error.status,
      -1001,
      'Internal error; unable to process your request. Please try again.',
    );
  if (error instanceof VenueTimeoutError)
    return new BinanceApiError(
      503,
      -1007,
      'Timeout waiting for response from backend server. Send status unknown; execution status unknown.',
    );
  if (error instanceof OrderNotFoundError)
    return error.op === 'cancel'
      ? new BinanceApiError(400, -2011, 'Unknown order sent.')
      : new BinanceApiError(400, -2013, 'Order does not exist.');
  if (error instanceof OrderRejectedError) {
    if (error.reason === 'UNKNOWN_SYMBOL') return binanceErrors.badSymbol();
    if (error.op === 'cancel') return new BinanceApiError(400, -2011, 'Unknown order sent.');
    if (error.op === 'query') return new BinanceApiError(400, -2013, 'Order does not exist.');
    const [code, msg] = REFUSALS[error.reason] ?? [-2010, 'New order rejected.'];
    return new BinanceApiError(400, code, msg);
  }
  return new BinanceApiError(500, -1000, 'An unknown error occurred while processing the request.');
}
