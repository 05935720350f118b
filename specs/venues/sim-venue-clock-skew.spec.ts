import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import type { OrderRequest } from '../../actors/trading/types';
import { OrderRejectedError } from '../../actors/venues/sim-venue-errors';
import { setup } from './sim-fixture';

const buy = (clientOrderId: string, price: number, qty = 0.01): OrderRequest => ({
  clientOrderId,
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'limit',
  qty,
  price,
});

test('a skewed venue clock shifts every time the venue stamps: orders, fills, refusals, server time', async (t) => {
  const { venue, clock, run } = setup();
  const skew = venue.faults.set({ kind: 'clockSkew', ms: 5_000 });
  const arrival = clock.now() + 1;
  const taken = await run(venue.submit(buy('taker', 60_001)));
  t.like(taken, { status: 'filled', createdAt: arrival + 5_000, updatedAt: arrival + 5_000 });
  t.is((await run(venue.myTrades('BTCUSDT')))[0]?.t, arrival + 5_000);
  t.is(await run(venue.time()), clock.now() - 10 + 1 + 5_000);
  await t.throwsAsync(run(venue.submit(buy('bad', 60_000, 0.000001))), { instanceOf: OrderRejectedError });
  t.is(venue.ledger().rejections[0]?.t, clock.now() - 10 + 1 + 5_000);
  venue.faults.remove(skew);
  t.is(await run(venue.time()), clock.now() - 10 + 1, 'the clocks agree again once it is removed');
});

test('a venue clock behind ours stamps a resting order and its later maker fill in the past', async (t) => {
  const { venue, clock, run, btc } = setup();
  venue.faults.set({ kind: 'clockSkew', ms: -2_000 });
  const rest = await run(venue.submit(buy('rest', 60_000)));
  t.is(rest.createdAt, clock.now() - 10 + 1 - 2_000);
  await clock.advance(1_000);
  btc([[59_980, 1]], [[59_990, 1]]);
  const fill = (await run(venue.myTrades('BTCUSDT')))[0];
  t.is(fill?.t, clock.now() - 10 - 2_000);
  t.like(await run(venue.order({ clientOrderId: 'rest' })), {
    status: 'filled',
    createdAt: rest.createdAt,
    updatedAt: fill?.t,
  });
});

test('skews in force add up, and each is lifted on its own', async (t) => {
  const { venue, clock } = setup();
  const ahead = venue.faults.set({ kind: 'clockSkew', ms: 5_000 });
  venue.faults.set({ kind: 'clockSkew', ms: -2_000 });
  t.is(venue.faults.clockSkewMs(), 3_000);
  t.is(venue.now(), clock.now() + 3_000);
  venue.faults.remove(ahead);
  t.is(venue.now(), clock.now() - 2_000);
});

test('a skew with bad parameters is refused naming the field, and sets nothing', (t) => {
  const { venue } = setup();
  const zero = t.throws(() => venue.faults.set({ kind: 'clockSkew', ms: 0 }), { instanceOf: ConfigError });
  t.true(
    zero.issues.some((i) => i.startsWith('ms:')),
    zero.message,
  );
  const fraction = t.throws(() => venue.faults.set({ kind: 'clockSkew', ms: 1.5 }), {
    instanceOf: ConfigError,
  });
  t.true(
    fraction.issues.some((i) => i.startsWith('ms:')),
    fraction.message,
  );
  const scoped = t.throws(
    () => venue.faults.set({ kind: 'clockSkew', ms: 5, symbols: ['BTCUSDT'] } as never),
    { instanceOf: ConfigError },
  );
  t.true(scoped.message.includes('symbols'), scoped.message);
  t.deepEqual(venue.faults.active(), []);
});
