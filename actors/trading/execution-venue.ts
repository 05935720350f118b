import type { OrderEvent, VenueOrderState } from '../../machines/order.machine';
import type { Venue } from '../venues/venue';
import { OrderNotFoundError, OrderRejectedError, VenueError } from '../venues/sim-venue-errors';
import type { Fill, OrderRequest, VenueOrder } from './types';

/**
 * The venue calls of execution, each turned into the order events it proves. Expected venue
 * failures become events; only a programming error rejects. Time comes from `now`.
 */

/** Events a submit answer proves, in order: accepted, then any fills it already had are fetched. */
export async function submitOrder(
  venue: Venue,
  request: OrderRequest,
  now: () => number,
): Promise<{ events: OrderEvent[]; placed: VenueOrder | null }> {
  try {
    const placed = await venue.submit(request);
    const t = now();
    if (placed.status === 'rejected')
      return { events: [{ type: 'order.rejected', reason: 'REJECTED_BY_VENUE', t }], placed };
    return { events: [{ type: 'order.accepted', venueOrderId: placed.venueOrderId, t }], placed };
  } catch (error) {
    const t = now();
    if (!(error instanceof VenueError)) throw error;
    if (error.outcomeUnknown)
      return {
        events: [{ type: 'order.submit.failed', kind: 'unknown', reason: error.message, t }],
        placed: null,
      };
    const reason = error instanceof OrderRejectedError ? error.reason : error.name;
    return { events: [{ type: 'order.submit.failed', kind: 'rejected', reason, t }], placed: null };
  }
}

/** The answer to an in-flight check: found with the venue's state, or not found (not proof). */
export async function checkOrder(
  venue: Venue,
  clientOrderId: string,
  symbol: string,
  now: () => number,
): Promise<OrderEvent | null> {
  try {
    const order = await venue.order({ clientOrderId, symbol });
    return { type: 'order.check.found', venueState: venueState(order), t: now() };
  } catch (error) {
    if (error instanceof OrderNotFoundError) return { type: 'order.check.notFound', t: now() };
    if (error instanceof VenueError) return null;
    throw error;
  }
}

/**
 * Cancels by client id: the order as the venue now has it, or null when the venue could not say
 * (the next poll learns the outcome; a cancel never changes what we believe on its own).
 */
export async function cancelOrder(
  venue: Venue,
  clientOrderId: string,
  symbol: string,
): Promise<VenueOrder | null> {
  try {
    return await venue.cancel({ clientOrderId, symbol });
  } catch (error) {
    if (error instanceof OrderRejectedError || error instanceof OrderNotFoundError) {
      return await venue.order({ clientOrderId, symbol }).catch(() => null);
    }
    if (error instanceof VenueError) return null;
    throw error;
  }
}

/** One order by client id, or null when the venue cannot answer now. */
export async function queryOrder(
  venue: Venue,
  clientOrderId: string,
  symbol: string,
): Promise<VenueOrder | null> {
  try {
    return await venue.order({ clientOrderId, symbol });
  } catch (error) {
    if (error instanceof VenueError) return null;
    throw error;
  }
}

/** Our fills of `symbol`; empty when the venue cannot answer now (the next poll asks again). */
export async function fetchFills(venue: Venue, symbol: string): Promise<Fill[]> {
  try {
    return await venue.myTrades(symbol);
  } catch (error) {
    if (error instanceof VenueError) return [];
    throw error;
  }
}

/** An order as its machine needs it. */
export function venueState(order: VenueOrder): VenueOrderState {
  return {
    venueOrderId: order.venueOrderId,
    status: order.status,
    filledQty: order.filledQty,
    avgFillPrice: order.avgFillPrice,
  };
}
