import type { Instrument, Intent, OrderBook, OrderType, Side } from '../types';

/**
 * The strategy contract. A strategy only turns data into intents: it reads a book and what its
 * host tells it (its own position and working orders, whether the book is live), and returns its
 * next state, the intents it wants and the orders it wants cancelled. No I/O, no clock, no
 * randomness: the same inputs give the same decision, ids included — shadow and live modes rely on
 * that, and so does a restore from a persisted state.
 */

/**
 * One working order of the strategy, as its host tracks it: every order from the strategy's own
 * intents that has not reached an outcome yet, **including intents not yet acknowledged** (still at
 * the risk engine or in the outbox). Without those, the next book would see no quote and send a
 * second one.
 */
export interface OwnOrder {
  /** The intent the order came from; a cancel names it. */
  readonly intentId: string;
  readonly symbol: string;
  readonly side: Side;
  readonly type: OrderType;
  /** Limit price; absent for market orders. */
  readonly price?: number;
  /** Quantity still working (ordered minus filled). */
  readonly remainingQty: number;
  /** A cancel was asked and is not confirmed yet: the order is on its way out, so it is not a quote. */
  readonly cancelRequested: boolean;
}

/** What a strategy's host tells it on every call. */
export interface StrategyContext {
  readonly engine: string;
  /** The strategy's id (unique in the instance); intents carry it. */
  readonly strategy: string;
  readonly instrument: Instrument;
  /** Clock time of the call; intents carry it. */
  readonly t: number;
  /** The strategy's own signed position in base units (long > 0), from its fills only. */
  readonly position: number;
  readonly openOrders: readonly OwnOrder[];
  /** The market-data component says the book is stale (or has not been live yet). */
  readonly stale: boolean;
  /** A fresh intent id on each call, deterministic (see {@link intentIds}). */
  nextIntentId(): string;
}

/** What a strategy decided on one book. */
export interface StrategyDecision<TState> {
  readonly state: TState;
  readonly intents: readonly Intent[];
  /** Intent ids of own working orders to cancel; the host sends the cancels before the intents. */
  readonly cancels: readonly string[];
}

/**
 * A strategy built from its validated config. `TState` is plain JSON (numbers, strings, null,
 * arrays, objects): its host persists it.
 */
export interface Strategy<TState> {
  /** Registry name, e.g. `market-maker`. */
  readonly kind: string;
  initialState(): TState;
  onBook(state: TState, book: OrderBook, ctx: StrategyContext): StrategyDecision<TState>;
}

/** A strategy's state together with its host's intent counter: everything to persist for it. */
export interface StrategySlot<TState> {
  readonly state: TState;
  /** Intent ids handed out so far; the next id carries this number. Never reset. */
  readonly intentSeq: number;
}

/** What {@link stepStrategy} needs besides the book: the context minus the id generator. */
export type StrategyInputs = Omit<StrategyContext, 'nextIntentId'>;

/** A source of intent ids for one call, continuing a counter the host keeps. */
export interface IntentIdSource {
  next(): string;
  /** The counter after the ids handed out so far: store it as the next call's `from`. */
  readonly seq: number;
}

/**
 * Intent ids `${strategy}-${t}-${n}`, `n` continuing from `from`. The counter, not only the time,
 * makes ids unique: two books can arrive in the same millisecond, and a repeated intent id would
 * look like a retry of the first order (same `clientOrderId`) and be dropped.
 *
 * @example
 * const ids = intentIds('mm-btc', 1_000, 7);
 * ids.next(); // 'mm-btc-1000-7'
 * ids.next(); // 'mm-btc-1000-8'
 * ids.seq;    // 9
 */
export function intentIds(strategy: string, t: number, from: number): IntentIdSource {
  let seq = from;
  return {
    next: () => `${strategy}-${t}-${seq++}`,
    get seq() {
      return seq;
    },
  };
}

/** A new slot for a strategy that has never run. */
export function initialSlot<TState>(strategy: Strategy<TState>): StrategySlot<TState> {
  return { state: strategy.initialState(), intentSeq: 0 };
}

/**
 * One call of a strategy as its host makes it: builds the context with an id source continuing
 * the slot's counter, and returns the decision with the slot to store.
 *
 * @example
 * let slot = initialSlot(mm);
 * const step = stepStrategy(mm, slot, book, { engine, strategy: 'mm-btc', instrument, t, position,
 *   openOrders, stale: false });
 * slot = step.slot; // persist; then send step.cancels, then step.intents
 */
export function stepStrategy<TState>(
  strategy: Strategy<TState>,
  slot: StrategySlot<TState>,
  book: OrderBook,
  inputs: StrategyInputs,
): StrategyDecision<TState> & { readonly slot: StrategySlot<TState> } {
  const ids = intentIds(inputs.strategy, inputs.t, slot.intentSeq);
  const decision = strategy.onBook(slot.state, book, { ...inputs, nextIntentId: ids.next });
  return { ...decision, slot: { state: decision.state, intentSeq: ids.seq } };
}

/** Own working orders on `symbol` that are not being cancelled. */
export function workingOrders(ctx: StrategyContext, symbol: string): OwnOrder[] {
  return ctx.openOrders.filter((o) => o.symbol === symbol && !o.cancelRequested);
}
