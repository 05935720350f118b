import { assign, enqueueActions, setup } from 'xstate';
import type { AnyStrategy, StrategyKind } from '../actors/trading/strategies/registry';
import { createStrategy } from '../actors/trading/strategies/registry';
import type { OwnOrder, Strategy, StrategySlot } from '../actors/trading/strategies/strategy';
import { initialSlot, stepStrategy } from '../actors/trading/strategies/strategy';
import type { Instrument, Intent, OrderBook, Side } from '../actors/trading/types';
import { fromLots, toLots } from '../actors/trading/units';

/** Input of a strategy machine: which strategy, with its raw config, on which instrument. */
export interface StrategyMachineInput {
  readonly engine: string;
  /** The strategy's id, unique in the instance. */
  readonly strategy: string;
  readonly kind: StrategyKind;
  /** The strategy's config block; validated at start (a bad one fails the actor with a `ConfigError`). */
  readonly config: unknown;
  readonly instrument: Instrument;
}

/** Context: the strategy's persisted slot and what its host knows about its orders. */
export interface StrategyMachineContext {
  engine: string;
  strategy: string;
  kind: StrategyKind;
  config: unknown;
  instrument: Instrument;
  slot: StrategySlot<unknown>;
  /** Signed position in base units, from the fills of the strategy's own orders. */
  position: number;
  /** Own orders from emitted intents until they reach an outcome (see `OwnOrder`). */
  openOrders: OwnOrder[];
  /** The last accepted book: on `book.stale` the strategy sees it once more, marked stale. */
  lastBook: OrderBook | null;
}

/**
 * Events: the market-data topic (`book.*`, see `market-data.machine.ts`) and the outcomes of the
 * strategy's own orders, by intent id. `t` is the clock time.
 */
export type StrategyMachineEvent =
  | { type: 'book.accepted'; book: OrderBook; t: number }
  | { type: 'book.live'; t: number }
  | { type: 'book.stale'; t: number }
  /** One execution of an own order; `side` is repeated so a fill after `closed` still counts. */
  | { type: 'strategy.order.filled'; intentId: string; side: Side; qty: number; t: number }
  /** An own order reached an outcome: filled, cancelled, rejected, or denied by the risk engine. */
  | { type: 'strategy.order.closed'; intentId: string; t: number };

/** What the machine asks its host to do: cancels first, then intents, in emission order. */
export type StrategyCommand =
  | { type: 'submitIntent'; intent: Intent }
  | { type: 'cancelIntent'; intentId: string; engine: string; strategy: string; symbol: string; t: number };

// Parsing a config on every book would cost more than the strategy; a restored context brings a
// new config object, so the cache misses once per restart.
const strategies = new WeakMap<object, AnyStrategy>();

function strategyOf(context: Pick<StrategyMachineContext, 'kind' | 'config'>): Strategy<unknown> {
  const key = typeof context.config === 'object' && context.config !== null ? context.config : null;
  const cached = key === null ? undefined : strategies.get(key);
  if (cached !== undefined) return cached as Strategy<unknown>;
  const strategy = createStrategy(context.kind, context.config);
  if (key !== null) strategies.set(key, strategy);
  return strategy as Strategy<unknown>;
}

/**
 * Hosts one pure strategy (see `actors/trading/strategies/`): on every accepted book it calls the
 * strategy with its position and working orders, records the intents it emits as working orders
 * at once (so the next book does not send them again), marks cancelled ones, and emits
 * `cancelIntent` then `submitIntent`. States follow the market data: `waiting` for the first live
 * book, `live`, `stale`. Going stale calls the strategy once more on the last book with
 * `stale: true` — no new book will come to tell it, and a maker must pull its quotes now.
 */
export const strategyMachine = setup({
  types: {} as {
    context: StrategyMachineContext;
    events: StrategyMachineEvent;
    input: StrategyMachineInput;
    emitted: StrategyCommand;
  },
  actions: {
    decide: enqueueActions(({ context, event, enqueue }, params: { stale: boolean }) => {
      const book = event.type === 'book.accepted' ? event.book : context.lastBook;
      if (book === null) return;
      const step = stepStrategy(strategyOf(context), context.slot, book, {
        engine: context.engine,
        strategy: context.strategy,
        instrument: context.instrument,
        t: event.t,
        position: context.position,
        openOrders: context.openOrders,
        stale: params.stale,
      });
      const cancelled = new Set(step.cancels);
      const openOrders = context.openOrders.map((o) =>
        cancelled.has(o.intentId) ? { ...o, cancelRequested: true } : o,
      );
      for (const i of step.intents) openOrders.push(ownOrderOf(i));
      enqueue.assign({ slot: step.slot, openOrders, lastBook: book });
      const { engine, strategy, instrument } = context;
      for (const intentId of step.cancels) {
        enqueue.emit({
          type: 'cancelIntent',
          intentId,
          engine,
          strategy,
          symbol: instrument.symbol,
          t: event.t,
        });
      }
      for (const intent of step.intents) enqueue.emit({ type: 'submitIntent', intent });
    }),
    keepBook: assign(({ event }) => (event.type === 'book.accepted' ? { lastBook: event.book } : {})),
    recordFill: assign(({ context, event }) => {
      if (event.type !== 'strategy.order.filled') return {};
      const { instrument } = context;
      const signed = (event.side === 'buy' ? 1 : -1) * toLots(instrument, event.qty);
      const openOrders = context.openOrders.flatMap((o) => {
        if (o.intentId !== event.intentId) return [o];
        const remaining = toLots(instrument, o.remainingQty) - toLots(instrument, event.qty);
        return remaining > 0 ? [{ ...o, remainingQty: fromLots(instrument, remaining) }] : [];
      });
      return { position: fromLots(instrument, toLots(instrument, context.position) + signed), openOrders };
    }),
    forget: assign(({ context, event }) =>
      event.type === 'strategy.order.closed'
        ? { openOrders: context.openOrders.filter((o) => o.intentId !== event.intentId) }
        : {},
    ),
  },
}).createMachine({
  id: 'strategy',
  initial: 'waiting',
  context: ({ input }) => ({
    engine: input.engine,
    strategy: input.strategy,
    kind: input.kind,
    config: input.config,
    instrument: input.instrument,
    slot: initialSlot(strategyOf(input)),
    position: 0,
    openOrders: [],
    lastBook: null,
  }),
  on: {
    'strategy.order.filled': { actions: 'recordFill' },
    'strategy.order.closed': { actions: 'forget' },
  },
  states: {
    waiting: {
      on: { 'book.live': 'live', 'book.accepted': { actions: 'keepBook' } },
    },
    live: {
      on: {
        'book.accepted': { actions: { type: 'decide', params: { stale: false } } },
        'book.stale': { target: 'stale', actions: { type: 'decide', params: { stale: true } } },
      },
    },
    stale: {
      on: { 'book.live': 'live', 'book.accepted': { actions: 'keepBook' } },
    },
  },
});

function ownOrderOf(intent: Intent): OwnOrder {
  return {
    intentId: intent.intentId,
    symbol: intent.symbol,
    side: intent.side,
    type: intent.type,
    ...(intent.price === undefined ? {} : { price: intent.price }),
    remainingQty: intent.qty,
    cancelRequested: false,
  };
}
