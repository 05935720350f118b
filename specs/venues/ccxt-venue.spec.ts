import test from 'ava';
import type { ExecutionContext } from 'ava';
import { RealClock } from '../../actors/kernel/clock';
import { CcxtVenue } from '../../actors/venues/ccxt-venue';
import type { CcxtVenueOptions } from '../../actors/venues/ccxt-venue';
import type { BinanceEmulatorOptions } from '../../actors/venues/binance-emulator';
import { startBinance } from '../helpers/binance-client';

/** An emulator for one test and a CcxtVenue (real ccxt `binance`) pointed at it. */
async function start(
  t: ExecutionContext,
  options: BinanceEmulatorOptions = {},
  extra: Partial<CcxtVenueOptions> = {},
) {
  const { emulator, url } = await startBinance(t, options);
  const venue = new CcxtVenue({
    exchangeId: 'binance',
    apiKey: emulator.credentials.apiKey,
    secret: emulator.credentials.apiSecret,
    urls: { public: `${url}/api/v3`, private: `${url}/api/v3`, v1: `${url}/api/v1`, sapi: `${url}/sapi/v1` },
    enableRateLimit: false,
    clock: new RealClock(),
    ...extra,
  });
  t.teardown(() => venue.close());
  return { emulator, url, venue };
}

test('ccxt venue loads the spot markets as instruments with tick, lot and min notional', async (t) => {
  const { venue, emulator } = await start(t);
  const instruments = await venue.instruments();
  t.deepEqual(instruments.map((i) => i.symbol).sort(), ['BTCUSDT', 'ETHUSDT', 'SOLUSDT']);
  t.deepEqual(
    instruments.find((i) => i.symbol === 'BTCUSDT'),
    emulator.market.instrument('BTCUSDT'),
  );
});

test('ccxt venue restricted to configured symbols trades only those', async (t) => {
  const { venue } = await start(t, {}, { symbols: ['ETHUSDT'] });
  t.deepEqual(
    (await venue.instruments()).map((i) => i.symbol),
    ['ETHUSDT'],
  );
  await t.throwsAsync(() => venue.book('BTCUSDT'), { name: 'OrderRejectedError', message: /UNKNOWN_SYMBOL/ });
});

test('ccxt venue book matches the venue book and balances the funded account', async (t) => {
  const { venue, emulator } = await start(t);
  const book = await venue.book('BTCUSDT', 5);
  const expected = emulator.venue.engine.book('BTCUSDT', 5);
  t.is(book.symbol, 'BTCUSDT');
  t.deepEqual(book.bids, expected.bids);
  t.deepEqual(book.asks, expected.asks);
  t.is(book.seq, expected.seq, 'seq is the venue lastUpdateId');
  const balances = await venue.balances();
  t.deepEqual(balances['USDT'], { free: 100_000, locked: 0 });
  t.deepEqual(balances['BTC'], { free: 1, locked: 0 });
  t.true(Math.abs((await venue.time()) - Date.now()) < 5_000);
});

test('ccxt venue places a limit order with our clientOrderId and finds it by either id', async (t) => {
  const { venue, emulator } = await start(t);
  const placed = await venue.submit({
    clientOrderId: 'mm-1',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    qty: 0.01,
    price: 50_000,
  });
  t.like(placed, {
    clientOrderId: 'mm-1',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    price: 50_000,
    qty: 0.01,
    filledQty: 0,
    avgFillPrice: null,
    status: 'open',
  });
  t.deepEqual(
    emulator.venue.ledger().orders.map((o) => o.clientOrderId),
    ['mm-1'],
  );
  t.like(await venue.order({ clientOrderId: 'mm-1' }), { venueOrderId: placed.venueOrderId, status: 'open' });
  t.like(await venue.order({ symbol: 'BTCUSDT', venueOrderId: placed.venueOrderId }), {
    clientOrderId: 'mm-1',
  });
  t.deepEqual((await venue.balances())['USDT'], { free: 99_500, locked: 500 });
});

test('a fresh ccxt venue finds an order by clientOrderId alone by asking each symbol', async (t) => {
  const { venue, emulator, url } = await start(t);
  await venue.submit({
    clientOrderId: 'eth-1',
    symbol: 'ETHUSDT',
    side: 'sell',
    type: 'limit',
    qty: 0.1,
    price: 9_000,
  });
  const restarted = new CcxtVenue({
    exchangeId: 'binance',
    apiKey: emulator.credentials.apiKey,
    secret: emulator.credentials.apiSecret,
    urls: { public: `${url}/api/v3`, private: `${url}/api/v3` },
    enableRateLimit: false,
    clock: new RealClock(),
  });
  t.like(await restarted.order({ clientOrderId: 'eth-1' }), { symbol: 'ETHUSDT', status: 'open' });
  await t.throwsAsync(() => restarted.order({ clientOrderId: 'nobody' }), { name: 'OrderNotFoundError' });
});

test('ccxt venue lists open orders and cancels by clientOrderId', async (t) => {
  const { venue } = await start(t);
  await venue.submit({
    clientOrderId: 'a-1',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    qty: 0.01,
    price: 50_000,
  });
  await venue.submit({
    clientOrderId: 'a-2',
    symbol: 'ETHUSDT',
    side: 'sell',
    type: 'limit',
    qty: 0.1,
    price: 9_000,
  });
  t.deepEqual((await venue.openOrders()).map((o) => o.clientOrderId).sort(), ['a-1', 'a-2']);
  t.deepEqual(
    (await venue.openOrders('ETHUSDT')).map((o) => o.clientOrderId),
    ['a-2'],
  );
  const cancelled = await venue.cancel({ clientOrderId: 'a-1' });
  t.like(cancelled, { clientOrderId: 'a-1', status: 'cancelled', symbol: 'BTCUSDT' });
  t.deepEqual(
    (await venue.openOrders()).map((o) => o.clientOrderId),
    ['a-2'],
  );
  t.is((await venue.order({ clientOrderId: 'a-1' })).status, 'cancelled');
});

test('ccxt venue market order fills at the ask and shows in myTrades with its clientOrderId', async (t) => {
  const { venue, emulator } = await start(t);
  const ask = emulator.venue.engine.book('BTCUSDT', 1).asks[0];
  const filled = await venue.submit({
    clientOrderId: 'tf-1',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'market',
    qty: 0.01,
  });
  t.like(filled, {
    status: 'filled',
    filledQty: 0.01,
    avgFillPrice: ask?.price,
    price: null,
    type: 'market',
  });
  const fills = await venue.myTrades('BTCUSDT');
  t.is(fills.length, 1);
  t.like(fills[0], {
    venueOrderId: filled.venueOrderId,
    clientOrderId: 'tf-1',
    symbol: 'BTCUSDT',
    side: 'buy',
    price: ask?.price,
    qty: 0.01,
    fee: 0.00001,
    feeAsset: 'BTC',
    liquidity: 'taker',
  });
  t.deepEqual(
    (await venue.myTrades()).map((f) => f.fillId),
    fills.map((f) => f.fillId),
    'all symbols',
  );
});

test('a restarted ccxt venue learns a fill clientOrderId from the order', async (t) => {
  const { venue, emulator, url } = await start(t);
  await venue.submit({ clientOrderId: 'tf-2', symbol: 'SOLUSDT', side: 'sell', type: 'market', qty: 1 });
  const restarted = new CcxtVenue({
    exchangeId: 'binance',
    apiKey: emulator.credentials.apiKey,
    secret: emulator.credentials.apiSecret,
    urls: { public: `${url}/api/v3`, private: `${url}/api/v3` },
    enableRateLimit: false,
    clock: new RealClock(),
  });
  t.deepEqual(
    (await restarted.myTrades('SOLUSDT')).map((f) => f.clientOrderId),
    ['tf-2'],
  );
});

test('ccxt venue reports a partly filled limit as partially_filled', async (t) => {
  const { venue, emulator } = await start(t);
  const level = emulator.venue.engine.book('ETHUSDT', 1).asks[0];
  if (level === undefined) return t.fail('no ask on ETHUSDT');
  const qty = Number((level.qty + 0.5).toFixed(4));
  const order = await venue.submit({
    clientOrderId: 'px-1',
    symbol: 'ETHUSDT',
    side: 'buy',
    type: 'limit',
    qty,
    price: level.price,
  });
  t.like(order, { status: 'partially_filled', filledQty: level.qty, avgFillPrice: level.price });
});
