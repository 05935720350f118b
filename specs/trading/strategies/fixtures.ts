import type { Instrument, Intent, OrderBook } from '../../../actors/trading/types';
import type {
  OwnOrder,
  Strategy,
  StrategyInputs,
  StrategySlot,
} from '../../../actors/trading/strategies/strategy';
import { initialSlot, intentIds, stepStrategy } from '../../../actors/trading/strategies/strategy';
import type { StrategyContext } from '../../../actors/trading/strategies/strategy';

/** A 0.1-tick, 0.001-lot instrument with a 5 USDT minimum order. */
export const INSTRUMENT: Instrument = {
  symbol: 'BTCUSDT',
  base: 'BTC',
  quote: 'USDT',
  tickSize: 0.1,
  lotSize: 0.001,
  minNotional: 5,
};

/** A book with one level each side. */
export function book(bid: number, ask: number, t = 1_000, seq = 1): OrderBook {
  return {
    symbol: INSTRUMENT.symbol,
    t,
    seq,
    bids: [{ price: bid, qty: 1 }],
    asks: [{ price: ask, qty: 1 }],
  };
}

/** A book whose mid is `mid`, one tick either side. */
export function bookAround(mid: number, t = 1_000, seq = 1): OrderBook {
  return book(Number((mid - 0.1).toFixed(1)), Number((mid + 0.1).toFixed(1)), t, seq);
}

/** A strategy context with ids `s1-<t>-0`, `s1-<t>-1`, … */
export function ctx(over: Partial<StrategyInputs> = {}): StrategyContext {
  const inputs: StrategyInputs = {
    engine: 'e1',
    strategy: 's1',
    instrument: INSTRUMENT,
    t: 1_000,
    position: 0,
    openOrders: [],
    stale: false,
    ...over,
  };
  const ids = intentIds(inputs.strategy, inputs.t, 0);
  return { ...inputs, nextIntentId: ids.next };
}

/** A working own order. */
export function own(
  intentId: string,
  side: 'buy' | 'sell',
  price: number | undefined,
  remainingQty = 0.1,
): OwnOrder {
  return {
    intentId,
    symbol: INSTRUMENT.symbol,
    side,
    type: price === undefined ? 'market' : 'limit',
    ...(price === undefined ? {} : { price }),
    remainingQty,
    cancelRequested: false,
  };
}

/** One step the simulated host took: what the strategy decided on a book. */
export interface HostStep {
  /** The strategy's position when it saw the book. */
  readonly position: number;
  readonly intents: readonly Intent[];
  readonly cancels: readonly string[];
}

/**
 * Drives a strategy as an engine would, with a trivial venue: every intent becomes a working order
 * at once, cancels take effect at once, and a limit order fills when a later book trades through it
 * (a market order fills on the next book). Pure: the same books give the same steps. With
 * `persist`, the slot goes through JSON between books, as a restarted host would restore it.
 */
export function runHost<TState>(
  strategy: Strategy<TState>,
  books: readonly OrderBook[],
  { persist = false }: { persist?: boolean } = {},
): { steps: HostStep[]; slot: StrategySlot<TState>; position: number } {
  let slot = initialSlot(strategy);
  let position = 0;
  let open: OwnOrder[] = [];
  const steps: HostStep[] = [];
  for (const b of books) {
    const bestBid = b.bids[0]?.price ?? 0;
    const bestAsk = b.asks[0]?.price ?? Infinity;
    const filled = open.filter(
      (o) =>
        o.type === 'market' ||
        (o.side === 'buy' ? (o.price ?? 0) >= bestAsk : (o.price ?? Infinity) <= bestBid),
    );
    for (const o of filled) position += o.side === 'buy' ? o.remainingQty : -o.remainingQty;
    position = Number(position.toFixed(3));
    open = open.filter((o) => !filled.includes(o));
    const step = stepStrategy(strategy, slot, b, {
      engine: 'e1',
      strategy: 's1',
      instrument: INSTRUMENT,
      t: b.t,
      position,
      openOrders: open,
      stale: false,
    });
    slot = persist ? (JSON.parse(JSON.stringify(step.slot)) as StrategySlot<TState>) : step.slot;
    open = open.filter((o) => !step.cancels.includes(o.intentId));
    for (const i of step.intents) {
      open.push({
        intentId: i.intentId,
        symbol: i.symbol,
        side: i.side,
        type: i.type,
        ...(i.price === undefined ? {} : { price: i.price }),
        remainingQty: i.qty,
        cancelRequested: false,
      });
    }
    steps.push({ position, intents: step.intents, cancels: step.cancels });
  }
  return { steps, slot, position };
}
