import test from 'ava';
import ccxt from 'ccxt';
import { binanceClient, signedRequest, startBinance } from '../helpers/binance-client';

test('a wrong secret is rejected with -1022 as a ccxt AuthenticationError and places nothing', async (t) => {
  const { emulator, url } = await startBinance(t);
  const wrong = binanceClient(url, { apiKey: emulator.credentials.apiKey, apiSecret: 'not-the-secret' });
  await wrong.loadMarkets();
  const error = await t.throwsAsync(() => wrong.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000));
  t.true(error instanceof ccxt.AuthenticationError);
  t.regex(String(error?.message), /-1022/);
  await t.throwsAsync(() => wrong.fetchBalance(), { instanceOf: ccxt.AuthenticationError });
  t.deepEqual(emulator.venue.ledger().orders, []);
});

test('an unknown API key is rejected with -2015 as a ccxt AuthenticationError', async (t) => {
  const { emulator, url } = await startBinance(t);
  const stranger = binanceClient(url, { apiKey: 'someone-else', apiSecret: emulator.credentials.apiSecret });
  await stranger.loadMarkets();
  const error = await t.throwsAsync(() => stranger.fetchBalance(), { instanceOf: ccxt.AuthenticationError });
  t.regex(String(error?.message), /-2015/);
});

test('an order beyond the balance is -2010 InsufficientFunds and recorded as a refusal', async (t) => {
  const { exchange, emulator } = await startBinance(t);
  await t.throwsAsync(
    () => exchange.createOrder('BTC/USDT', 'limit', 'buy', 2, 59_000, { clientOrderId: 'big-1' }),
    {
      instanceOf: ccxt.InsufficientFunds,
    },
  );
  t.like(emulator.venue.ledger().rejections[0], { clientOrderId: 'big-1', reason: 'INSUFFICIENT_BALANCE' });
});

test('an unknown order is OrderNotFound for fetch (-2013) and cancel (-2011)', async (t) => {
  const { exchange } = await startBinance(t);
  const fetched = await t.throwsAsync(() => exchange.fetchOrder('999', 'BTC/USDT'), {
    instanceOf: ccxt.OrderNotFound,
  });
  t.regex(String(fetched?.message), /-2013/);
  await t.throwsAsync(() => exchange.fetchOrder('', 'BTC/USDT', { clientOrderId: 'nope' }), {
    instanceOf: ccxt.OrderNotFound,
  });
  const cancelled = await t.throwsAsync(() => exchange.cancelOrder('999', 'BTC/USDT'), {
    instanceOf: ccxt.OrderNotFound,
  });
  t.regex(String(cancelled?.message), /-2011/);
});

test('a rate-limit fault answers 429 with Retry-After, which ccxt raises as DDoSProtection', async (t) => {
  const { exchange, emulator, url } = await startBinance(t);
  emulator.venue.faults.set({ kind: 'rateLimit', ops: ['submit'], retryAfterMs: 2_500 });
  const error = await t.throwsAsync(() => exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000));
  t.true(error instanceof ccxt.DDoSProtection || error instanceof ccxt.RateLimitExceeded);
  t.deepEqual(emulator.venue.ledger().orders, [], 'nothing was placed');
  emulator.venue.faults.set({ kind: 'rateLimit', ops: ['balances'], retryAfterMs: 2_500 });
  const raw = await signedRequest(url, 'GET', '/api/v3/account', {});
  t.is(raw.status, 429);
  t.is(raw.retryAfter, '3');
  t.is(raw.body.code, -1003);
});

test('a ban fault answers 418 to every request until it expires', async (t) => {
  const { exchange, emulator } = await startBinance(t);
  emulator.venue.faults.set({ kind: 'ban', ops: ['balances'], retryAfterMs: 60_000 });
  await t.throwsAsync(() => exchange.fetchBalance(), { instanceOf: ccxt.DDoSProtection });
  const error = await t.throwsAsync(() => exchange.fetchOrderBook('BTC/USDT'), {
    instanceOf: ccxt.DDoSProtection,
  });
  t.regex(String(error?.message), /418/);
});

test('a 5xx fault answers with its status and -1001', async (t) => {
  const { emulator, url } = await startBinance(t);
  emulator.venue.faults.set({ kind: 'unavailable', ops: ['balances'], status: 502 });
  const raw = await signedRequest(url, 'GET', '/api/v3/account', {});
  t.is(raw.status, 502);
  t.is(raw.body.code, -1001);
});

test('a timeout after acceptance answers -1007 (RequestTimeout) while the order exists', async (t) => {
  const { exchange, emulator } = await startBinance(t, { venue: { timeoutMs: 200 } });
  emulator.venue.faults.set({ kind: 'timeoutAfterAccept', ops: ['submit'] });
  const error = await t.throwsAsync(() =>
    exchange.createOrder('BTC/USDT', 'limit', 'buy', 0.01, 50_000, { clientOrderId: 'ghost-1' }),
  );
  t.true(error instanceof ccxt.RequestTimeout, String(error));
  t.regex(String(error?.message), /-1007/);
  const found = await exchange.fetchOrder('', 'BTC/USDT', { clientOrderId: 'ghost-1' });
  t.is(found.status, 'open', 'the order was placed although the answer was lost');
});

test('a timestamp outside recvWindow is -1021 and one from the future too', async (t) => {
  const { url } = await startBinance(t);
  const stale = await signedRequest(url, 'GET', '/api/v3/account', {
    timestamp: String(Date.now() - 60_000),
  });
  t.is(stale.status, 400);
  t.is(stale.body.code, -1021);
  const ahead = await signedRequest(url, 'GET', '/api/v3/account', { timestamp: String(Date.now() + 5_000) });
  t.is(ahead.body.code, -1021);
  const withWindow = await signedRequest(url, 'GET', '/api/v3/account', {
    timestamp: String(Date.now() - 8_000),
    recvWindow: '10000',
  });
  t.is(withWindow.status, 200);
});

test('filter failures are -1013 naming the filter, bad parameters -1100 and -1102', async (t) => {
  const { url } = await startBinance(t);
  const order = { symbol: 'BTCUSDT', side: 'BUY', type: 'LIMIT', timeInForce: 'GTC' };
  const tick = await signedRequest(url, 'POST', '/api/v3/order', {
    ...order,
    quantity: '0.01',
    price: '50000.001',
  });
  t.deepEqual(tick.body, { code: -1013, msg: 'Filter failure: PRICE_FILTER' });
  const lot = await signedRequest(url, 'POST', '/api/v3/order', {
    ...order,
    quantity: '0.000001',
    price: '50000',
  });
  t.deepEqual(lot.body, { code: -1013, msg: 'Filter failure: LOT_SIZE' });
  const notional = await signedRequest(url, 'POST', '/api/v3/order', {
    ...order,
    quantity: '0.00001',
    price: '50000',
  });
  t.deepEqual(notional.body, { code: -1013, msg: 'Filter failure: NOTIONAL' });
  const missing = await signedRequest(url, 'POST', '/api/v3/order', { ...order, quantity: '0.01' });
  t.is(missing.body.code, -1102);
  t.regex(String(missing.body.msg), /'price'/);
  const illegal = await signedRequest(url, 'POST', '/api/v3/order', {
    ...order,
    quantity: 'abc',
    price: '50000',
  });
  t.is(illegal.body.code, -1100);
  t.regex(String(illegal.body.msg), /'quantity'/);
  const symbol = await signedRequest(url, 'POST', '/api/v3/order', {
    ...order,
    symbol: 'XYZUSDT',
    quantity: '1',
    price: '1',
  });
  t.is(symbol.body.code, -1121);
});
