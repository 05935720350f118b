import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import type { OrderRequest } from '../../actors/trading/types';
import {
  OrderNotFoundError,
  OrderRejectedError,
  VenueRateLimitError,
  VenueTimeoutError,
  VenueUnavailableError,
} from '../../actors/venues/sim-venue-errors';
import { setup } from './sim-fixture';

const order = (clientOrderId: string, price = 59_000): OrderRequest => ({
  clientOrderId,
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'limit',
  qty: 0.01,
  price,
});

const placed = (ledger: { orders: readonly { clientOrderId: string }[] }, id: string): boolean =>
  ledger.orders.some((o) => o.clientOrderId === id);

test('answers arrive after the seeded latency on the virtual clock, the same for the same seed', async (t) => {
  const timings = async (seed: number): Promise<number[]> => {
    const { venue, clock } = setup({ latency: { baseMs: 20, jitterMeanMs: 30 } }, seed);
    const t0 = clock.now();
    const arrivals: number[] = [];
    const served: number[] = [];
    const calls = Array.from({ length: 20 }, () =>
      venue.time().then((venueTime) => {
        served.push(venueTime - t0);
        arrivals.push(clock.now() - t0);
      }),
    );
    await clock.advance(39);
    t.is(arrivals.length, 0, 'nothing answers before two base legs');
    await clock.advance(5_000);
    await Promise.all(calls);
    t.true(served.every((s) => s >= 20));
    t.true(arrivals.every((a) => a >= 40));
    t.true(new Set(arrivals).size > 10, 'latencies vary');
    return arrivals;
  };
  const a = await timings(5);
  t.deepEqual(await timings(5), a);
  t.notDeepEqual(await timings(6), a);
});

test('a delay fault makes the venue process the request that much later', async (t) => {
  const { venue, clock, run } = setup();
  venue.faults.set({ kind: 'delay', ms: 500, ops: ['submit'] });
  const t0 = clock.now();
  const answer = venue.submit(order('slow'));
  await clock.advance(400);
  t.false(placed(venue.ledger(), 'slow'));
  t.is((await run(answer, 200)).createdAt, t0 + 501);
  t.is((await run(venue.submit(order('fast')))).createdAt, clock.now() - 10 + 1);
});

test('a reject fault refuses a submit with its reason, records it and places nothing', async (t) => {
  const { venue, run } = setup();
  venue.faults.set({ kind: 'reject', reason: 'INSUFFICIENT_BALANCE' });
  const error = await t.throwsAsync(run(venue.submit(order('r'))), { instanceOf: OrderRejectedError });
  t.is(error.reason, 'INSUFFICIENT_BALANCE');
  t.like(venue.ledger(), {
    orders: [],
    rejections: [{ clientOrderId: 'r', reason: 'INSUFFICIENT_BALANCE' }],
  });
  t.is((await run(venue.submit(order('r')))).status, 'open');
});

test('a rate limit answers 429 with retry-after for its count of requests, then the venue serves again', async (t) => {
  const { venue, run } = setup();
  venue.faults.set({ kind: 'rateLimit', retryAfterMs: 2_000, count: 2 });
  for (let i = 0; i < 2; i++) {
    const error = await t.throwsAsync(run(venue.balances()), { instanceOf: VenueRateLimitError });
    t.like(error, { status: 429, retryAfterMs: 2_000, outcomeUnknown: false });
  }
  t.truthy((await run(venue.balances())).USDT);
  t.deepEqual(venue.faults.active(), []);
});

test('a ban answers 418 to every request until its retry-after has passed', async (t) => {
  const { venue, run, clock } = setup();
  venue.faults.set({ kind: 'ban', retryAfterMs: 60_000 });
  const first = await t.throwsAsync(run(venue.submit(order('b'))), { instanceOf: VenueRateLimitError });
  t.like(first, { status: 418, retryAfterMs: 60_000 });
  await clock.advance(30_000);
  const later = await t.throwsAsync(run(venue.time()), { instanceOf: VenueRateLimitError });
  t.is(later.status, 418);
  t.true(later.retryAfterMs <= 30_000 - 10 + 1 && later.retryAfterMs > 29_000);
  t.false(placed(venue.ledger(), 'b'));
  await clock.advance(30_000);
  t.is((await run(venue.submit(order('b')))).status, 'open');
});

test('a 5xx fails a request unexecuted; after acceptance the request is executed and still fails', async (t) => {
  const { venue, run } = setup();
  venue.faults.set({ kind: 'unavailable', status: 502 });
  const lost = await t.throwsAsync(run(venue.submit(order('u1'))), { instanceOf: VenueUnavailableError });
  t.like(lost, { status: 502, outcomeUnknown: true });
  t.false(placed(venue.ledger(), 'u1'));
  venue.faults.set({ kind: 'unavailable', afterAccept: true, ops: ['submit'] });
  const unknown = await t.throwsAsync(run(venue.submit(order('u2'))), { instanceOf: VenueUnavailableError });
  t.is(unknown.status, 503);
  t.true(placed(venue.ledger(), 'u2'));
  venue.faults.set({ kind: 'unavailable', ops: ['book'] });
  t.false(
    (await t.throwsAsync(run(venue.book('BTCUSDT')), { instanceOf: VenueUnavailableError })).outcomeUnknown,
  );
});

test('a timeout loses the request: nothing is placed and the caller hears after timeoutMs', async (t) => {
  const { venue, clock } = setup({ timeoutMs: 5_000 });
  venue.faults.set({ kind: 'timeout', ops: ['submit'] });
  const t0 = clock.now();
  let at = 0;
  let error: unknown;
  void venue.submit(order('lost')).catch((e: unknown) => {
    at = clock.now();
    error = e;
  });
  await clock.advance(4_999);
  t.is(at, 0, 'no answer before the timeout');
  await clock.advance(1);
  t.true(error instanceof VenueTimeoutError);
  t.is(at, t0 + 5_000);
  t.false(placed(venue.ledger(), 'lost'));
});

test('timeout after acceptance places the order while the caller gets an unknown outcome', async (t) => {
  const { venue, run } = setup();
  venue.faults.set({ kind: 'timeoutAfterAccept', count: 1, ops: ['submit'] });
  const error = await t.throwsAsync(run(venue.submit(order('ghost')), 20_000), {
    instanceOf: VenueTimeoutError,
  });
  t.like(error, { op: 'submit', timeoutMs: 10_000, outcomeUnknown: true });
  t.true(placed(venue.ledger(), 'ghost'));
  t.is((await run(venue.order({ clientOrderId: 'ghost' }))).status, 'open');
  t.deepEqual((await run(venue.balances())).USDT, { free: 99_410, locked: 590 });
  const resend = await t.throwsAsync(run(venue.submit(order('ghost'))), { instanceOf: OrderRejectedError });
  t.is(resend.reason, 'DUPLICATE_CLIENT_ORDER_ID');
});

test('a cancel whose answer is lost still cancels the order', async (t) => {
  const { venue, run } = setup();
  await run(venue.submit(order('c')));
  venue.faults.set({ kind: 'timeoutAfterAccept', ops: ['cancel'] });
  await t.throwsAsync(run(venue.cancel({ clientOrderId: 'c' }), 20_000), { instanceOf: VenueTimeoutError });
  t.is((await run(venue.order({ clientOrderId: 'c' }))).status, 'cancelled');
  t.deepEqual((await run(venue.balances())).USDT, { free: 100_000, locked: 0 });
});

test('"not found" is answered N times about an order that exists, then the order is found', async (t) => {
  const { venue, run } = setup();
  const target = await run(venue.submit(order('hidden')));
  await run(venue.submit(order('other')));
  venue.faults.set({ kind: 'notFound', count: 3, clientOrderId: 'hidden' });
  t.is((await run(venue.order({ clientOrderId: 'other' }))).clientOrderId, 'other');
  for (const ref of [
    { clientOrderId: 'hidden' },
    { venueOrderId: target.venueOrderId },
    { clientOrderId: 'hidden' },
  ])
    await t.throwsAsync(run(venue.order(ref)), { instanceOf: OrderNotFoundError });
  t.is((await run(venue.order({ clientOrderId: 'hidden' }))).venueOrderId, target.venueOrderId);
  t.deepEqual(
    venue.faults.fired().map((f) => [f.kind, f.op, f.clientOrderId]),
    Array.from({ length: 3 }, () => ['notFound', 'query', 'hidden']),
  );
});

test('"not found" on a cancel leaves the order open', async (t) => {
  const { venue, run } = setup();
  await run(venue.submit(order('x')));
  venue.faults.set({ kind: 'notFound', ops: ['cancel'] });
  await t.throwsAsync(run(venue.cancel({ clientOrderId: 'x' })), { instanceOf: OrderNotFoundError });
  t.is((await run(venue.order({ clientOrderId: 'x' }))).status, 'open');
});

test('a delay beyond the caller timeout times the caller out and still executes the request', async (t) => {
  const { venue, run, clock } = setup();
  venue.faults.set({ kind: 'delay', ms: 15_000, ops: ['submit'] });
  const t0 = clock.now();
  await t.throwsAsync(run(venue.submit(order('late')), 12_000), { instanceOf: VenueTimeoutError });
  t.false(placed(venue.ledger(), 'late'));
  await clock.advance(5_000);
  t.like(venue.ledger().orders[0], { clientOrderId: 'late', createdAt: t0 + 15_001 });
});

test('faults can be scoped to a symbol and hit with a seeded probability', async (t) => {
  const pattern = async (seed: number): Promise<boolean[]> => {
    const { venue, settle } = setup({}, seed);
    venue.faults.set({ kind: 'unavailable', probability: 0.3, count: 'unlimited', symbols: ['BTCUSDT'] });
    const hits: boolean[] = [];
    for (let i = 0; i < 60; i++) hits.push(!(await settle(venue.book('BTCUSDT'))).ok);
    t.true((await settle(venue.book('ETHUSDT'))).ok);
    t.true((await settle(venue.time())).ok);
    return hits;
  };
  const a = await pattern(1);
  const hits = a.filter(Boolean).length;
  t.true(hits > 8 && hits < 30, `${hits} of 60`);
  t.deepEqual(await pattern(1), a);
  t.notDeepEqual(await pattern(2), a);
});

test('a malformed fault is refused naming the field, and faults can be listed and removed', (t) => {
  const { venue } = setup();
  const error = t.throws(() => venue.faults.set({ kind: 'ban', retryAfterMs: -5 }), {
    instanceOf: ConfigError,
  });
  t.true(error.issues.some((i) => i.startsWith('retryAfterMs:')));
  t.throws(() => venue.faults.set({ kind: 'explode' } as never), { instanceOf: ConfigError });
  t.throws(() => venue.faults.set({ kind: 'delay', ms: 5, ops: ['withdraw' as never] }), {
    instanceOf: ConfigError,
  });
  const id = venue.faults.set({ kind: 'timeout' });
  venue.faults.set({ kind: 'notFound', count: 'unlimited' });
  t.deepEqual(
    venue.faults.active().map((f) => [f.fault.kind, f.remaining]),
    [
      ['timeout', 1],
      ['notFound', 'unlimited'],
    ],
  );
  t.true(venue.faults.remove(id));
  t.false(venue.faults.remove(id));
  venue.faults.clear();
  t.deepEqual(venue.faults.active(), []);
});

test('the ledger holds every order the venue executed and every fill, with their clientOrderIds', async (t) => {
  const { venue, settle, btc } = setup({ balances: { USDT: 1_000_000, BTC: 10 } });
  const expectPlaced = new Set<string>();
  const expectAbsent = new Set<string>();
  const faults = ['none', 'timeoutAfterAccept', 'timeout', 'acceptedThen503', 'rateLimit', 'none'] as const;
  for (let i = 0; i < 30; i++) {
    const id = `intent-${i}`;
    const kind = faults[i % faults.length];
    if (kind === 'timeoutAfterAccept') venue.faults.set({ kind, ops: ['submit'] });
    if (kind === 'timeout') venue.faults.set({ kind, ops: ['submit'] });
    if (kind === 'acceptedThen503')
      venue.faults.set({ kind: 'unavailable', afterAccept: true, ops: ['submit'] });
    if (kind === 'rateLimit') venue.faults.set({ kind, ops: ['submit'] });
    const side = i % 2 === 0 ? 'buy' : 'sell';
    await settle(
      venue.submit({ ...order(id, side === 'buy' ? 60_000 - i : 60_000 + i), side, qty: 0.1 }),
      11_000,
    );
    (kind === 'timeout' || kind === 'rateLimit' ? expectAbsent : expectPlaced).add(id);
    if (i % 5 === 4) btc([[60_020, 0.35]], [[59_980, 0.35]]);
  }
  const ledger = venue.ledger();
  t.deepEqual(new Set(ledger.orders.map((o) => o.clientOrderId)), expectPlaced);
  for (const id of expectAbsent) t.false(placed(ledger, id));
  t.true(ledger.fills.length > 5);
  for (const fill of ledger.fills) {
    const owner = ledger.orders.find((o) => o.venueOrderId === fill.venueOrderId);
    t.is(owner?.clientOrderId, fill.clientOrderId);
  }
  for (const o of ledger.orders) {
    const filled = ledger.fills
      .filter((f) => f.venueOrderId === o.venueOrderId)
      .reduce((s, f) => s + f.qty, 0);
    t.true(Math.abs(filled - o.filledQty) < 1e-9);
  }
  t.deepEqual(
    new Set(ledger.orders.map((o) => o.venueOrderId)).size,
    ledger.orders.length,
    'venue order ids are unique',
  );
});
