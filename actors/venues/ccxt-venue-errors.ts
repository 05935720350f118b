import { MUTATING_OPS, VenueError } from './sim-venue-errors';
import type { VenueOp } from './sim-venue-errors';

/**
 * The errors {@link CcxtVenue} adds to the venue family (`sim-venue-errors.ts`): what a simulated
 * venue cannot produce — refused credentials, malformed answers, failures ccxt does not classify.
 */

/** The venue refused our credentials or their permissions (a wrong secret, a key without trading). */
export class VenueAuthenticationError extends VenueError {
  constructor(
    op: VenueOp,
    /** The venue's answer, as ccxt reported it. */
    readonly detail: string,
  ) {
    super(`venue ${op} refused our credentials: ${detail}`, op, false);
  }
}

/**
 * The venue answered, but not with what the contract needs: a missing field, a NaN or negative
 * number, an unknown status. Nothing corrupt is passed on. For a submit or cancel the request may
 * still have taken effect, so the outcome is unknown.
 */
export class VenueDataError extends VenueError {
  constructor(
    op: VenueOp,
    /** Path of the offending field, e.g. `order.filled`. */
    readonly field: string,
    /** What was expected there. */
    readonly expected: string,
    /** What came instead, rendered for the log. */
    readonly received: string,
  ) {
    super(
      `venue ${op} answered badly: ${field} must be ${expected}, got ${received}`,
      op,
      MUTATING_OPS.has(op),
    );
  }
}

/**
 * A failure ccxt did not classify (an exchange-specific refusal of a query, or a bug on either side).
 * For a submit or cancel it is impossible to say whether the request left, so the outcome is unknown.
 */
export class VenueRequestError extends VenueError {
  constructor(
    op: VenueOp,
    /** The class name of the underlying error (`ExchangeError`, `TypeError`). */
    readonly kind: string,
    /** Its message. */
    readonly detail: string,
  ) {
    super(`venue ${op} failed (${kind}): ${detail}`, op, MUTATING_OPS.has(op));
  }
}
