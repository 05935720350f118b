import test from 'ava';
import type { TrendFollowerState } from '../../../actors/trading/strategies/trend-follower';
import { nextEma, targetPosition, trendFollower } from '../../../actors/trading/strategies/trend-follower';
import type { TrendFollowerConfig } from '../../../actors/trading/strategies/trend-follower.config';
import { parseTrendFollowerConfig } from '../../../actors/trading/strategies/trend-follower.config';
import type { Intent, OrderBook } from '../../../actors/trading/types';
import type { OwnOrder } from '../../../actors/trading/strategies/strategy';
import { bookAround, ctx, own } from './fixtures';

function config(over: Record<string, unknown> = {}): TrendFollowerConfig {
  // Fast period 1 is mid itself; slow period 3 smooths with 2 / (3 + 1) = 0.5. Warm-up: 3 samples.
  return parseTrendFollowerConfig({ fastPeriod: 1, slowPeriod: 3, size: 0.5, ...over });
}

/** Feeds books at t = 1000, 2000, … (after `state`'s last sample) with the given host view. */
function feed(
  cfg: TrendFollowerConfig,
  mids: readonly number[],
  { state: from, ...host }: { position?: number; openOrders?: OwnOrder[]; state?: TrendFollowerState } = {},
) {
  const tf = trendFollower(cfg);
  let state = from ?? tf.initialState();
  const start = state.lastSampleAt ?? 0;
  const all: { intents: readonly Intent[]; cancels: readonly string[] }[] = [];
  mids.forEach((mid, i) => {
    const t = start + (i + 1) * 1_000;
    const decision = tf.onBook(state, bookAround(mid, t, i + 1), ctx({ t, ...host }));
    state = decision.state;
    all.push(decision);
  });
  const last = all[all.length - 1] as { intents: readonly Intent[]; cancels: readonly string[] };
  return { state, all, intents: last.intents, cancels: last.cancels };
}

test('the EMA step matches a hand computation', (t) => {
  t.is(nextEma(null, 100, 3), 100);
  t.is(nextEma(100, 110, 3), 105);
  t.is(nextEma(105, 120, 3), 112.5);
  t.true(Math.abs(nextEma(100, 110, 9) - 102) < 1e-12);
});

test('the follower tracks fast and slow EMAs of mid as computed by hand', (t) => {
  // Fast 3 (α 0.5): 100, 105, 112.5, 116.25. Slow 9 (α 0.2): 100, 102, 105.6, 108.48.
  const { state } = feed(config({ fastPeriod: 3, slowPeriod: 9 }), [100, 110, 120, 120]);
  t.is(state.samples, 4);
  t.true(Math.abs((state.fast ?? 0) - 116.25) < 1e-9);
  t.true(Math.abs((state.slow ?? 0) - 108.48) < 1e-9);
});

test('the follower does not trade while warming up, even on a clear trend', (t) => {
  // After two samples fast 104 > slow 102, but the warm-up is 3 samples.
  const { all, state } = feed(config(), [100, 104]);
  t.deepEqual(
    all.map((d) => d.intents.length),
    [0, 0],
  );
  t.is(state.target, 0);
});

test('a longer warm-up delays the first trade', (t) => {
  const { all } = feed(config({ warmupSamples: 4 }), [100, 104, 108, 112]);
  t.deepEqual(
    all.map((d) => d.intents.length),
    [0, 0, 0, 1],
  );
});

test('fast above slow after warm-up targets +size and buys the difference at market', (t) => {
  // Slow: 100, 102, 105; fast 108 > 105.
  const { intents, state } = feed(config(), [100, 104, 108]);
  t.is(state.target, 0.5);
  t.deepEqual(intents, [
    {
      intentId: 's1-3000-0',
      engine: 'e1',
      strategy: 's1',
      symbol: 'BTCUSDT',
      side: 'buy',
      qty: 0.5,
      t: 3_000,
      type: 'market',
    },
  ]);
});

test('a crossover flips the target and sells the whole difference from long to short', (t) => {
  const warm = feed(config(), [100, 104, 108], { position: 0.5 });
  t.deepEqual(warm.intents, []);
  // Slow 105 → 102.5; fast 100 < 102.5: target −0.5 from +0.5 → sell 1.0.
  const flipped = feed(config(), [100], { position: 0.5, state: warm.state });
  t.is(flipped.state.target, -0.5);
  t.deepEqual(
    flipped.intents.map((i) => [i.side, i.qty, i.type]),
    [['sell', 1, 'market']],
  );
});

test('a partly filled position is topped up to the target', (t) => {
  const { intents } = feed(config(), [100, 104, 108], { position: 0.2 });
  t.deepEqual(
    intents.map((i) => [i.side, i.qty]),
    [['buy', 0.3]],
  );
});

test('working orders count toward the target: nothing is sent twice', (t) => {
  const { intents, cancels } = feed(config(), [100, 104, 108], {
    openOrders: [own('x', 'buy', undefined, 0.5)],
  });
  t.deepEqual(intents, []);
  t.deepEqual(cancels, []);
});

test('a working order on the wrong side is cancelled before anything new is sent', (t) => {
  const pending = { openOrders: [own('x', 'sell', undefined, 0.5)] };
  const { intents, cancels } = feed(config(), [100, 104, 108], pending);
  t.deepEqual(cancels, ['x']);
  t.deepEqual(intents, []);
  const leaving = { openOrders: [{ ...own('x', 'sell', undefined, 0.5), cancelRequested: true }] };
  t.deepEqual(feed(config(), [100, 104, 108], leaving).intents, []);
  t.is(feed(config(), [100, 104, 108]).intents.length, 1);
});

test('inside the flat band the target is flat', (t) => {
  // Slow 100, 100.25, 100.625; fast 101: gap 0.375 / 100.625 = 37 bps ≤ 50.
  const flat = feed(config({ flatBandBps: 50 }), [100, 100.5, 101], { position: 0.5 });
  t.is(flat.state.target, 0);
  t.deepEqual(
    flat.intents.map((i) => [i.side, i.qty]),
    [['sell', 0.5]],
  );
  // The same gap outside a 30 bps band: long.
  t.is(feed(config({ flatBandBps: 30 }), [100, 100.5, 101]).state.target, 0.5);
});

test('targetPosition is ±size by the sign of fast − slow and flat when equal', (t) => {
  const cfg = config();
  t.is(targetPosition(cfg, 101, 100), 0.5);
  t.is(targetPosition(cfg, 99, 100), -0.5);
  t.is(targetPosition(cfg, 100, 100), 0);
});

test('a marketable limit crosses the opposite best price by the slippage, rounded away from the book', (t) => {
  // Best ask 108.1 × 1.001 = 108.2081 → 108.3 (up, so it stays marketable).
  const buy = feed(config({ orderType: 'limit', slippageBps: 10 }), [100, 104, 108]);
  t.deepEqual(
    buy.intents.map((i) => [i.side, i.type, i.price]),
    [['buy', 'limit', 108.3]],
  );
  // Falling: best bid 91.9 × 0.999 = 91.8081 → 91.8 (down).
  const sell = feed(config({ orderType: 'limit', slippageBps: 10 }), [100, 96, 92]);
  t.deepEqual(
    sell.intents.map((i) => [i.side, i.type, i.price]),
    [['sell', 'limit', 91.8]],
  );
});

test('a stale book is ignored entirely: no sample, no order, no cancel', (t) => {
  const tf = trendFollower(config());
  const warm = feed(config(), [100, 104]);
  const decision = tf.onBook(
    warm.state,
    bookAround(108, 3_000, 3),
    ctx({ t: 3_000, stale: true, openOrders: [own('x', 'sell', undefined)] }),
  );
  t.deepEqual(decision, { state: warm.state, intents: [], cancels: [] });
});

test('a crossed book is ignored', (t) => {
  const tf = trendFollower(config());
  const state = tf.initialState();
  const crossed: OrderBook = { ...bookAround(100), bids: [{ price: 101, qty: 1 }] };
  t.deepEqual(tf.onBook(state, crossed, ctx()), { state, intents: [], cancels: [] });
});

test('with sampleEveryMs, books between samples do not move the EMAs', (t) => {
  const tf = trendFollower(config({ sampleEveryMs: 1_000 }));
  let state = tf.initialState();
  for (const [t0, mid] of [
    [0, 100],
    [500, 200],
    [1_000, 104],
  ] as const) {
    state = tf.onBook(state, bookAround(mid, t0), ctx({ t: t0 })).state;
  }
  t.is(state.samples, 2);
  t.is(state.slow, 102);
  t.is(state.lastSampleAt, 1_000);
});

test('a difference below the minimum notional is not traded', (t) => {
  // 0.04 × 108 = 4.32 < 5.
  t.deepEqual(feed(config({ size: 0.04 }), [100, 104, 108]).intents, []);
});

test("the follower's state is plain JSON", (t) => {
  const { state } = feed(config(), [100, 104, 108]);
  t.deepEqual(JSON.parse(JSON.stringify(state)), state);
});
