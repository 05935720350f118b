import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import type { Fill, OrderRequest } from '../../actors/trading/types';
import { pieceLots } from '../../actors/venues/sim-venue-liquidity';
import { setup } from './sim-fixture';

const market = (clientOrderId: string, side: 'buy' | 'sell', qty: number): OrderRequest => ({
  clientOrderId,
  symbol: 'BTCUSDT',
  side,
  type: 'market',
  qty,
});

const limit = (clientOrderId: string, side: 'buy' | 'sell', qty: number, price: number): OrderRequest => ({
  clientOrderId,
  symbol: 'BTCUSDT',
  side,
  type: 'limit',
  qty,
  price,
});

/** Sums decimals exactly, at the venue's 10⁻⁸ precision. */
const atoms = (values: readonly number[]): number => values.reduce((sum, v) => sum + Math.round(v * 1e8), 0);

test('a piece is 1/pieces of the order rounded up to a lot; one piece or less fills whole', (t) => {
  t.is(pieceLots(100, 10), 10);
  t.is(pieceLots(105, 10), 11);
  t.is(pieceLots(3, 10), 1);
  t.is(pieceLots(100, 1), Number.POSITIVE_INFINITY);
});

test('during a storm a taker order fills at once in many pieces, each with its own id and fee', async (t) => {
  const { venue, run } = setup({ balances: { USDT: 100_000, BTC: 0 } });
  venue.faults.set({ kind: 'partialFills', pieces: 10 });
  const order = await run(venue.submit(market('storm', 'buy', 0.01)));
  t.like(order, { status: 'filled', filledQty: 0.01, avgFillPrice: 60_001 });
  const fills = await run(venue.myTrades('BTCUSDT'));
  t.is(fills.length, 10);
  t.is(new Set(fills.map((f) => f.fillId)).size, 10, 'every piece is its own fill');
  for (const fill of fills) t.like(fill, { qty: 0.001, price: 60_001, liquidity: 'taker', fee: 0.000002 });
  // Exact to the atom: what was paid is what the fills cost; what was received is what they gave net of fees.
  const balances = await run(venue.balances());
  t.is(atoms([100_000 - balances.USDT!.free]), atoms(fills.map((f) => f.price * f.qty)));
  t.is(atoms([balances.BTC!.free]), atoms(fills.map((f) => f.qty)) - atoms(fills.map((f) => f.fee)));
});

test('a storm splits a sweep through several levels too, and the whole order still fills', async (t) => {
  const { venue, run } = setup({ balances: { USDT: 1_000_000, BTC: 0 } });
  venue.faults.set({ kind: 'partialFills', pieces: 4 });
  const order = await run(venue.submit(limit('sweep', 'buy', 1.5, 60_002)));
  t.like(order, { status: 'filled', filledQty: 1.5 });
  t.true(Math.abs((order.avgFillPrice ?? 0) - (60_001 + 0.5 * 60_002) / 1.5) < 1e-6);
  const fills = await run(venue.myTrades('BTCUSDT'));
  t.deepEqual(
    fills.map((f) => [f.price, f.qty]),
    [
      [60_001, 0.375],
      [60_001, 0.375],
      [60_001, 0.25],
      [60_002, 0.375],
      [60_002, 0.125],
    ],
  );
  t.deepEqual((await run(venue.balances())).USDT, {
    free: 1_000_000 - 60_001 - 0.5 * 60_002,
    locked: 0,
  });
});

test('during a storm a resting order fills one piece per book update, as maker, until it is done', async (t) => {
  const { venue, run, btc } = setup({ balances: { USDT: 100_000, BTC: 0 } });
  await run(venue.submit(limit('rest', 'buy', 0.01, 60_000)));
  venue.faults.set({ kind: 'partialFills', pieces: 5 });
  const through = (): void => void btc([[59_980, 1]], [[59_990, 1]]);
  const seen: number[] = [];
  for (let i = 0; i < 5; i++) {
    through();
    seen.push((await run(venue.order({ clientOrderId: 'rest' }))).filledQty);
  }
  t.deepEqual(seen, [0.002, 0.004, 0.006, 0.008, 0.01]);
  const fills: Fill[] = await run(venue.myTrades('BTCUSDT'));
  t.is(fills.length, 5);
  for (const fill of fills) t.like(fill, { qty: 0.002, price: 60_000, liquidity: 'maker' });
  t.like(await run(venue.order({ clientOrderId: 'rest' })), { status: 'filled' });
  // The lock is spent to the atom: nothing stays locked once the order is done.
  t.deepEqual((await run(venue.balances())).USDT, { free: 100_000 - 600, locked: 0 });
});

test('once the storm is removed an order fills whole again; a storm on one symbol spares another', async (t) => {
  const { venue, run } = setup({ balances: { USDT: 100_000, BTC: 0 } });
  const storm = venue.faults.set({ kind: 'partialFills', pieces: 10, symbols: ['ETHUSDT'] });
  await run(venue.submit(market('btc', 'buy', 0.01)));
  t.is((await run(venue.myTrades('BTCUSDT'))).length, 1, 'BTC is not in the storm');
  venue.faults.remove(storm);
  venue.faults.set({ kind: 'partialFills', pieces: 10, clientOrderId: 'other' });
  await run(venue.submit(market('after', 'buy', 0.01)));
  t.is((await run(venue.myTrades('BTCUSDT'))).length, 2, 'a storm on another order spares this one');
});

test('a storm with bad parameters is refused naming the field, and sets nothing', (t) => {
  const { venue } = setup();
  const few = t.throws(() => venue.faults.set({ kind: 'partialFills', pieces: 1 }), {
    instanceOf: ConfigError,
  });
  t.true(
    few.issues.some((i) => i.startsWith('pieces:')),
    few.message,
  );
  const counted = t.throws(() => venue.faults.set({ kind: 'partialFills', pieces: 5, count: 3 } as never), {
    instanceOf: ConfigError,
  });
  t.true(counted.message.includes('count'), counted.message);
  t.deepEqual(venue.faults.active(), []);
});
