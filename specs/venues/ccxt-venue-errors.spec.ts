import test from 'ava';
import type { ExecutionContext } from 'ava';
import { RealClock } from '../../actors/kernel/clock';
import { CcxtVenue } from '../../actors/venues/ccxt-venue';
import { VenueAuthenticationError } from '../../actors/venues/ccxt-venue-errors';
import type { BinanceEmulatorOptions } from '../../actors/venues/binance-emulator';
import {
  OrderNotFoundError,
  OrderRejectedError,
  VenueRateLimitError,
  VenueTimeoutError,
  VenueUnavailableError,
} from '../../actors/venues/sim-venue-errors';
import { startBinance } from '../helpers/binance-client';

async function start(t: ExecutionContext, options: BinanceEmulatorOptions = {}, secret?: string) {
  const { emulator, url } = await startBinance(t, options);
  const venue = new CcxtVenue({
    exchangeId: 'binance',
    apiKey: emulator.credentials.apiKey,
    secret: secret ?? emulator.credentials.apiSecret,
    urls: { public: `${url}/api/v3`, private: `${url}/api/v3` },
    enableRateLimit: false,
    clock: new RealClock(),
  });
  return { emulator, venue };
}

const BUY = { symbol: 'BTCUSDT', side: 'buy', type: 'limit', qty: 0.01, price: 50_000 } as const;

test('a wrong secret is a VenueAuthenticationError and places nothing', async (t) => {
  const { venue, emulator } = await start(t, {}, 'not-the-secret');
  const error = await t.throwsAsync(() => venue.submit({ ...BUY, clientOrderId: 'w-1' }), {
    instanceOf: VenueAuthenticationError,
  });
  t.like(error, { op: 'submit', outcomeUnknown: false });
  t.regex(String(error?.message), /-1022/);
  await t.throwsAsync(() => venue.balances(), { instanceOf: VenueAuthenticationError });
  t.deepEqual(emulator.venue.ledger().orders, []);
});

test('insufficient funds is OrderRejectedError INSUFFICIENT_BALANCE with our clientOrderId', async (t) => {
  const { venue } = await start(t);
  const error = await t.throwsAsync(
    () => venue.submit({ ...BUY, clientOrderId: 'big-1', qty: 2, price: 59_000 }),
    {
      instanceOf: OrderRejectedError,
    },
  );
  t.like(error, { reason: 'INSUFFICIENT_BALANCE', clientOrderId: 'big-1', outcomeUnknown: false });
});

test('an unknown order is OrderNotFoundError for order and cancel', async (t) => {
  const { venue } = await start(t);
  const queried = await t.throwsAsync(() => venue.order({ symbol: 'BTCUSDT', venueOrderId: '999' }), {
    instanceOf: OrderNotFoundError,
  });
  t.like(queried, { op: 'query', ref: { symbol: 'BTCUSDT', venueOrderId: '999' } });
  await t.throwsAsync(() => venue.cancel({ symbol: 'BTCUSDT', venueOrderId: '999' }), {
    instanceOf: OrderNotFoundError,
  });
  await t.throwsAsync(() => venue.cancel({ symbol: 'BTCUSDT', clientOrderId: 'nope' }), {
    instanceOf: OrderNotFoundError,
  });
});

test('a 429 is VenueRateLimitError with the Retry-After of the response', async (t) => {
  const { venue, emulator } = await start(t);
  emulator.venue.faults.set({ kind: 'rateLimit', ops: ['submit'], retryAfterMs: 2_500 });
  const error = await t.throwsAsync(() => venue.submit({ ...BUY, clientOrderId: 'rl-1' }), {
    instanceOf: VenueRateLimitError,
  });
  // Binance sends Retry-After in whole seconds: 2.5 s is announced as 3.
  t.like(error, { status: 429, retryAfterMs: 3_000, outcomeUnknown: false });
  t.deepEqual(emulator.venue.ledger().orders, []);
});

test('a 418 ban is VenueRateLimitError with status 418', async (t) => {
  const { venue, emulator } = await start(t);
  emulator.venue.faults.set({ kind: 'ban', ops: ['balances'], retryAfterMs: 60_000 });
  const error = await t.throwsAsync(() => venue.balances(), { instanceOf: VenueRateLimitError });
  t.like(error, { status: 418, retryAfterMs: 60_000 });
});

test('a 5xx is VenueUnavailableError with its status; unknown outcome on a submit', async (t) => {
  const { venue, emulator } = await start(t);
  emulator.venue.faults.set({ kind: 'unavailable', ops: ['balances'], status: 502 });
  t.like(await t.throwsAsync(() => venue.balances(), { instanceOf: VenueUnavailableError }), {
    status: 502,
    outcomeUnknown: false,
  });
  emulator.venue.faults.set({ kind: 'unavailable', ops: ['submit'], status: 503 });
  t.like(
    await t.throwsAsync(() => venue.submit({ ...BUY, clientOrderId: 'u-1' }), {
      instanceOf: VenueUnavailableError,
    }),
    { status: 503, outcomeUnknown: true },
  );
});

test('a timeout after acceptance is VenueTimeoutError outcomeUnknown and the order is found by clientOrderId', async (t) => {
  const { venue, emulator } = await start(t, { venue: { timeoutMs: 200 } });
  emulator.venue.faults.set({ kind: 'timeoutAfterAccept', ops: ['submit'] });
  const error = await t.throwsAsync(() => venue.submit({ ...BUY, clientOrderId: 'ghost-1' }), {
    instanceOf: VenueTimeoutError,
  });
  t.like(error, { op: 'submit', outcomeUnknown: true });
  emulator.venue.faults.clear();
  t.like(await venue.order({ clientOrderId: 'ghost-1' }), { status: 'open', symbol: 'BTCUSDT' });
  t.is(emulator.venue.ledger().orders.length, 1, 'one order, never re-sent');
});

test('requests off the instrument grid or for unknown symbols are refused before sending', async (t) => {
  const { venue, emulator } = await start(t);
  const cases = [
    [{ ...BUY, clientOrderId: 'g-1', price: 50_000.001 }, 'PRICE_NOT_MULTIPLE_OF_TICK'],
    [{ ...BUY, clientOrderId: 'g-2', qty: 0.000001 }, 'QUANTITY_NOT_MULTIPLE_OF_LOT'],
    [{ ...BUY, clientOrderId: 'g-3', symbol: 'XYZUSDT' }, 'UNKNOWN_SYMBOL'],
    [{ ...BUY, clientOrderId: 'g-4', qty: Number.NaN }, 'INVALID_QUANTITY'],
    [{ ...BUY, clientOrderId: 'g-5', type: 'market' }, 'PRICE_NOT_ALLOWED'],
  ] as const;
  for (const [request, reason] of cases) {
    const error = await t.throwsAsync(() => venue.submit(request), { instanceOf: OrderRejectedError });
    t.is(error?.reason, reason);
  }
  t.deepEqual(emulator.venue.ledger().orders, []);
  t.deepEqual(emulator.venue.ledger().rejections, [], 'nothing reached the venue');
});
