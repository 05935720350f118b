import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import { Rng } from '../../actors/kernel/rng';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import type { OrderRequest } from '../../actors/trading/types';
import { ManualMarket } from '../../actors/venues/market-source';
import { SimVenue } from '../../actors/venues/sim-venue';
import { OrderNotFoundError, OrderRejectedError } from '../../actors/venues/sim-venue-errors';
import type { OrderRejectReason } from '../../actors/venues/sim-venue-errors';
import { BTC, setup } from './sim-fixture';

const good: OrderRequest = {
  clientOrderId: 'ok-1',
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'limit',
  qty: 0.01,
  price: 59_000,
};

const cases: [string, Record<string, unknown>, OrderRejectReason, RegExp][] = [
  ['an unknown symbol', { symbol: 'DOGEUSDT' }, 'UNKNOWN_SYMBOL', /symbol: expected one of BTCUSDT, ETHUSDT/],
  ['a missing symbol', { symbol: undefined }, 'UNKNOWN_SYMBOL', /got undefined/],
  [
    'a NaN quantity',
    { qty: Number.NaN },
    'INVALID_QUANTITY',
    /qty: expected a positive finite number, got NaN/,
  ],
  ['a negative quantity', { qty: -1 }, 'INVALID_QUANTITY', /got -1/],
  ['a zero quantity', { qty: 0 }, 'INVALID_QUANTITY', /got 0/],
  ['an infinite quantity', { qty: Number.POSITIVE_INFINITY }, 'INVALID_QUANTITY', /Infinity/],
  ['a quantity given as text', { qty: '1' }, 'INVALID_QUANTITY', /got "1"/],
  ['a NaN price', { price: Number.NaN }, 'INVALID_PRICE', /price: expected a positive finite number/],
  ['a negative price', { price: -59_000 }, 'INVALID_PRICE', /got -59000/],
  ['a limit order without a price', { price: undefined }, 'PRICE_REQUIRED', /needs a price/],
  ['a market order with a price', { type: 'market' }, 'PRICE_NOT_ALLOWED', /takes no price/],
  ['a price off the tick grid', { price: 59_000.005 }, 'PRICE_NOT_MULTIPLE_OF_TICK', /multiple of 0.01/],
  ['a quantity off the lot grid', { qty: 0.000015 }, 'QUANTITY_NOT_MULTIPLE_OF_LOT', /multiple of 0.00001/],
  ['an order below the minimum notional', { qty: 0.00008 }, 'MIN_NOTIONAL', /at least 5 USDT/],
  [
    'a market order below the minimum notional',
    { type: 'market', price: undefined, qty: 0.00008 },
    'MIN_NOTIONAL',
    /at least 5/,
  ],
  ['an unknown side', { side: 'long' }, 'INVALID_SIDE', /side: expected "buy" or "sell"/],
  ['an unknown type', { type: 'stop' }, 'INVALID_TYPE', /type: expected "limit" or "market"/],
  ['a malformed client order id', { clientOrderId: 'has space' }, 'INVALID_CLIENT_ORDER_ID', /clientOrderId/],
  [
    'a client order id over 36 characters',
    { clientOrderId: 'x'.repeat(37) },
    'INVALID_CLIENT_ORDER_ID',
    /1-36/,
  ],
];

for (const [what, change, reason, detail] of cases)
  test(`${what} is refused as ${reason} with a clear reason and changes nothing`, async (t) => {
    const { venue, run } = setup();
    const before = { balances: venue.engine.balances(), book: venue.engine.book('BTCUSDT') };
    const request = { ...good, ...change } as unknown as OrderRequest;
    const error = await t.throwsAsync(run(venue.submit(request)), { instanceOf: OrderRejectedError });
    t.is(error.reason, reason);
    t.regex(error.detail, detail);
    t.is(error.op, 'submit');
    t.false(error.outcomeUnknown);
    t.deepEqual(venue.engine.balances(), before.balances);
    t.deepEqual(venue.engine.book('BTCUSDT'), before.book);
    t.deepEqual(venue.ledger().orders, []);
    t.like(venue.ledger().rejections, [{ reason, detail: error.detail }]);
  });

test('a request that is not an object is refused, not thrown as a TypeError', async (t) => {
  const { venue, run } = setup();
  for (const request of [null, undefined, 42])
    t.is(
      (await t.throwsAsync(run(venue.submit(request as never)), { instanceOf: OrderRejectedError })).reason,
      'INVALID_CLIENT_ORDER_ID',
    );
  t.deepEqual(venue.ledger().orders, []);
});

test('a market order with no liquidity on the other side is refused as NO_LIQUIDITY', async (t) => {
  const { venue, run } = setup();
  const error = await t.throwsAsync(
    run(venue.submit({ clientOrderId: 'e', symbol: 'ETHUSDT', side: 'buy', type: 'market', qty: 1 })),
    { instanceOf: OrderRejectedError },
  );
  t.is(error.reason, 'NO_LIQUIDITY');
});

test('a second submit with the clientOrderId of an open order is refused as a duplicate', async (t) => {
  const { venue, run } = setup();
  const first = await run(venue.submit(good));
  const error = await t.throwsAsync(run(venue.submit({ ...good, price: 58_000 })), {
    instanceOf: OrderRejectedError,
  });
  t.is(error.reason, 'DUPLICATE_CLIENT_ORDER_ID');
  t.is(error.clientOrderId, 'ok-1');
  t.deepEqual(
    (await run(venue.openOrders())).map((o) => o.venueOrderId),
    [first.venueOrderId],
  );
  t.deepEqual((await run(venue.balances())).USDT, { free: 99_410, locked: 590 });
});

test('once the first order is done, its clientOrderId is accepted again for a new order, as on Binance', async (t) => {
  const { venue, run } = setup();
  const first = await run(venue.submit(good));
  await run(venue.cancel({ clientOrderId: 'ok-1' }));
  const second = await run(venue.submit(good));
  t.not(second.venueOrderId, first.venueOrderId);
  t.is((await run(venue.order({ clientOrderId: 'ok-1' }))).venueOrderId, second.venueOrderId);
  t.is((await run(venue.order({ venueOrderId: first.venueOrderId }))).status, 'cancelled');
  t.is(venue.ledger().orders.filter((o) => o.clientOrderId === 'ok-1').length, 2);
});

test('cancel and query refuse unknown orders, done orders and malformed references', async (t) => {
  const { venue, run } = setup();
  await run(venue.submit({ clientOrderId: 'f', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.1 }));
  t.is(
    (await t.throwsAsync(run(venue.cancel({ clientOrderId: 'nope' })), { instanceOf: OrderNotFoundError }))
      .op,
    'cancel',
  );
  await t.throwsAsync(run(venue.order({ venueOrderId: '999' })), { instanceOf: OrderNotFoundError });
  await t.throwsAsync(run(venue.order({ clientOrderId: 'f', symbol: 'ETHUSDT' })), {
    instanceOf: OrderNotFoundError,
  });
  const done = await t.throwsAsync(run(venue.cancel({ clientOrderId: 'f' })), {
    instanceOf: OrderRejectedError,
  });
  t.is(done.reason, 'ORDER_NOT_OPEN');
  for (const bad of [{}, { venueOrderId: '' }, { clientOrderId: 7 }, null])
    t.is(
      (await t.throwsAsync(run(venue.order(bad as never)), { instanceOf: OrderRejectedError })).reason,
      'INVALID_ORDER_REF',
    );
});

test('asking about an unknown symbol is refused as UNKNOWN_SYMBOL', async (t) => {
  const { venue, run } = setup();
  const asks: (() => Promise<unknown>)[] = [
    () => venue.book('XYZUSDT'),
    () => venue.openOrders('XYZUSDT'),
    () => venue.myTrades('XYZUSDT'),
  ];
  for (const ask of asks)
    t.is((await t.throwsAsync(run(ask()), { instanceOf: OrderRejectedError })).reason, 'UNKNOWN_SYMBOL');
});

test('a bad venue config or an instrument finer than the balance precision is refused', (t) => {
  const clock = new VirtualClock();
  const market = new ManualMarket([BTC]);
  const error = t.throws(
    () =>
      new SimVenue({
        clock,
        rng: new Rng(1),
        market,
        config: { fees: { maker: -0.1, taker: 0.001 }, balances: { usdt: 1 } },
      }),
    { instanceOf: ConfigError },
  );
  t.true(error.issues.some((i) => i.startsWith('fees.maker:')));
  t.true(error.issues.some((i) => i.startsWith('balances.usdt')));
  const fine = new ManualMarket([{ ...BTC, lotSize: 1e-9 }]);
  t.throws(() => new SimVenue({ clock, rng: new Rng(1), market: fine }), { instanceOf: ConfigError });
});
