import type { OrderRef } from '../venues/sim-venue-errors';
import type { Venue } from '../venues/venue';
import type { TradingServices } from './trading-services';
import type { Balances, Fill, Instrument, OrderBook, OrderRequest, VenueOrder } from './types';

/**
 * One engine's handle on a venue account it shares with the instance's other engines (the shadow
 * fill model, like the one real account live engines share). Every call goes to the shared venue;
 * the handle only gives each engine an object of its own, so what wraps one engine's calls (a
 * benchmark's timing, the soak's check of each order that leaves) sees that engine's calls only.
 * Closing a handle does nothing: the shared venue is closed by whoever built it.
 */
export class EngineVenueView implements Venue {
  constructor(readonly account: Venue) {}

  submit(request: OrderRequest): Promise<VenueOrder> {
    return this.account.submit(request);
  }

  cancel(ref: OrderRef): Promise<VenueOrder> {
    return this.account.cancel(ref);
  }

  order(ref: OrderRef): Promise<VenueOrder> {
    return this.account.order(ref);
  }

  openOrders(symbol?: string): Promise<VenueOrder[]> {
    return this.account.openOrders(symbol);
  }

  myTrades(symbol?: string): Promise<Fill[]> {
    return this.account.myTrades(symbol);
  }

  balances(): Promise<Balances> {
    return this.account.balances();
  }

  book(symbol: string, depth?: number): Promise<OrderBook> {
    return this.account.book(symbol, depth);
  }

  instruments(): Promise<Instrument[]> {
    return this.account.instruments();
  }

  time(): Promise<number> {
    return this.account.time();
  }

  close(): void {}
}

/** The venue behind an engine's handle: the shared account for a view, the venue itself otherwise. */
export function accountVenue(venue: Venue): Venue {
  return venue instanceof EngineVenueView ? venue.account : venue;
}

/**
 * Each account behind the engines once, with the first engine trading on it: the shadow engines
 * share the fill model, live engines the market venue.
 */
export function engineAccounts(
  services: Pick<TradingServices, 'engineIds' | 'engineVenue'>,
): Map<Venue, string> {
  const accounts = new Map<Venue, string>();
  for (const engine of services.engineIds()) {
    const venue = accountVenue(services.engineVenue(engine).venue);
    if (!accounts.has(venue)) accounts.set(venue, engine);
  }
  return accounts;
}
