import { Rng } from '../actors/kernel/rng';
import type { TradingConfigInput } from '../actors/trading/trading-config';
import type { BookLevel, Instrument, OrderBook } from '../actors/trading/types';
import type { MarketSymbolConfig } from '../actors/venues/market-sim.config';

/**
 * The market of the trading benchmarks: 20 synthetic USDT pairs priced at 100 with a tick of 0.01
 * (one tick is one basis point, so thresholds read the same in ticks and bps), a tape of book
 * updates over them, and the trading config of one shadow engine with one market maker per symbol.
 */

/** Symbols traded: `S00USDT` … `S19USDT`. */
export const SYMBOLS: readonly string[] = Array.from(
  { length: 20 },
  (_, i) => `S${String(i).padStart(2, '0')}USDT`,
);

const START_TICKS = 10_000;
const TICK = 0.01;
const LOT = 0.01;
const LEVELS = 5;

/** The instrument of `symbol`, as the simulated venue lists it. */
export function instrumentOf(symbol: string): Instrument {
  return { symbol, base: symbol.slice(0, 3), quote: 'USDT', tickSize: TICK, lotSize: LOT, minNotional: 5 };
}

/**
 * How the maker quotes: 5 bps either side of mid, one unit (≈ 100 USDT), and a requote only when
 * mid has moved more than 3 ticks from where the quote was placed. With the tape below that is
 * about 2 % of books; both sides move together, so such a book sends two cancels and two intents.
 */
export const MAKER_SETTINGS = {
  halfSpreadBps: 5,
  quoteSize: 1,
  maxInventory: 20,
  skewBps: 1,
  requoteThresholdTicks: 3,
};

/** One book update of the tape, before it is stamped with the clock time at sending. */
export interface TapeBook {
  readonly symbol: string;
  readonly seq: number;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
}

/**
 * `count` book updates over {@link SYMBOLS}, each on a symbol drawn uniformly. Most updates change
 * only sizes; mid moves one tick with probability 0.3 and jumps 6 ticks with probability 0.005
 * (which crosses the maker's resting quotes, so the fill model fills some). The outside book is
 * two ticks wide with {@link LEVELS} levels a side. Same seed, same tape.
 */
export function bookTape(count: number, seed = 7): TapeBook[] {
  const rng = new Rng(seed).stream('bench/trading-tape');
  const mids = SYMBOLS.map(() => START_TICKS);
  const seqs = SYMBOLS.map(() => 0);
  const tape: TapeBook[] = [];
  for (let n = 0; n < count; n++) {
    const i = rng.int(0, SYMBOLS.length - 1);
    let mid = mids[i] as number;
    if (rng.chance(0.005)) mid += rng.chance(0.5) ? 6 : -6;
    else if (rng.chance(0.3)) mid += rng.chance(0.5) ? 1 : -1;
    // A long walk must not drift far from the start: the makers' balances are sized for ~100.
    mid += Math.sign(START_TICKS - mid) * (Math.abs(START_TICKS - mid) > 300 ? 1 : 0);
    mids[i] = mid;
    const level = (ticks: number): BookLevel => ({ price: round(ticks * TICK), qty: rng.int(5, 50) });
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (let l = 0; l < LEVELS; l++) {
      bids.push(level(mid - 1 - l));
      asks.push(level(mid + 1 + l));
    }
    const seq = (seqs[i] as number) + 1;
    seqs[i] = seq;
    tape.push({ symbol: SYMBOLS[i] as string, seq, bids, asks });
  }
  return tape;
}

/** `book` as a venue adapter hands it over, stamped with clock time `t`. */
export function stamp(book: TapeBook, t: number): OrderBook {
  return { symbol: book.symbol, t, seq: book.seq, bids: book.bids, asks: book.asks };
}

function round(price: number): number {
  return Math.round(price * 100) / 100;
}

/**
 * The benchmark's trading config: the simulated venue listing {@link SYMBOLS} (its own market
 * simulator idle: refreshed hourly), one `shadow` engine `maker` whose orders go to its SimVenue
 * fill model with zero latency, one market maker per symbol, and pre-trade risk rules like the
 * default config's. Market data polls once a minute and goes stale after ten: the benchmark feeds
 * the books itself.
 */
export function tradingBenchConfig(instance: string): TradingConfigInput {
  const balances: Record<string, number> = { USDT: 10_000_000 };
  for (const s of SYMBOLS) balances[instrumentOf(s).base] = 100_000;
  return {
    instance,
    seed: 1,
    venue: {
      kind: 'sim',
      market: { refreshMs: 3_600_000, symbols: SYMBOLS.map(marketSymbol) },
      venue: { latency: { baseMs: 0, jitterMeanMs: 0 }, balances },
    },
    symbols: [...SYMBOLS],
    balances,
    market: { pollMs: 60_000, staleAfterMs: 600_000, depth: LEVELS },
    engines: [
      {
        id: 'maker',
        mode: 'shadow',
        risk: {
          rules: [
            { kind: 'maxOrderNotional', name: 'notional', max: 25_000 },
            { kind: 'maxPosition', name: 'position', max: 50 },
            { kind: 'priceBand', name: 'band', bps: 100 },
            { kind: 'orderRate', name: 'rate', max: 100, windowMs: 1_000, per: 'strategy' },
          ],
        },
        strategies: SYMBOLS.map((symbol) => ({
          id: strategyId(symbol),
          kind: 'market-maker' as const,
          symbol,
          settings: MAKER_SETTINGS,
        })),
      },
    ],
  };
}

/** The id of the maker on `symbol` (`mm-s00`). */
export function strategyId(symbol: string): string {
  return `mm-${symbol.slice(0, 3).toLowerCase()}`;
}

export { marketDataId } from '../actors/trading/trading-state-ids';

function marketSymbol(symbol: string): MarketSymbolConfig {
  return {
    ...instrumentOf(symbol),
    startPrice: START_TICKS * TICK,
    loadings: { market: 1 },
    idioVol: 0.2,
    spreadBps: 2,
    levelGapBps: 1,
    levelQty: 20,
  };
}
