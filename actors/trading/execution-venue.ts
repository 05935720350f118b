import type { OrderEvent, VenueOrderState } from '../../machines/order.machine';
import type { SubmitOutcome } from './execution-stats';
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
): Promise<{ events: OrderEvent[]; placed: VenueOrder | null; bad: string | null; outcome: SubmitOutcome }> {
  try {
    const placed: unknown = await venue.submit(request);
    const t = now();
    const bad = venueOrderProblem(placed, request);
    if (bad !== null) {
      // The venue took the request but its answer cannot be read: the order may exist; checks find out.
      const reason = `BAD_VENUE_DATA: ${bad}`;
      return {
        events: [{ type: 'order.submit.failed', kind: 'unknown', reason, t }],
        placed: null,
        bad,
        outcome: 'unknown',
      };
    }
    const order = placed as VenueOrder;
    if (order.status === 'rejected')
      return {
        events: [{ type: 'order.rejected', reason: 'REJECTED_BY_VENUE', t }],
        placed: order,
        bad,
        outcome: 'reject',
      };
    return {
      events: [{ type: 'order.accepted', venueOrderId: order.venueOrderId, t }],
      placed: order,
      bad,
      outcome: 'ack',
    };
  } catch (error) {
    const t = now();
    if (!(error instanceof VenueError)) throw error;
    if (error.outcomeUnknown)
      return {
        events: [{ type: 'order.submit.failed', kind: 'unknown', reason: error.message, t }],
        placed: null,
        bad: null,
        outcome: 'unknown',
      };
    const reason = error instanceof OrderRejectedError ? error.reason : error.name;
    return {
      events: [{ type: 'order.submit.failed', kind: 'rejected', reason, t }],
      placed: null,
      bad: null,
      outcome: error instanceof OrderRejectedError ? 'reject' : 'error',
    };
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

/**
 * Our fills of `symbol`; empty when the venue cannot answer now (the next poll asks again). An
 * answer that is not a list of objects is `bad` (the objects in it are still returned).
 */
export async function fetchFills(
  venue: Venue,
  symbol: string,
): Promise<{ fills: Fill[]; bad: string | null }> {
  let answer: unknown;
  try {
    answer = await venue.myTrades(symbol);
  } catch (error) {
    if (error instanceof VenueError) return { fills: [], bad: null };
    throw error;
  }
  if (!Array.isArray(answer))
    return { fills: [], bad: `myTrades answered ${show(answer)}, not a list of fills` };
  const fills = answer.filter(isObject) as Fill[];
  const skipped = answer.length - fills.length;
  return { fills, bad: skipped === 0 ? null : `myTrades answered ${skipped} entries that are not fills` };
}

const STATUSES: ReadonlySet<unknown> = new Set([
  'open',
  'partially_filled',
  'filled',
  'cancelled',
  'rejected',
]);

/**
 * The first problem with a venue's answer about one of our orders, or null if it can be used: not
 * an order, another order or symbol, an unknown status, no venue order id, a filled quantity that
 * is not a finite number from 0 to the order's quantity.
 */
export function venueOrderProblem(
  order: unknown,
  expected: { readonly clientOrderId: string; readonly symbol: string },
): string | null {
  const cid = expected.clientOrderId;
  if (!isObject(order)) return `the venue answered ${show(order)} for order ${cid}`;
  const o = order as Partial<Record<keyof VenueOrder, unknown>>;
  if (o.clientOrderId !== cid) return `the venue answered order ${show(o.clientOrderId)} for ${cid}`;
  if (o.symbol !== expected.symbol)
    return `order ${cid}: symbol ${show(o.symbol)}, expected ${expected.symbol}`;
  if (!STATUSES.has(o.status)) return `order ${cid}: unknown order status ${show(o.status)}`;
  if (typeof o.venueOrderId !== 'string' || o.venueOrderId.length === 0)
    return `order ${cid} without a venueOrderId`;
  const filled = o.filledQty;
  if (
    typeof filled !== 'number' ||
    !Number.isFinite(filled) ||
    filled < 0 ||
    (typeof o.qty === 'number' && filled > o.qty)
  )
    return `order ${cid}: filledQty ${show(filled)}: expected a finite number from 0 to the order's quantity`;
  return null;
}

/** Why a fill cannot belong to an order of `intent`, or null. */
export function fillMismatch(
  fill: Fill,
  intent: { readonly symbol: string; readonly side: string },
): string | null {
  if (fill.symbol !== intent.symbol)
    return `fill ${show(fill.fillId)} is for ${show(fill.symbol)}, its order for ${intent.symbol}`;
  if (fill.side !== intent.side)
    return `fill ${show(fill.fillId)} is a ${show(fill.side)}, its order a ${intent.side}`;
  return null;
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

/** A value for a message: strings quoted, everything else as it prints. */
export function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

/** An order as its machine needs it. */
export function venueState(order: VenueOrder): VenueOrderState {
  // Not an order: the machine's check reports it (`decideFound`).
  if (!isObject(order)) return order;
  return {
    venueOrderId: order.venueOrderId,
    status: order.status,
    filledQty: order.filledQty,
    avgFillPrice: order.avgFillPrice,
  };
}
