import type { Balances, Fill, Instrument, OrderBook, OrderRequest, VenueOrder } from '../trading/types';
import type { OrderRef } from './sim-venue-errors';

/**
 * A trading venue as execution, market data and reconciliation see it: the simulated
 * {@link SimVenue} and the exchange adapter {@link CcxtVenue} both satisfy it, so every consumer is
 * written once against this shape.
 *
 * Every method rejects only with a `VenueError` (`actors/venues/sim-venue-errors.ts`, plus the
 * adapter's own subclasses): {@link OrderRejectedError} with a machine-readable `reason` when the
 * venue refused and nothing changed, {@link OrderNotFoundError}, {@link VenueRateLimitError},
 * {@link VenueUnavailableError} and {@link VenueTimeoutError}. When `outcomeUnknown` is `true` (a
 * submit or cancel that timed out or hit a 5xx) the order may exist: query it by `clientOrderId`,
 * never send it again.
 *
 * There is deliberately no withdrawal, transfer, deposit or key operation.
 *
 * @example
 * async function flatten(venue: Venue, symbol: string): Promise<void> {
 *   for (const order of await venue.openOrders(symbol)) await venue.cancel({ symbol, venueOrderId: order.venueOrderId });
 * }
 */
export interface Venue {
  /** Places an order; resolves with it as it stands after immediate matching. */
  submit(request: OrderRequest): Promise<VenueOrder>;
  /** Cancels an open order by venue or client id; resolves with the cancelled order. */
  cancel(ref: OrderRef): Promise<VenueOrder>;
  /** One order by venue or client id. */
  order(ref: OrderRef): Promise<VenueOrder>;
  /** Open and partially filled orders, of one symbol or all. */
  openOrders(symbol?: string): Promise<VenueOrder[]>;
  /** Our fills, oldest first, of one symbol or all. */
  myTrades(symbol?: string): Promise<Fill[]>;
  /** Free and locked balance of every asset. */
  balances(): Promise<Balances>;
  /** The book, best levels first, at most `depth` levels a side. */
  book(symbol: string, depth?: number): Promise<OrderBook>;
  /** Instruments traded here. */
  instruments(): Promise<Instrument[]>;
  /** The venue's clock. */
  time(): Promise<number>;
  /** Releases what the venue holds (timers, sockets); the venue is not used afterwards. */
  close(): void | Promise<void>;
}
