import type { Clock } from '../kernel/clock';
import type { Rng } from '../kernel/rng';
import { ManualMarket } from '../venues/market-source';
import { SimVenue } from '../venues/sim-venue';
import type { Instrument, OrderBook } from './types';

/** The instance's shadow fill model: the simulated account and how books reach it. */
export interface ShadowFillModel {
  readonly venue: SimVenue;
  /** Feeds an accepted book to the model, once per book however many engines see it. */
  readonly observe: (book: OrderBook) => void;
}

/**
 * One simulated account, funded once with the instance's balances, that every shadow engine's
 * orders go to and that fills them against the books the engines see. Why one for the instance and
 * not one per engine: the portfolio counts the funding once and a live account refuses what the
 * engines together cannot pay for; with a model per engine each could spend the whole funding, and
 * shadow would fill orders that live refuses.
 *
 * @example
 * const shadow = shadowFillModel([...instruments.values()], config.balances, clock, rng);
 * engineSide = { venue: new EngineVenueView(shadow.venue), observe: shadow.observe, … };
 */
export function shadowFillModel(
  instruments: readonly Instrument[],
  balances: Readonly<Record<string, number>>,
  clock: Clock,
  rng: Rng,
): ShadowFillModel {
  const model = new ManualMarket([...instruments]);
  const venue = new SimVenue({
    clock,
    rng: rng.stream('shadow'),
    market: model,
    config: { name: 'shadow', idPrefix: 'shadow-', balances, latency: { baseMs: 0, jitterMeanMs: 0 } },
  });
  // Every engine trading a symbol is handed the same published book: matching it twice would
  // offer its liquidity twice.
  const last = new Map<string, OrderBook>();
  const observe = (book: OrderBook): void => {
    if (last.get(book.symbol) === book) return;
    last.set(book.symbol, book);
    model.set(book.symbol, book, book.t);
  };
  return { venue, observe };
}
