import test from 'ava';
import type { OrderRequest } from '../../actors/trading/types';
import { setup } from './sim-fixture';

const limit = (clientOrderId: string, side: 'buy' | 'sell', qty: number, price: number): OrderRequest => ({
  clientOrderId,
  symbol: 'BTCUSDT',
  side,
  type: 'limit',
  qty,
  price,
});

const market = (clientOrderId: string, side: 'buy' | 'sell', qty: number): OrderRequest => ({
  clientOrderId,
  symbol: 'BTCUSDT',
  side,
  type: 'market',
  qty,
});

test('a limit buy below the ask rests open, locks its cost and shows in the book', async (t) => {
  const { venue, run } = setup();
  const order = await run(venue.submit(limit('a', 'buy', 0.5, 60_000)));
  t.like(order, { clientOrderId: 'a', status: 'open', filledQty: 0, avgFillPrice: null, price: 60_000 });
  t.deepEqual(
    (await run(venue.openOrders('BTCUSDT'))).map((o) => o.clientOrderId),
    ['a'],
  );
  const book = await run(venue.book('BTCUSDT', 2));
  t.deepEqual(book.bids, [
    { price: 60_000, qty: 0.5 },
    { price: 59_999, qty: 1 },
  ]);
  t.deepEqual((await run(venue.balances())).USDT, { free: 70_000, locked: 30_000 });
});

test('a marketable limit order takes each level up to its limit as taker and rests the remainder', async (t) => {
  const { venue, run } = setup({ balances: { USDT: 1_000_000, BTC: 0 } });
  const order = await run(venue.submit(limit('sweep', 'buy', 2.5, 60_002)));
  t.like(order, { status: 'partially_filled', qty: 2.5, filledQty: 2, avgFillPrice: 60_001.5 });
  const fills = await run(venue.myTrades('BTCUSDT'));
  t.deepEqual(
    fills.map((f) => [f.price, f.qty, f.liquidity]),
    [
      [60_001, 1, 'taker'],
      [60_002, 1, 'taker'],
    ],
  );
  const book = await run(venue.book('BTCUSDT'));
  t.deepEqual(book.bids[0], { price: 60_002, qty: 0.5 });
  t.deepEqual(book.asks[0], { price: 60_003, qty: 1 });
  t.deepEqual(
    (await run(venue.openOrders())).map((o) => o.clientOrderId),
    ['sweep'],
  );
});

test('a market order fills at each level price and its unfilled rest expires when the book runs out', async (t) => {
  const { venue, run } = setup({ balances: { USDT: 0, BTC: 10 } });
  const sold = await run(venue.submit(market('dump', 'sell', 3.5)));
  t.like(sold, { status: 'cancelled', filledQty: 3, avgFillPrice: 59_998, price: null });
  t.is(venue.ledger().orders[0]?.endedBy, 'market-exhausted');
  t.deepEqual((await run(venue.balances())).BTC, { free: 7, locked: 0 });
  const { venue: v2, run: run2 } = setup();
  const bought = await run2(v2.submit(market('lift', 'buy', 0.4)));
  t.like(bought, { status: 'filled', filledQty: 0.4, avgFillPrice: 60_001 });
});

test('resting orders fill as maker when the market moves through them: best price first, then oldest', async (t) => {
  const { venue, run, btc } = setup();
  await run(venue.submit(limit('A', 'buy', 0.5, 60_000)));
  await run(venue.submit(limit('B', 'buy', 0.5, 60_000)));
  await run(venue.submit(limit('C', 'buy', 0.5, 60_000.5)));
  btc(
    [[59_990, 1]],
    [
      [59_999.5, 0.8],
      [60_010, 1],
    ],
  );
  const byId = async (id: string) => run(venue.order({ clientOrderId: id }));
  t.like(await byId('C'), { status: 'filled', filledQty: 0.5, avgFillPrice: 60_000.5 });
  t.like(await byId('A'), { status: 'partially_filled', filledQty: 0.3, avgFillPrice: 60_000 });
  t.like(await byId('B'), { status: 'open', filledQty: 0 });
  t.deepEqual(
    venue.ledger().fills.map((f) => [f.clientOrderId, f.price, f.qty, f.liquidity]),
    [
      ['C', 60_000.5, 0.5, 'maker'],
      ['A', 60_000, 0.3, 'maker'],
    ],
  );
  btc([[59_990, 1]], [[59_999, 1]]);
  t.like(await byId('A'), { status: 'filled', filledQty: 0.5 });
  t.like(await byId('B'), { status: 'filled', filledQty: 0.5 });
  t.deepEqual(await run(venue.openOrders()), []);
  t.deepEqual((await run(venue.balances())).USDT, { free: 100_000 - 0.5 * 60_000.5 - 60_000, locked: 0 });
});

test('a resting sell fills when the bids rise through it, only as far as the crossing depth goes', async (t) => {
  const { venue, run, btc } = setup();
  await run(venue.submit(limit('s', 'sell', 1.5, 60_005)));
  btc(
    [
      [60_007, 0.4],
      [60_005, 0.2],
      [60_004, 5],
    ],
    [[60_010, 1]],
  );
  t.like(await run(venue.order({ clientOrderId: 's' })), { status: 'partially_filled', filledQty: 0.6 });
  t.deepEqual(
    venue.ledger().fills.map((f) => [f.price, f.qty]),
    [
      [60_005, 0.4],
      [60_005, 0.2],
    ],
  );
  t.deepEqual((await run(venue.book('BTCUSDT', 1))).asks, [{ price: 60_005, qty: 0.9 }]);
});

test('liquidity taken from a snapshot is not taken twice, and a new snapshot brings it back', async (t) => {
  const { venue, run, btc } = setup();
  await run(venue.submit(market('m1', 'buy', 1)));
  const second = await run(venue.submit(market('m2', 'buy', 0.5)));
  t.is(second.avgFillPrice, 60_002);
  t.deepEqual((await run(venue.book('BTCUSDT', 1))).asks, [{ price: 60_002, qty: 0.5 }]);
  btc([[59_999, 1]], [[60_001, 1]]);
  const third = await run(venue.submit(market('m3', 'buy', 0.1)));
  t.is(third.avgFillPrice, 60_001);
});

test('an incoming order that would trade with our own resting order expires that order instead', async (t) => {
  const { venue, run } = setup();
  await run(venue.submit(limit('maker', 'sell', 0.5, 60_000.5)));
  t.deepEqual((await run(venue.balances())).BTC, { free: 1.5, locked: 0.5 });
  const taker = await run(venue.submit(limit('taker', 'buy', 0.2, 60_001)));
  t.like(taker, { status: 'filled', avgFillPrice: 60_001 });
  const maker = venue.ledger().orders.find((o) => o.clientOrderId === 'maker');
  t.like(maker, { status: 'cancelled', filledQty: 0, endedBy: 'self-trade-prevention' });
  t.is(venue.ledger().fills.length, 1);
  t.deepEqual((await run(venue.balances())).BTC, { free: 2 + 0.2 - 0.0004, locked: 0 });
});

test('orders are found by client and venue id, open orders list live ones, and cancel ends them', async (t) => {
  const { venue, run } = setup();
  const a = await run(venue.submit(limit('keep', 'buy', 0.1, 59_000)));
  const b = await run(venue.submit(limit('drop', 'sell', 0.1, 61_000)));
  await run(venue.submit(market('gone', 'buy', 0.1)));
  t.is((await run(venue.order({ venueOrderId: a.venueOrderId }))).clientOrderId, 'keep');
  t.is((await run(venue.order({ clientOrderId: 'drop', symbol: 'BTCUSDT' }))).venueOrderId, b.venueOrderId);
  t.is((await run(venue.order({ clientOrderId: 'gone' }))).status, 'filled');
  t.deepEqual(
    (await run(venue.openOrders())).map((o) => o.clientOrderId),
    ['keep', 'drop'],
  );
  const cancelled = await run(venue.cancel({ clientOrderId: 'drop' }));
  t.like(cancelled, { status: 'cancelled', venueOrderId: b.venueOrderId });
  t.deepEqual((await run(venue.balances())).BTC, { free: 2.1 - 0.0002, locked: 0 });
  t.deepEqual(
    (await run(venue.openOrders('BTCUSDT'))).map((o) => o.clientOrderId),
    ['keep'],
  );
  t.deepEqual(await run(venue.openOrders('ETHUSDT')), []);
  t.is((await run(venue.myTrades())).length, 1);
  t.deepEqual(await run(venue.myTrades('ETHUSDT')), []);
});
