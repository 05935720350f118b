import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { Rng } from '../../actors/kernel/rng';
import type { BookLevel, Instrument } from '../../actors/trading/types';
import { ManualMarket } from '../../actors/venues/market-source';
import { SimVenue } from '../../actors/venues/sim-venue';
import type { SimVenueConfigInput } from '../../actors/venues/sim-venue.config';

/** Binance's BTCUSDT increments. */
export const BTC: Instrument = {
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: 0.01,
  lotSize: 0.00001,
  minNotional: 5,
};

/** Binance's ETHUSDT increments. */
export const ETH: Instrument = {
  symbol: 'ETHUSDT',
  base: 'ETH',
  quote: 'USDT',
  tickSize: 0.01,
  lotSize: 0.0001,
  minNotional: 5,
};

/** `[[price, qty], …]` → levels. */
export const levels = (rows: [number, number][]): BookLevel[] => rows.map(([price, qty]) => ({ price, qty }));

/** A quiet BTC book: 59,999/60,001 with 1 BTC at each of three levels a side. */
export const BTC_BOOK = {
  bids: levels([
    [59_999, 1],
    [59_998, 1],
    [59_997, 1],
  ]),
  asks: levels([
    [60_001, 1],
    [60_002, 1],
    [60_003, 1],
  ]),
};

/** What a settled request came to. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * A venue over scripted books on a virtual clock, with a fixed 1 ms latency each way unless the
 * config says otherwise, maker 0.1 % and taker 0.2 %.
 */
export function setup(config: SimVenueConfigInput = {}, seed = 1) {
  const clock = new VirtualClock();
  const market = new ManualMarket([BTC, ETH]);
  market.set('BTCUSDT', BTC_BOOK, clock.now());
  const venue = new SimVenue({
    clock,
    rng: new Rng(seed),
    market,
    config: {
      fees: { maker: 0.001, taker: 0.002 },
      latency: { baseMs: 1, jitterMeanMs: 0 },
      balances: { USDT: 100_000, BTC: 2, ETH: 10 },
      ...config,
    },
  });
  /** Lets a request travel (advancing the clock by `ms`) and returns its outcome. */
  const settle = async <T>(request: Promise<T>, ms = 10): Promise<Outcome<T>> => {
    const outcome = request.then(
      (value): Outcome<T> => ({ ok: true, value }),
      (error: unknown): Outcome<T> => ({ ok: false, error }),
    );
    await clock.advance(ms);
    return outcome;
  };
  /** Like `settle`, but returns the value and throws the error. */
  const run = async <T>(request: Promise<T>, ms = 10): Promise<T> => {
    const outcome = await settle(request, ms);
    if (outcome.ok) return outcome.value;
    throw outcome.error;
  };
  /** Publishes a new BTC snapshot. */
  const btc = (bids: [number, number][], asks: [number, number][]) =>
    market.set('BTCUSDT', { bids: levels(bids), asks: levels(asks) }, clock.now());
  return { clock, market, venue, settle, run, btc };
}
