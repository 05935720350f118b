import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { Rng } from '../../actors/kernel/rng';
import type { Fill, VenueOrder } from '../../actors/trading/types';
import { MarketSim } from '../../actors/venues/market-sim';
import { SimVenue } from '../../actors/venues/sim-venue';
import { OrderRejectedError } from '../../actors/venues/sim-venue-errors';
import { setup } from './sim-fixture';

/** Amount → integer 1e-8 atoms, computed here independently of the venue. */
const atoms = (x: number): bigint => BigInt(Math.round(x * 1e8));
/** price × qty in atoms; exact when price and qty are on their grids. */
const notional = (price: number, qty: number): bigint => {
  const product = atoms(price) * atoms(qty);
  if (product % 100_000_000n !== 0n) throw new Error(`notional ${price} × ${qty} is not whole atoms`);
  return product / 100_000_000n;
};

test('a taker pays the taker fee and a maker the maker fee, in the asset received', async (t) => {
  const { venue, run, btc } = setup();
  await run(venue.submit({ clientOrderId: 't', symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.5 }));
  await run(
    venue.submit({
      clientOrderId: 'm',
      symbol: 'BTCUSDT',
      side: 'sell',
      type: 'limit',
      qty: 0.5,
      price: 60_010,
    }),
  );
  btc([[60_012, 1]], [[60_020, 1]]);
  const [taker, maker] = venue.ledger().fills as [Fill, Fill];
  t.like(taker, { liquidity: 'taker', feeAsset: 'BTC', fee: 0.001, price: 60_001, qty: 0.5 });
  t.like(maker, { liquidity: 'maker', feeAsset: 'USDT', fee: 30.005, price: 60_010, qty: 0.5 });
  const balances = await run(venue.balances());
  t.deepEqual(balances.BTC, { free: 2 + 0.5 - 0.001 - 0.5, locked: 0 });
  t.deepEqual(balances.USDT, { free: 100_000 - 30_000.5 + 30_005 - 30.005, locked: 0 });
});

test('a limit order locks its cost, a fill spends from the lock and cancel unlocks the rest', async (t) => {
  const { venue, run, btc } = setup();
  await run(
    venue.submit({
      clientOrderId: 'b',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: 1,
      price: 59_000,
    }),
  );
  t.deepEqual((await run(venue.balances())).USDT, { free: 41_000, locked: 59_000 });
  btc([[58_000, 1]], [[58_900, 0.25]]);
  t.deepEqual((await run(venue.balances())).USDT, { free: 41_000, locked: 44_250 });
  t.deepEqual((await run(venue.balances())).BTC, { free: 2.25 - 0.00025, locked: 0 });
  await run(venue.cancel({ clientOrderId: 'b' }));
  t.deepEqual((await run(venue.balances())).USDT, { free: 85_250, locked: 0 });
});

test('a taker buy at a better price than its limit gets the difference back', async (t) => {
  const { venue, run } = setup();
  const order = await run(
    venue.submit({
      clientOrderId: 'x',
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'limit',
      qty: 1,
      price: 60_500,
    }),
  );
  t.is(order.status, 'filled');
  t.deepEqual((await run(venue.balances())).USDT, { free: 100_000 - 60_001, locked: 0 });
});

test('insufficient balance is refused with a reason and changes nothing', async (t) => {
  const { venue, run } = setup({ balances: { USDT: 1_000, BTC: 0.01 } });
  const before = venue.engine.balances();
  for (const request of [
    { clientOrderId: 'lb', side: 'buy', type: 'limit', qty: 0.1, price: 59_000 },
    { clientOrderId: 'ls', side: 'sell', type: 'limit', qty: 0.02, price: 61_000 },
    { clientOrderId: 'mb', side: 'buy', type: 'market', qty: 0.1 },
    { clientOrderId: 'ms', side: 'sell', type: 'market', qty: 0.02 },
  ] as const) {
    const error = await t.throwsAsync(run(venue.submit({ symbol: 'BTCUSDT', ...request })), {
      instanceOf: OrderRejectedError,
    });
    t.is(error.reason, 'INSUFFICIENT_BALANCE');
    t.regex(error.detail, /needs .* free/);
  }
  t.deepEqual(venue.engine.balances(), before);
  t.deepEqual(venue.ledger().orders, []);
  t.is(venue.ledger().rejections.length, 4);
});

test('over a seeded trading session every balance change is exactly explained by fills and fees', async (t) => {
  const clock = new VirtualClock();
  const rng = new Rng(77);
  const sim = new MarketSim({ rng, start: clock.now(), config: { refreshMs: 250 } });
  sim.setRegime('volatile');
  const fees = { maker: 0.0002, taker: 0.00075 };
  const initial = { USDT: 50_000, BTC: 0.5, ETH: 8, SOL: 120 };
  const venue = new SimVenue({ clock, rng, market: sim, config: { fees, balances: initial } });
  const stop = sim.start(clock);
  const orders = rng.stream('spec/orders');
  const pending: Promise<unknown>[] = [];
  let rejected = 0;
  for (let i = 0; i < 600; i++) {
    const instrument = orders.pick(sim.instruments());
    const mid = sim.mid(instrument.symbol) as number;
    const side = orders.chance(0.5) ? 'buy' : 'sell';
    const lots = orders.int(1, 2_000);
    const qty = Number((lots * instrument.lotSize * (instrument.symbol === 'BTCUSDT' ? 1 : 10)).toFixed(8));
    const offsetTicks = orders.int(-20, 60) * (side === 'buy' ? -1 : 1);
    const price = Number(
      (Math.round(mid / instrument.tickSize + offsetTicks) * instrument.tickSize).toFixed(2),
    );
    const type = orders.chance(0.3) ? 'market' : 'limit';
    // Now and then a malformed request (a market order with a price, a limit order without).
    const priced = orders.chance(0.03) ? type === 'market' : type === 'limit';
    const open = venue.engine.openOrders();
    const request =
      open.length > 0 && orders.chance(0.2)
        ? venue.cancel({ venueOrderId: orders.pick(open).venueOrderId })
        : venue.submit({
            clientOrderId: `o-${i}`,
            symbol: instrument.symbol,
            side,
            type,
            qty,
            ...(priced ? { price } : {}),
          });
    pending.push(
      request.catch((e: unknown) => (e instanceof OrderRejectedError ? rejected++ : Promise.reject(e))),
    );
    await clock.advance(orders.int(50, 1_500));
  }
  await clock.advance(5_000);
  stop();
  await Promise.all(pending);
  const ledger = venue.ledger();
  const makers = ledger.fills.filter((f) => f.liquidity === 'maker').length;
  t.log(
    `${ledger.fills.length} fills (${makers} maker), ${ledger.orders.length} orders, ${rejected} rejected`,
  );
  t.true(ledger.fills.length > 100 && makers > 20, `${ledger.fills.length} fills, ${makers} maker`);
  t.true(rejected > 0 && ledger.orders.length > 300, `${rejected} rejected, ${ledger.orders.length} orders`);

  const expected = new Map(Object.entries(initial).map(([asset, amount]) => [asset, atoms(amount)]));
  const add = (asset: string, delta: bigint) => expected.set(asset, (expected.get(asset) ?? 0n) + delta);
  for (const fill of ledger.fills) {
    const instrument = sim.instrument(fill.symbol);
    if (instrument === undefined) return t.fail();
    const rate = BigInt(Math.round(fees[fill.liquidity] * 1e8));
    const received = fill.side === 'buy' ? atoms(fill.qty) : notional(fill.price, fill.qty);
    t.is(atoms(fill.fee), (received * rate + 50_000_000n) / 100_000_000n, `fee of fill ${fill.fillId}`);
    t.is(fill.feeAsset, fill.side === 'buy' ? instrument.base : instrument.quote);
    const sign = fill.side === 'buy' ? 1n : -1n;
    add(instrument.base, sign * atoms(fill.qty) - (fill.side === 'buy' ? atoms(fill.fee) : 0n));
    add(
      instrument.quote,
      -sign * notional(fill.price, fill.qty) - (fill.side === 'sell' ? atoms(fill.fee) : 0n),
    );
  }
  const locked = new Map<string, bigint>();
  for (const o of ledger.orders.filter(
    (o: VenueOrder) => o.status === 'open' || o.status === 'partially_filled',
  )) {
    const instrument = sim.instrument(o.symbol);
    if (instrument === undefined || o.price === null) return t.fail();
    const rest = Number((o.qty - o.filledQty).toFixed(8));
    const asset = o.side === 'buy' ? instrument.quote : instrument.base;
    locked.set(asset, (locked.get(asset) ?? 0n) + (o.side === 'buy' ? notional(o.price, rest) : atoms(rest)));
  }
  const balances = venue.engine.balances();
  for (const [asset, total] of expected) {
    const b = balances[asset];
    if (b === undefined) return t.fail(asset);
    t.is(atoms(b.free) + atoms(b.locked), total, `${asset} total`);
    t.is(atoms(b.locked), locked.get(asset) ?? 0n, `${asset} locked`);
    t.true(b.free >= 0 && b.locked >= 0);
  }
  for (const o of ledger.orders) {
    const filled = ledger.fills.filter((f) => f.venueOrderId === o.venueOrderId);
    t.is(
      atoms(o.filledQty),
      filled.reduce((s, f) => s + atoms(f.qty), 0n),
      `order ${o.venueOrderId} filled`,
    );
  }
});
