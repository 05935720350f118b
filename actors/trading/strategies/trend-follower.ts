import type { Instrument, Intent, OrderBook, Side } from '../types';
import type { TopOfBook } from './book';
import { lotsTowardZero, meetsMinNotional, priceOf, qtyOf, ticksDown, ticksUp, topOfBook } from './book';
import type { Strategy, StrategyContext, StrategyDecision } from './strategy';
import type { TrendFollowerConfig } from './trend-follower.config';

/** The trend follower's state; plain JSON. */
export interface TrendFollowerState {
  /** Samples of mid taken so far. */
  readonly samples: number;
  /** Fast and slow EMAs of mid; null before the first sample. */
  readonly fast: number | null;
  readonly slow: number | null;
  /** Book time of the last sample; null before the first. */
  readonly lastSampleAt: number | null;
  /** Position the follower wants, in base units (0 while warming up or inside the flat band). */
  readonly target: number;
}

/**
 * One step of an exponential moving average with smoothing 2 / (period + 1), seeded with the first
 * value (so `nextEma(null, x, n) = x`).
 *
 * @example
 * nextEma(null, 100, 3); // 100
 * nextEma(100, 104, 3);  // 102 (= 100 + 0.5 × 4)
 */
export function nextEma(previous: number | null, value: number, period: number): number {
  if (previous === null) return value;
  return previous + (2 / (period + 1)) * (value - previous);
}

/**
 * The position to hold: +size when fast > slow, −size when fast < slow, flat when they are within
 * `flatBandBps` of each other (|fast − slow| / slow ≤ band) or equal.
 */
export function targetPosition(config: TrendFollowerConfig, fast: number, slow: number): number {
  const gapBps = (Math.abs(fast - slow) / slow) * 10_000;
  if (fast === slow || gapBps <= config.flatBandBps) return 0;
  return fast > slow ? config.size : -config.size;
}

function sample(config: TrendFollowerConfig, state: TrendFollowerState, mid: number, at: number) {
  const due = state.lastSampleAt === null || at - state.lastSampleAt >= config.sampleEveryMs;
  if (!due) return state;
  return {
    ...state,
    samples: state.samples + 1,
    fast: nextEma(state.fast, mid, config.fastPeriod),
    slow: nextEma(state.slow, mid, config.slowPeriod),
    lastSampleAt: at,
  };
}

function orderFor(
  config: TrendFollowerConfig,
  instrument: Instrument,
  top: TopOfBook,
  side: Side,
  lots: number,
  ctx: StrategyContext,
): Intent | null {
  const qty = qtyOf(instrument, lots);
  const slip = config.slippageBps / 10_000;
  const price =
    config.orderType === 'market'
      ? undefined
      : side === 'buy'
        ? priceOf(instrument, ticksUp(instrument, top.bestAsk * (1 + slip)))
        : priceOf(instrument, ticksDown(instrument, top.bestBid * (1 - slip)));
  if (price !== undefined && price <= 0) return null;
  if (!meetsMinNotional(instrument, price ?? top.mid, qty)) return null;
  const base = {
    intentId: ctx.nextIntentId(),
    engine: ctx.engine,
    strategy: ctx.strategy,
    symbol: instrument.symbol,
    side,
    qty,
    t: ctx.t,
  };
  return price === undefined ? { ...base, type: 'market' } : { ...base, type: 'limit', price };
}

/**
 * What to send to move from the position (and the working orders) to `targetLots`. Working orders
 * on the wrong side, or more than needed, are cancelled; while any cancel of the follower's is
 * unconfirmed nothing new is sent — a cancel can lose the race to a fill, and adding while taking
 * away would overshoot. The rest is traded once the cancels are settled.
 */
function rebalance(
  config: TrendFollowerConfig,
  top: TopOfBook,
  targetLots: number,
  ctx: StrategyContext,
): { intents: Intent[]; cancels: string[] } {
  const { instrument } = ctx;
  const mine = ctx.openOrders.filter((o) => o.symbol === instrument.symbol);
  const working = mine.filter((o) => !o.cancelRequested);
  const deltaLots = targetLots - Math.round(ctx.position / instrument.lotSize);
  const wanted: Side | null = deltaLots > 0 ? 'buy' : deltaLots < 0 ? 'sell' : null;
  const aligned = working.filter((o) => o.side === wanted);
  const alignedLots = aligned.reduce((sum, o) => sum + Math.round(o.remainingQty / instrument.lotSize), 0);
  const overshoot = alignedLots > Math.abs(deltaLots);
  const cancels = working.filter((o) => o.side !== wanted || overshoot).map((o) => o.intentId);
  const pendingCancel = mine.some((o) => o.cancelRequested);
  const missing = Math.abs(deltaLots) - (overshoot ? 0 : alignedLots);
  if (wanted === null || cancels.length > 0 || pendingCancel || missing <= 0) return { intents: [], cancels };
  const intent = orderFor(config, instrument, top, wanted, missing, ctx);
  return { intents: intent === null ? [] : [intent], cancels };
}

/**
 * A trend follower: fast and slow EMAs of mid (sampled at most every `sampleEveryMs` of book time),
 * a target position of ±size by the sign of fast − slow (flat inside `flatBandBps`), and market or
 * marketable-limit intents for the difference between the target and the position plus working
 * orders. It trades only after `warmupSamples` samples, and ignores a stale, empty or crossed book
 * entirely (no sample, no order, no cancel).
 *
 * @example
 * const tf = trendFollower(parseTrendFollowerConfig({ fastPeriod: 3, slowPeriod: 6, size: 0.5 }));
 * const { state, intents } = tf.onBook(tf.initialState(), book, ctx);
 */
export function trendFollower(config: TrendFollowerConfig): Strategy<TrendFollowerState> {
  const warmup = config.warmupSamples ?? config.slowPeriod;
  const sizeLots = (instrument: Instrument) => lotsTowardZero(instrument, config.size);
  return {
    kind: 'trend-follower',
    initialState: () => ({ samples: 0, fast: null, slow: null, lastSampleAt: null, target: 0 }),
    onBook(state, book: OrderBook, ctx): StrategyDecision<TrendFollowerState> {
      const { instrument } = ctx;
      const top = topOfBook(book);
      if (book.symbol !== instrument.symbol || ctx.stale || !top.ok)
        return { state, intents: [], cancels: [] };
      const next = sample(config, state, top.mid, book.t);
      if (next.samples < warmup || next.fast === null || next.slow === null) {
        return { state: next, intents: [], cancels: [] };
      }
      const direction = Math.sign(targetPosition(config, next.fast, next.slow));
      const targetLots = direction * sizeLots(instrument);
      const { intents, cancels } = rebalance(config, top, targetLots, ctx);
      return { state: { ...next, target: qtyOf(instrument, targetLots) }, intents, cancels };
    },
  };
}
