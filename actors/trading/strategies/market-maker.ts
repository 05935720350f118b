import type { Instrument, Intent, Side } from '../types';
import type { TopOfBook } from './book';
import { lotsTowardZero, meetsMinNotional, priceOf, qtyOf, ticksDown, ticksUp, topOfBook } from './book';
import type { MarketMakerConfig } from './market-maker.config';
import type { OwnOrder, Strategy, StrategyContext, StrategyDecision } from './strategy';
import { workingOrders } from './strategy';

/** One quote the maker wants on the book. */
export interface DesiredQuote {
  readonly side: Side;
  /** Price in whole ticks (what the requote threshold compares). */
  readonly ticks: number;
  readonly price: number;
  readonly qty: number;
}

/** The quotes the maker wants for one book; a side is null when it must not be quoted. */
export interface DesiredQuotes {
  /** Mid moved against the inventory (before the half-spread and rounding). */
  readonly centre: number;
  readonly bid: DesiredQuote | null;
  readonly ask: DesiredQuote | null;
}

/** Why the maker is not quoting at all. */
export type MarketMakerPause = 'stale' | 'empty' | 'crossed';

/** The maker's state; plain JSON. It keeps no quotes of its own: the host's open orders are the truth. */
export interface MarketMakerState {
  /** Books seen on the maker's symbol. */
  readonly books: number;
  /** Mid of the last usable book; null before one. */
  readonly lastMid: number | null;
  /** Why it stopped quoting on the last book; null while quoting. */
  readonly pausedBy: MarketMakerPause | null;
}

/**
 * Where the maker wants its quotes, given the top of the book and its position (hand-checkable):
 *
 * - centre = mid × (1 − skewBps/10⁴ × clamp(position / maxInventory, −1, 1));
 * - bid = centre × (1 − halfSpreadBps/10⁴) rounded **down** to the tick, ask = centre ×
 *   (1 + halfSpreadBps/10⁴) rounded **up**, then kept off the opposite best price (a quote that
 *   would cross becomes the best price one tick inside it: the maker never takes liquidity);
 * - size = quoteSize rounded down to the lot;
 * - a side is dropped when its fill would take |position| past maxInventory, or its notional is
 *   below the instrument's minNotional.
 */
export function desiredQuotes(
  config: MarketMakerConfig,
  instrument: Instrument,
  top: TopOfBook,
  position: number,
): DesiredQuotes {
  const ratio = Math.max(-1, Math.min(1, position / config.maxInventory));
  const centre = top.mid * (1 - (config.skewBps / 10_000) * ratio);
  const half = config.halfSpreadBps / 10_000;
  const bidTicks = Math.min(ticksDown(instrument, centre * (1 - half)), ticksUp(instrument, top.bestAsk) - 1);
  const askTicks = Math.max(ticksUp(instrument, centre * (1 + half)), ticksDown(instrument, top.bestBid) + 1);
  const lots = lotsTowardZero(instrument, config.quoteSize);
  const positionLots = lotsTowardZero(instrument, position);
  const maxLots = lotsTowardZero(instrument, config.maxInventory);
  const quote = (side: Side, ticks: number, allowed: boolean): DesiredQuote | null => {
    const price = priceOf(instrument, ticks);
    const qty = qtyOf(instrument, lots);
    if (!allowed || lots <= 0 || ticks <= 0 || !meetsMinNotional(instrument, price, qty)) return null;
    return { side, ticks, price, qty };
  };
  return {
    centre,
    bid: quote('buy', bidTicks, positionLots + lots <= maxLots),
    ask: quote('sell', askTicks, positionLots - lots >= -maxLots),
  };
}

/** What to do on one side: keep a quote, cancel some, place a new one. */
interface SidePlan {
  readonly cancels: string[];
  readonly place: DesiredQuote | null;
}

/**
 * Keeps the first working quote within the threshold of the desired price and cancels the rest;
 * if none is close enough (or none exists), cancels them all and places the desired quote.
 */
function planSide(
  desired: DesiredQuote | null,
  working: readonly OwnOrder[],
  instrument: Instrument,
  thresholdTicks: number,
): SidePlan {
  if (desired === null) return { cancels: working.map((o) => o.intentId), place: null };
  const keep = working.find(
    (o) =>
      o.type === 'limit' &&
      o.price !== undefined &&
      Math.abs(Math.round(o.price / instrument.tickSize) - desired.ticks) <= thresholdTicks,
  );
  const cancels = working.filter((o) => o !== keep).map((o) => o.intentId);
  return { cancels, place: keep === undefined ? desired : null };
}

function intentFor(quote: DesiredQuote, ctx: StrategyContext): Intent {
  return {
    intentId: ctx.nextIntentId(),
    engine: ctx.engine,
    strategy: ctx.strategy,
    symbol: ctx.instrument.symbol,
    side: quote.side,
    type: 'limit',
    qty: quote.qty,
    price: quote.price,
    t: ctx.t,
  };
}

/**
 * A market maker: one bid and one ask around mid, skewed against its inventory, capped at a
 * maximum inventory, requoted (cancel + new intent) only when the desired price moved more than
 * `requoteThresholdTicks` or a quote is missing. On a stale, empty or crossed book it cancels every
 * working order and quotes nothing until the book is usable again. See {@link desiredQuotes} for
 * the prices.
 *
 * @example
 * const mm = marketMaker(parseMarketMakerConfig({ halfSpreadBps: 10, quoteSize: 0.01, maxInventory: 0.1 }));
 * const { state, intents, cancels } = mm.onBook(mm.initialState(), book, ctx);
 */
export function marketMaker(config: MarketMakerConfig): Strategy<MarketMakerState> {
  return {
    kind: 'market-maker',
    initialState: () => ({ books: 0, lastMid: null, pausedBy: null }),
    onBook(state, book, ctx): StrategyDecision<MarketMakerState> {
      const { instrument } = ctx;
      if (book.symbol !== instrument.symbol) return { state, intents: [], cancels: [] };
      const working = workingOrders(ctx, instrument.symbol);
      const top = topOfBook(book);
      const pausedBy: MarketMakerPause | null = ctx.stale ? 'stale' : top.ok ? null : top.reason;
      if (pausedBy !== null || !top.ok) {
        return {
          state: { books: state.books + 1, lastMid: state.lastMid, pausedBy },
          intents: [],
          cancels: working.map((o) => o.intentId),
        };
      }
      const desired = desiredQuotes(config, instrument, top, ctx.position);
      const threshold = config.requoteThresholdTicks;
      const bids = planSide(desired.bid, sideOf(working, 'buy'), instrument, threshold);
      const asks = planSide(desired.ask, sideOf(working, 'sell'), instrument, threshold);
      const intents: Intent[] = [];
      if (bids.place !== null) intents.push(intentFor(bids.place, ctx));
      if (asks.place !== null) intents.push(intentFor(asks.place, ctx));
      return {
        state: { books: state.books + 1, lastMid: top.mid, pausedBy: null },
        intents,
        cancels: [...bids.cancels, ...asks.cancels],
      };
    },
  };
}

function sideOf(orders: readonly OwnOrder[], side: Side): OwnOrder[] {
  return orders.filter((o) => o.side === side);
}
