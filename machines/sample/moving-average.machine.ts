import { assign, emit, setup } from 'xstate';

/** Input of the moving-average consumer. */
export interface MovingAverageInput {
  readonly window: number;
}

/** Context: the price window, its running sum and mean. */
export interface MovingAverageContext {
  size: number;
  prices: number[];
  sum: number;
  average: number | null;
  last: number | null;
  crossings: number;
}

type MovingAverageEvent = { type: 'price.ticked'; symbol: string; price: number; t: number };

/** The window and mean after `price`: a pure function shared by guards and the action. */
export function withPrice(
  context: MovingAverageContext,
  price: number,
): Pick<MovingAverageContext, 'prices' | 'sum' | 'average' | 'last'> {
  const prices = context.prices.length >= context.size ? context.prices.slice(1) : context.prices.slice();
  const dropped = context.prices.length >= context.size ? (context.prices[0] as number) : 0;
  prices.push(price);
  const sum = context.sum - dropped + price;
  return { prices, sum, average: sum / prices.length, last: price };
}

const isBelow = (context: MovingAverageContext, price: number): boolean => {
  const next = withPrice(context, price);
  return price < (next.average as number);
};

/**
 * Simple moving average over the last `window` prices. `warming` until the window is full, then
 * `tracking.above` / `tracking.below` by where the price stands against the average; each crossing
 * publishes `ma.crossed` on `signals`. Transitions are guarded on the event (no eventless
 * transitions), so each tick costs one evaluation.
 */
export const movingAverageMachine = setup({
  types: {} as { context: MovingAverageContext; events: MovingAverageEvent; input: MovingAverageInput },
  actions: {
    record: assign(({ context, event }) => withPrice(context, event.price)),
    announce: emit(({ context, event }) => ({
      type: 'publish' as const,
      topic: 'signals',
      event: {
        type: 'ma.crossed',
        direction: (context.last ?? 0) >= (context.average ?? 0) ? 'up' : 'down',
        price: context.last,
        average: context.average,
        t: event.t,
      },
    })),
    countCrossing: assign({ crossings: ({ context }) => context.crossings + 1 }),
  },
  guards: {
    fillsBelow: ({ context, event }) =>
      context.prices.length + 1 >= context.size && isBelow(context, event.price),
    fillsAbove: ({ context, event }) =>
      context.prices.length + 1 >= context.size && !isBelow(context, event.price),
    crossesBelow: ({ context, event }) => isBelow(context, event.price),
    crossesAbove: ({ context, event }) => !isBelow(context, event.price),
  },
}).createMachine({
  id: 'moving-average',
  initial: 'warming',
  context: ({ input }) => ({
    size: input.window,
    prices: [],
    sum: 0,
    average: null,
    last: null,
    crossings: 0,
  }),
  states: {
    warming: {
      on: {
        'price.ticked': [
          { guard: 'fillsBelow', target: 'tracking.below', actions: 'record' },
          { guard: 'fillsAbove', target: 'tracking.above', actions: 'record' },
          { actions: 'record' },
        ],
      },
    },
    tracking: {
      initial: 'above',
      states: {
        above: {
          on: {
            'price.ticked': [
              { guard: 'crossesBelow', target: 'below', actions: ['record', 'countCrossing', 'announce'] },
              { actions: 'record' },
            ],
          },
        },
        below: {
          on: {
            'price.ticked': [
              { guard: 'crossesAbove', target: 'above', actions: ['record', 'countCrossing', 'announce'] },
              { actions: 'record' },
            ],
          },
        },
      },
    },
  },
});
