import { assign, setup } from 'xstate';

/** Input of the volatility estimator. */
export interface VolatilityInput {
  /** Returns in the rolling window. */
  readonly window: number;
  /** Per-tick standard deviation of log returns above which the market counts as `elevated`. */
  readonly threshold: number;
}

/** Context: the rolling log returns and their standard deviation. */
export interface VolatilityContext {
  size: number;
  threshold: number;
  returns: number[];
  last: number | null;
  stdev: number | null;
}

type VolatilityEvent = { type: 'price.ticked'; symbol: string; price: number; t: number };

/** The window and deviation after `price`: a pure function shared by guards and the action. */
export function withPrice(
  context: VolatilityContext,
  price: number,
): Pick<VolatilityContext, 'returns' | 'last' | 'stdev'> {
  if (context.last === null || context.last <= 0 || price <= 0) {
    return { returns: context.returns, last: price, stdev: context.stdev };
  }
  const returns = context.returns.length >= context.size ? context.returns.slice(1) : context.returns.slice();
  returns.push(Math.log(price / context.last));
  let mean = 0;
  for (const r of returns) mean += r;
  mean /= returns.length;
  let variance = 0;
  for (const r of returns) variance += (r - mean) ** 2;
  variance /= Math.max(1, returns.length - 1);
  return { returns, last: price, stdev: Math.sqrt(variance) };
}

const stdevAfter = (context: VolatilityContext, price: number): number =>
  withPrice(context, price).stdev ?? 0;

/**
 * Realized volatility of the feed: the standard deviation of the last `window` log returns;
 * `collecting` until the window is full, then `normal` or `elevated` against `threshold`.
 */
export const volatilityMachine = setup({
  types: {} as { context: VolatilityContext; events: VolatilityEvent; input: VolatilityInput },
  actions: {
    record: assign(({ context, event }) => withPrice(context, event.price)),
  },
  guards: {
    fills: ({ context, event }) => withPrice(context, event.price).returns.length >= context.size,
    turnsElevated: ({ context, event }) => stdevAfter(context, event.price) > context.threshold,
    turnsNormal: ({ context, event }) => stdevAfter(context, event.price) <= context.threshold,
  },
}).createMachine({
  id: 'volatility',
  initial: 'collecting',
  context: ({ input }) => ({
    size: input.window,
    threshold: input.threshold,
    returns: [],
    last: null,
    stdev: null,
  }),
  states: {
    collecting: {
      on: {
        'price.ticked': [{ guard: 'fills', target: 'normal', actions: 'record' }, { actions: 'record' }],
      },
    },
    normal: {
      on: {
        'price.ticked': [
          { guard: 'turnsElevated', target: 'elevated', actions: 'record' },
          { actions: 'record' },
        ],
      },
    },
    elevated: {
      on: {
        'price.ticked': [
          { guard: 'turnsNormal', target: 'normal', actions: 'record' },
          { actions: 'record' },
        ],
      },
    },
  },
});
