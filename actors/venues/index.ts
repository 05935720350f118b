/**
 * Venues. Commonly used first: the simulated market and venue and their errors; then configs and
 * fault hooks; then the pieces the Binance emulator and the shadow fill model build on.
 */

// Commonly used
export { MarketSim } from './market-sim';
export type { MarketRegime, MarketSimOptions } from './market-sim';
export { SimVenue } from './sim-venue';
export type { SimVenueOptions } from './sim-venue';
export {
  OrderNotFoundError,
  OrderRejectedError,
  VenueError,
  VenueRateLimitError,
  VenueTimeoutError,
  VenueUnavailableError,
} from './sim-venue-errors';
export type { OrderRef, OrderRejectReason } from './sim-venue-errors';

export { BinanceEmulator } from './binance-emulator';

// Configuration and fault hooks
export { parseMarketSimConfig, DEFAULT_MARKET_SYMBOLS, impliedCorrelation } from './market-sim.config';
export type { MarketSimConfig, MarketSimConfigInput } from './market-sim.config';
export { parseSimVenueConfig } from './sim-venue.config';
export type { SimVenueConfig, SimVenueConfigInput } from './sim-venue.config';
export type { VenueFault, VenueFaultInput, VenueFaultKind } from './sim-venue-faults';

// Building blocks
export { ManualMarket } from './market-source';
export type { MarketSource } from './market-source';
