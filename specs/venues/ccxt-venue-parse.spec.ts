import test from 'ava';
import ccxt from 'ccxt';
import { toVenueError } from '../../actors/venues/ccxt-venue-error-map';
import {
  VenueAuthenticationError,
  VenueDataError,
  VenueRequestError,
} from '../../actors/venues/ccxt-venue-errors';
import {
  toBalances,
  toFill,
  toInstrument,
  toOrderBook,
  toVenueOrder,
} from '../../actors/venues/ccxt-venue-parse';
import {
  OrderNotFoundError,
  OrderRejectedError,
  VenueRateLimitError,
  VenueTimeoutError,
  VenueUnavailableError,
} from '../../actors/venues/sim-venue-errors';

const symbolOf = (s: string): string | undefined => (s === 'BTC/USDT' ? 'BTCUSDT' : undefined);

const ORDER = {
  id: '17',
  clientOrderId: 'mm-1',
  symbol: 'BTC/USDT',
  side: 'buy',
  type: 'limit',
  price: 50_000,
  amount: 0.02,
  filled: 0.01,
  average: 50_000,
  status: 'open',
  timestamp: 1_700_000_000_000,
  lastUpdateTimestamp: 1_700_000_000_500,
};

test('a ccxt order maps to a VenueOrder; open with fills is partially_filled', (t) => {
  t.deepEqual(toVenueOrder('query', ORDER, symbolOf), {
    venueOrderId: '17',
    clientOrderId: 'mm-1',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    price: 50_000,
    qty: 0.02,
    filledQty: 0.01,
    avgFillPrice: 50_000,
    status: 'partially_filled',
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_500,
  });
  t.is(toVenueOrder('query', { ...ORDER, status: 'closed', filled: 0.02 }, symbolOf).status, 'filled');
  t.is(toVenueOrder('query', { ...ORDER, status: 'expired' }, symbolOf).status, 'cancelled');
  t.is(toVenueOrder('query', { ...ORDER, type: 'market', price: 1 }, symbolOf).price, null);
});

test('malformed ccxt orders are VenueDataError naming the field, never a VenueOrder', (t) => {
  const cases: [Record<string, unknown>, string][] = [
    [{ clientOrderId: undefined }, 'order.clientOrderId'],
    [{ id: '' }, 'order.id'],
    [{ price: Number.NaN }, 'order.price'],
    [{ amount: -1 }, 'order.amount'],
    [{ filled: 0.05 }, 'order.filled'],
    [{ filled: Number.POSITIVE_INFINITY }, 'order.filled'],
    [{ average: undefined }, 'order.average'],
    [{ status: 'PENDING_NEW' }, 'order.status'],
    [{ side: 'long' }, 'order.side'],
    [{ type: 'stop_loss' }, 'order.type'],
    [{ symbol: 'DOGE/USDT' }, 'order.symbol'],
    [{ timestamp: undefined }, 'order.timestamp'],
  ];
  for (const [patch, field] of cases) {
    const error = t.throws(() => toVenueOrder('submit', { ...ORDER, ...patch }, symbolOf), {
      instanceOf: VenueDataError,
    });
    t.is(error?.field, field);
    t.true(error?.outcomeUnknown, 'a bad answer to a submit leaves the order in flight');
  }
  t.false(
    t.throws(() => toVenueOrder('query', null, symbolOf), { instanceOf: VenueDataError })?.outcomeUnknown,
  );
});

test('trades, books and balances are checked at the boundary', (t) => {
  const trade = {
    id: '5',
    order: '17',
    symbol: 'BTC/USDT',
    side: 'sell',
    price: 50_000,
    amount: 0.01,
    fee: { cost: 0.5, currency: 'USDT' },
    takerOrMaker: 'maker',
    timestamp: 1,
  };
  t.like(toFill('myTrades', trade, symbolOf, 'mm-1'), {
    fillId: '5',
    clientOrderId: 'mm-1',
    fee: 0.5,
    liquidity: 'maker',
  });
  t.is(
    t.throws(() => toFill('myTrades', { ...trade, fee: undefined }, symbolOf, 'x'))?.constructor,
    VenueDataError,
  );
  t.like(
    t.throws(() => toFill('myTrades', { ...trade, amount: -0.01 }, symbolOf, 'x')),
    { field: 'trade.amount' },
  );

  const book = {
    bids: [
      [10, 1],
      [9, 2],
    ],
    asks: [
      [11, 1],
      [12, 1],
    ],
    nonce: 7,
    timestamp: undefined,
  };
  t.like(toOrderBook('book', book, 'BTCUSDT', { t: 99, seq: 1 }), { t: 99, seq: 7, symbol: 'BTCUSDT' });
  t.like(
    t.throws(() =>
      toOrderBook(
        'book',
        {
          ...book,
          bids: [
            [9, 1],
            [10, 1],
          ],
        },
        'BTCUSDT',
        { t: 0, seq: 0 },
      ),
    ),
    {
      field: 'book.bids[1].price',
    },
  );
  t.like(
    t.throws(() => toOrderBook('book', { ...book, asks: [[11, Number.NaN]] }, 'BTCUSDT', { t: 0, seq: 0 })),
    {
      field: 'book.asks[0].qty',
    },
  );

  const balance = { info: {}, free: {}, used: {}, total: {}, USDT: { free: 10, used: 2, total: 12 } };
  t.deepEqual(toBalances('balances', balance), { USDT: { free: 10, locked: 2 } });
  t.like(
    t.throws(() => toBalances('balances', { ...balance, BTC: { free: -1, used: 0 } })),
    { field: 'balance.BTC.free' },
  );
});

test('ccxt markets become instruments under tick-size and decimal-places precision', (t) => {
  const market = {
    spot: true,
    active: true,
    base: 'BTC',
    quote: 'USDT',
    precision: { price: 0.01, amount: 0.00001 },
    limits: { cost: { min: 5 } },
  };
  t.deepEqual(toInstrument(market, 4), {
    symbol: 'BTCUSDT',
    base: 'BTC',
    quote: 'USDT',
    tickSize: 0.01,
    lotSize: 0.00001,
    minNotional: 5,
  });
  t.like(toInstrument({ ...market, precision: { price: 2, amount: 5 } }, 2), {
    tickSize: 0.01,
    lotSize: 0.00001,
  });
  t.is(toInstrument({ ...market, active: false }, 4), undefined);
  t.is(toInstrument({ ...market, spot: false }, 4), undefined);
  t.is(toInstrument({ ...market, precision: {} }, 4), undefined);
});

test('ccxt errors map to the venue error family', (t) => {
  const base = { timeoutMs: 10_000 } as const;
  t.like(
    toVenueError(new ccxt.RateLimitExceeded('x'), {
      ...base,
      op: 'book',
      meta: { status: 429, retryAfterMs: 2_000 },
    }),
    { constructor: VenueRateLimitError, status: 429, retryAfterMs: 2_000 },
  );
  t.true(toVenueError(new ccxt.DDoSProtection('x'), { ...base, op: 'book' }) instanceof VenueRateLimitError);
  const timeout = toVenueError(new ccxt.RequestTimeout('x'), { ...base, op: 'submit' });
  t.like(timeout, { constructor: VenueTimeoutError, outcomeUnknown: true });
  t.like(toVenueError(new ccxt.NetworkError('reset'), { ...base, op: 'cancel' }), {
    constructor: VenueTimeoutError,
    outcomeUnknown: true,
  });
  t.like(toVenueError(new ccxt.NetworkError('reset'), { ...base, op: 'balances' }), {
    outcomeUnknown: false,
  });
  t.like(toVenueError(new ccxt.OnMaintenance('x'), { ...base, op: 'submit' }), {
    constructor: VenueUnavailableError,
    status: 503,
    outcomeUnknown: true,
  });
  t.true(
    toVenueError(new ccxt.PermissionDenied('x'), { ...base, op: 'submit' }) instanceof
      VenueAuthenticationError,
  );
  t.true(toVenueError(new ccxt.OrderNotFound('x'), { ...base, op: 'query' }) instanceof OrderNotFoundError);
  const reasons = [
    [new ccxt.InsufficientFunds('x'), 'INSUFFICIENT_BALANCE'],
    [
      new ccxt.InvalidOrder('binance {"code":-1013,"msg":"Filter failure: LOT_SIZE"}'),
      'QUANTITY_NOT_MULTIPLE_OF_LOT',
    ],
    [new ccxt.BadRequest('Filter failure: PRICE_FILTER'), 'PRICE_NOT_MULTIPLE_OF_TICK'],
    [new ccxt.InvalidOrder('Filter failure: NOTIONAL'), 'MIN_NOTIONAL'],
    [new ccxt.DuplicateOrderId('x'), 'DUPLICATE_CLIENT_ORDER_ID'],
    [new ccxt.BadSymbol('x'), 'UNKNOWN_SYMBOL'],
    [new ccxt.InvalidOrder('something else'), 'REJECTED_BY_VENUE'],
  ] as const;
  for (const [error, reason] of reasons) {
    const mapped = toVenueError(error, { ...base, op: 'submit', clientOrderId: 'c-1' });
    t.true(mapped instanceof OrderRejectedError);
    t.like(mapped, { reason, clientOrderId: 'c-1', outcomeUnknown: false });
  }
  t.like(toVenueError(new TypeError('boom'), { ...base, op: 'submit' }), {
    constructor: VenueRequestError,
    outcomeUnknown: true,
  });
  t.like(toVenueError(new ccxt.ExchangeError('odd'), { ...base, op: 'book' }), {
    constructor: VenueRequestError,
    outcomeUnknown: false,
  });
});
