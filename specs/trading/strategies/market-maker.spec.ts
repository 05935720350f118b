import test from 'ava';
import { desiredQuotes, marketMaker } from '../../../actors/trading/strategies/market-maker';
import type { MarketMakerConfig } from '../../../actors/trading/strategies/market-maker.config';
import { parseMarketMakerConfig } from '../../../actors/trading/strategies/market-maker.config';
import type { TopOfBook } from '../../../actors/trading/strategies/book';
import { INSTRUMENT, book, ctx, own } from './fixtures';

// Book 100.0 / 100.4: mid 100.2. With a 25 bps half-spread the raw quotes are
// 100.2 × 0.9975 = 99.9495 and 100.2 × 1.0025 = 100.4505.
const BOOK = book(100.0, 100.4);
const TOP: TopOfBook = { ok: true, bestBid: 100.0, bestAsk: 100.4, mid: 100.2 };

function config(over: Partial<MarketMakerConfig> = {}): MarketMakerConfig {
  return parseMarketMakerConfig({ halfSpreadBps: 25, quoteSize: 0.1, maxInventory: 1, ...over });
}

function quotes(over: Partial<MarketMakerConfig>, position: number) {
  const q = desiredQuotes(config(over), INSTRUMENT, TOP, position);
  return { bid: q.bid?.price ?? null, ask: q.ask?.price ?? null, centre: q.centre };
}

test('the maker quotes a bid and an ask around mid, the bid rounded down and the ask up to the tick', (t) => {
  const mm = marketMaker(config());
  const { intents, cancels, state } = mm.onBook(mm.initialState(), BOOK, ctx());
  t.deepEqual(cancels, []);
  t.deepEqual(intents, [
    {
      intentId: 's1-1000-0',
      engine: 'e1',
      strategy: 's1',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: 0.1,
      price: 99.9,
      t: 1_000,
    },
    {
      intentId: 's1-1000-1',
      engine: 'e1',
      strategy: 's1',
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'limit',
      qty: 0.1,
      price: 100.5,
      t: 1_000,
    },
  ]);
  t.deepEqual(state, { books: 1, lastMid: 100.2, pausedBy: null });
});

test('the quote size is rounded down to the lot', (t) => {
  const q = desiredQuotes(config({ quoteSize: 0.1239 }), INSTRUMENT, TOP, 0);
  t.is(q.bid?.qty, 0.123);
  t.is(q.ask?.qty, 0.123);
});

test('a long inventory skews both quotes down by skewBps × position / maxInventory', (t) => {
  // Half the max inventory, 20 bps at full: 10 bps down. Centre 100.2 × 0.999 = 100.0998;
  // bid 100.0998 × 0.9975 = 99.8495… → 99.8, ask 100.0998 × 1.0025 = 100.3500… → 100.4.
  const long = quotes({ skewBps: 20 }, 0.5);
  t.true(Math.abs(long.centre - 100.0998) < 1e-9);
  t.is(long.bid, 99.8);
  t.is(long.ask, 100.4);
});

test('a short inventory skews both quotes up by the same rule', (t) => {
  // Centre 100.2 × 1.001 = 100.3002; bid 100.0494… → 100.0, ask 100.5509… → 100.6.
  const short = quotes({ skewBps: 20 }, -0.5);
  t.true(Math.abs(short.centre - 100.3002) < 1e-9);
  t.is(short.bid, 100.0);
  t.is(short.ask, 100.6);
});

test('the skew is capped at full inventory', (t) => {
  t.deepEqual(quotes({ skewBps: 20, maxInventory: 2, quoteSize: 0.1 }, 5).centre, 100.2 * (1 - 0.002));
});

test('a skewed quote never crosses the book: it stops one tick inside the opposite best price', (t) => {
  // Short 0.9 of the max with a 100 bps skew: centre 100.2 × 1.009 = 101.1018, so the raw bid
  // 100.849 would lift the 100.4 ask; it is held at 100.3. The ask: 101.3545… → 101.4.
  const q = quotes({ skewBps: 100 }, -0.9);
  t.is(q.bid, 100.3);
  t.is(q.ask, 101.4);
});

test('at max inventory long the maker stops bidding and keeps offering', (t) => {
  // 0.95 + 0.1 > 1: a filled bid would pass the max.
  const mm = marketMaker(config());
  const { intents } = mm.onBook(mm.initialState(), BOOK, ctx({ position: 0.95 }));
  t.deepEqual(
    intents.map((i) => i.side),
    ['sell'],
  );
});

test('at max inventory short the maker stops offering and keeps bidding', (t) => {
  const mm = marketMaker(config());
  const { intents } = mm.onBook(mm.initialState(), BOOK, ctx({ position: -0.95 }));
  t.deepEqual(
    intents.map((i) => i.side),
    ['buy'],
  );
});

test('a quote that would end exactly at max inventory is still placed', (t) => {
  t.deepEqual(quotes({}, 0.9), { bid: 99.9, ask: 100.5, centre: 100.2 });
});

test('a working bid is cancelled when the inventory reaches the max', (t) => {
  const mm = marketMaker(config());
  const openOrders = [own('b1', 'buy', 99.9), own('a1', 'sell', 100.5)];
  const { intents, cancels } = mm.onBook(mm.initialState(), BOOK, ctx({ position: 0.95, openOrders }));
  t.deepEqual(cancels, ['b1']);
  t.deepEqual(intents, []);
});

test('quotes within the requote threshold stay put', (t) => {
  // Desired 99.9 / 100.5; working 99.8 / 100.7 are 1 and 2 ticks away, threshold 2.
  const mm = marketMaker(config({ requoteThresholdTicks: 2 }));
  const openOrders = [own('b1', 'buy', 99.8), own('a1', 'sell', 100.7)];
  const { intents, cancels } = mm.onBook(mm.initialState(), BOOK, ctx({ openOrders }));
  t.deepEqual(cancels, []);
  t.deepEqual(intents, []);
});

test('a quote further than the threshold is cancelled and replaced; the other side stays', (t) => {
  const mm = marketMaker(config({ requoteThresholdTicks: 2 }));
  const openOrders = [own('b1', 'buy', 99.6), own('a1', 'sell', 100.5)];
  const { intents, cancels } = mm.onBook(mm.initialState(), BOOK, ctx({ openOrders }));
  t.deepEqual(cancels, ['b1']);
  t.deepEqual(
    intents.map((i) => [i.intentId, i.side, i.price]),
    [['s1-1000-0', 'buy', 99.9]],
  );
});

test('a missing quote is placed even when the other side is working', (t) => {
  const mm = marketMaker(config({ requoteThresholdTicks: 5 }));
  const { intents, cancels } = mm.onBook(
    mm.initialState(),
    BOOK,
    ctx({ openOrders: [own('b1', 'buy', 99.9)] }),
  );
  t.deepEqual(cancels, []);
  t.deepEqual(
    intents.map((i) => [i.side, i.price]),
    [['sell', 100.5]],
  );
});

test('a quote whose cancel is pending does not count: the side is quoted again, not cancelled twice', (t) => {
  const mm = marketMaker(config());
  const leaving = { ...own('b1', 'buy', 99.9), cancelRequested: true };
  const { intents, cancels } = mm.onBook(
    mm.initialState(),
    BOOK,
    ctx({ openOrders: [leaving, own('a1', 'sell', 100.5)] }),
  );
  t.deepEqual(cancels, []);
  t.deepEqual(
    intents.map((i) => i.side),
    ['buy'],
  );
});

test('extra quotes on one side are cancelled, keeping one within the threshold', (t) => {
  const mm = marketMaker(config({ requoteThresholdTicks: 1 }));
  const openOrders = [own('b1', 'buy', 99.0), own('b2', 'buy', 99.9), own('a1', 'sell', 100.5)];
  const { intents, cancels } = mm.onBook(mm.initialState(), BOOK, ctx({ openOrders }));
  t.deepEqual(cancels, ['b1']);
  t.deepEqual(intents, []);
});

test('on a stale book the maker quotes nothing and cancels its quotes', (t) => {
  const mm = marketMaker(config());
  const openOrders = [own('b1', 'buy', 99.9), own('a1', 'sell', 100.5)];
  const { intents, cancels, state } = mm.onBook(mm.initialState(), BOOK, ctx({ stale: true, openOrders }));
  t.deepEqual(intents, []);
  t.deepEqual(cancels, ['b1', 'a1']);
  t.is(state.pausedBy, 'stale');
});

test('on a crossed or empty book the maker quotes nothing and cancels its quotes', (t) => {
  const mm = marketMaker(config());
  const openOrders = [own('b1', 'buy', 99.9)];
  const crossed = mm.onBook(mm.initialState(), book(100.4, 100.4), ctx({ openOrders }));
  t.deepEqual([crossed.intents, crossed.cancels, crossed.state.pausedBy], [[], ['b1'], 'crossed']);
  const empty = mm.onBook(mm.initialState(), { ...BOOK, asks: [] }, ctx({ openOrders }));
  t.deepEqual([empty.intents, empty.cancels, empty.state.pausedBy], [[], ['b1'], 'empty']);
});

test('the maker quotes again once the book is usable after a pause', (t) => {
  const mm = marketMaker(config());
  const paused = mm.onBook(mm.initialState(), BOOK, ctx({ stale: true }));
  const resumed = mm.onBook(paused.state, BOOK, ctx());
  t.is(resumed.intents.length, 2);
  t.is(resumed.state.pausedBy, null);
});

test('a side below the minimum notional is not quoted', (t) => {
  // Minimum 5: 0.049 × 99.9 = 4.90 and 0.049 × 100.5 = 4.92, both short.
  t.deepEqual(quotes({ quoteSize: 0.049 }, 0), { bid: null, ask: null, centre: 100.2 });
  // Minimum 10: 0.1 × 99.9 = 9.99 is short, 0.1 × 100.5 = 10.05 is enough.
  const q = desiredQuotes(config(), { ...INSTRUMENT, minNotional: 10 }, TOP, 0);
  t.is(q.bid, null);
  t.is(q.ask?.price, 100.5);
});

test('a book of another symbol is ignored', (t) => {
  const mm = marketMaker(config());
  const state = mm.initialState();
  const decision = mm.onBook(state, { ...BOOK, symbol: 'ETHUSDT' }, ctx());
  t.deepEqual(decision, { state, intents: [], cancels: [] });
});

test("the maker's state is plain JSON", (t) => {
  const mm = marketMaker(config());
  const { state } = mm.onBook(mm.initialState(), BOOK, ctx());
  t.deepEqual(JSON.parse(JSON.stringify(state)), state);
});
