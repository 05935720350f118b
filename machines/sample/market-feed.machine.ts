import { assign, emit, setup } from 'xstate';
import { draw } from '../../actors/kernel/rng';

/** Input of the sample market feed. */
export interface MarketFeedInput {
  readonly symbol: string;
  readonly startPrice: number;
  readonly tickMs: number;
  /** Per-tick log-return standard deviation in the calm regime; volatile is `volatileFactor` times it. */
  readonly sigma: number;
  readonly volatileFactor: number;
  /** Per-tick probability of switching regime. */
  readonly switchProbability: number;
  readonly seed: number;
  readonly now: number;
}

/** Context of the sample market feed: its random stream lives here, so a restore continues it. */
export interface MarketFeedContext {
  symbol: string;
  price: number;
  tickMs: number;
  sigma: number;
  volatileFactor: number;
  switchProbability: number;
  rngState: number;
  regime: 'calm' | 'volatile';
  ticks: number;
  deadlines: { 'feed.tick': number };
}

type MarketFeedEvent = { type: 'feed.tick'; t: number };

/** The next price and regime, a pure function of the context (its random stream included). */
export function nextTick(context: MarketFeedContext): {
  price: number;
  regime: MarketFeedContext['regime'];
  rngState: number;
} {
  const a = draw(context.rngState);
  const b = draw(a.state);
  const c = draw(b.state);
  const z = Math.sqrt(-2 * Math.log(Math.max(a.value, Number.EPSILON))) * Math.cos(2 * Math.PI * b.value);
  const sigma = context.regime === 'calm' ? context.sigma : context.sigma * context.volatileFactor;
  const switched = c.value < context.switchProbability;
  const regime = switched ? (context.regime === 'calm' ? 'volatile' : 'calm') : context.regime;
  return { price: Math.round(context.price * Math.exp(sigma * z) * 100) / 100, regime, rngState: c.state };
}

/**
 * A seeded random-walk price feed with two volatility regimes. Each `feed.tick` moves the price by
 * a log-normal step, may switch regime, publishes `price.ticked` on `prices`, and sets the next tick
 * deadline in context (the host re-arms it, also after a restart).
 */
export const marketFeedMachine = setup({
  types: {} as { context: MarketFeedContext; events: MarketFeedEvent; input: MarketFeedInput },
  actions: {
    step: assign(({ context, event }) => {
      const next = nextTick(context);
      return {
        price: next.price,
        rngState: next.rngState,
        regime: next.regime,
        ticks: context.ticks + 1,
        deadlines: { 'feed.tick': event.t + context.tickMs },
      };
    }),
    publish: emit(({ context, event }) => ({
      type: 'publish' as const,
      topic: 'prices',
      event: { type: 'price.ticked', symbol: context.symbol, price: context.price, t: event.t },
    })),
  },
  guards: {
    switchesRegime: ({ context }) => nextTick(context).regime !== context.regime,
  },
}).createMachine({
  id: 'market-feed',
  initial: 'calm',
  context: ({ input }) => ({
    symbol: input.symbol,
    price: input.startPrice,
    tickMs: input.tickMs,
    sigma: input.sigma,
    volatileFactor: input.volatileFactor,
    switchProbability: input.switchProbability,
    rngState: input.seed >>> 0,
    regime: 'calm',
    ticks: 0,
    deadlines: { 'feed.tick': input.now + input.tickMs },
  }),
  states: {
    calm: {
      on: {
        'feed.tick': [
          { guard: 'switchesRegime', target: 'volatile', actions: ['step', 'publish'] },
          { actions: ['step', 'publish'] },
        ],
      },
    },
    volatile: {
      on: {
        'feed.tick': [
          { guard: 'switchesRegime', target: 'calm', actions: ['step', 'publish'] },
          { actions: ['step', 'publish'] },
        ],
      },
    },
  },
});
