import test from 'ava';
import { startBinance } from '../helpers/binance-client';

test('ccxt loads the spot markets with the instruments tick, lot and min notional', async (t) => {
  const { exchange, emulator } = await startBinance(t);
  t.deepEqual([...exchange.symbols].sort(), ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
  const btc = exchange.market('BTC/USDT');
  const instrument = emulator.market.instrument('BTCUSDT');
  t.is(btc.id, 'BTCUSDT');
  t.true(btc.spot);
  t.is(btc.precision.price, instrument?.tickSize);
  t.is(btc.precision.amount, instrument?.lotSize);
  t.is(btc.limits.cost?.min, instrument?.minNotional);
});

test('ccxt fetchOrderBook shows the venue book and fetchBalance the funded account', async (t) => {
  const { exchange, emulator } = await startBinance(t);
  const book = await exchange.fetchOrderBook('BTC/USDT', 5);
  const venueBook = emulator.venue.engine.book('BTCUSDT', 5);
  t.deepEqual(
    book.bids.map(([p, q]) => [p, q]),
    venueBook.bids.map((l) => [l.price, l.qty]),
  );
  t.deepEqual(
    book.asks.map(([p, q]) => [p, q]),
    venueBook.asks.map((l) => [l.price, l.qty]),
  );
  const balance = await exchange.fetchBalance();
  t.deepEqual(
    ['USDT', 'BTC', 'ETH', 'SOL'].map((asset) => balance[asset]?.total),
    [100_000, 1, 10, 100],
  );
  t.is(balance['USDT']?.used, 0);
});

test('a limit order is placed with its clientOrderId, found by it, listed open and cancelled', async (t) => {
  const { exchange } = await startBinance(t);
  const placed = await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000, {
    clientOrderId: 'mm-1',
  });
  t.like(placed, { clientOrderId: 'mm-1', status: 'open', price: 50_000, amount: 0.01, filled: 0 });
  const found = await exchange.fetchOrder(String(placed.id), 'BTC/USDT', { clientOrderId: 'mm-1' });
  t.like(found, { id: placed.id, clientOrderId: 'mm-1', status: 'open' });
  const byId = await exchange.fetchOrder(String(placed.id), 'BTC/USDT');
  t.is(byId.clientOrderId, 'mm-1');
  t.is((await exchange.fetchBalance())['USDT']?.used, 500);
  t.deepEqual(
    (await exchange.fetchOpenOrders('BTC/USDT')).map((o) => o.clientOrderId),
    ['mm-1'],
  );
  const cancelled = await exchange.cancelOrder(String(placed.id), 'BTC/USDT');
  t.like(cancelled, { id: placed.id, status: 'canceled' });
  t.deepEqual(await exchange.fetchOpenOrders('BTC/USDT'), []);
  t.is((await exchange.fetchOrder(String(placed.id), 'BTC/USDT')).status, 'canceled');
});

test('a market order fills at the ask with a fee and shows in fetchMyTrades', async (t) => {
  const { exchange, emulator } = await startBinance(t);
  const bestAsk = emulator.venue.engine.book('BTCUSDT', 1).asks[0];
  const filled = await exchange.createOrder('BTC/USDT', 'market', 'buy', 0.01, undefined, {
    clientOrderId: 'tf-1',
  });
  t.like(filled, { clientOrderId: 'tf-1', status: 'closed', filled: 0.01, average: bestAsk?.price });
  t.is(filled.trades.length, 1);
  const trades = await exchange.fetchMyTrades('BTC/USDT');
  t.is(trades.length, 1);
  t.like(trades[0], {
    order: filled.id,
    side: 'buy',
    price: bestAsk?.price,
    amount: 0.01,
    takerOrMaker: 'taker',
  });
  t.like(trades[0]?.fee, { currency: 'BTC', cost: 0.00001 });
});

test('a limit that crosses part of the book fills partly and rests the rest', async (t) => {
  const { exchange, emulator } = await startBinance(t);
  const level = emulator.venue.engine.book('ETHUSDT', 1).asks[0];
  if (level === undefined) return t.fail('no ask on ETHUSDT');
  const qty = Number((level.qty + 0.5).toFixed(4));
  const order = await exchange.createOrder('ETH/USDT', 'limit', 'buy', qty, level.price, {
    clientOrderId: 'px-1',
  });
  t.like(order, { status: 'open', filled: level.qty, remaining: Number((qty - level.qty).toFixed(4)) });
  const fetched = await exchange.fetchOrder(String(order.id), 'ETH/USDT', { clientOrderId: 'px-1' });
  t.is(fetched.info['status'], 'PARTIALLY_FILLED');
  t.is(fetched.filled, level.qty);
  t.deepEqual(
    (await exchange.fetchOpenOrders('ETH/USDT')).map((o) => o.clientOrderId),
    ['px-1'],
  );
  const trades = await exchange.fetchMyTrades('ETH/USDT');
  t.deepEqual(
    trades.map((tr) => [tr.price, tr.amount]),
    [[level.price, level.qty]],
  );
});

test('the admin ledger lists every order with its clientOrderId and every fill', async (t) => {
  const { exchange, url } = await startBinance(t);
  await exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000, { clientOrderId: 'l-1' });
  await exchange.createOrder('BTC/USDT', 'market', 'sell', 0.01, undefined, { clientOrderId: 'l-2' });
  const generated = await exchange.createOrder('ETH/USDT', 'limit', 'sell', 0.1, 9_000);
  const ledger = (await (await fetch(`${url}/__admin/ledger`)).json()) as {
    orders: { clientOrderId: string; venueOrderId: string }[];
    fills: { clientOrderId: string }[];
  };
  t.deepEqual(
    ledger.orders.map((o) => o.clientOrderId),
    ['l-1', 'l-2', generated.clientOrderId],
  );
  t.regex(String(generated.clientOrderId), /^x-TKT5PX2F/, 'ccxt sends its own id when none is given');
  t.deepEqual(
    ledger.fills.map((f) => f.clientOrderId),
    ['l-2'],
  );
});
