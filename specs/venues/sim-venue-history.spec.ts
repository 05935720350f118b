import test from 'ava';
import type { OrderRequest } from '../../actors/trading/types';
import { OrderNotFoundError, OrderRejectedError } from '../../actors/venues/sim-venue-errors';
import { parseSimVenueConfig } from '../../actors/venues/sim-venue.config';
import { releasedCount } from '../helpers/released';
import { setup } from './sim-fixture';

const restingBuy = (clientOrderId: string): OrderRequest => ({
  clientOrderId,
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'limit',
  qty: 0.001,
  price: 50_000,
});

const marketBuy = (clientOrderId: string): OrderRequest => ({
  clientOrderId,
  symbol: 'BTCUSDT',
  side: 'buy',
  type: 'market',
  qty: 0.0001,
});

test('issue 5: the venue keeps the newest terminalOrders ended orders, every open one, and forgets the rest', (t) => {
  const { venue } = setup({ history: { terminalOrders: 5, fills: 100, rejections: 100 } });
  const { engine } = venue;
  for (let i = 1; i <= 12; i++) {
    engine.submit(restingBuy(`c${i}`));
    engine.cancel({ clientOrderId: `c${i}` });
  }
  for (let i = 1; i <= 8; i++) engine.submit(restingBuy(`open${i}`));
  const kept = engine.ledger().orders.map((o) => o.clientOrderId);
  t.deepEqual(kept, ['c8', 'c9', 'c10', 'c11', 'c12', ...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `open${i}`)]);
  t.deepEqual(engine.keptClientOrderIds(), kept, 'the cheap list names the same orders, in the same order');
  t.deepEqual(engine.historyCounts(), {
    kept: { orders: 13, fills: 0, rejections: 0 },
    taken: { orders: 20, fills: 0, rejections: 0 },
  });
  t.is(engine.find({ clientOrderId: 'c7' }), undefined, 'a forgotten order is unknown, as an archived one');
  t.throws(() => engine.order({ venueOrderId: '1' }), { instanceOf: OrderNotFoundError });
  t.like(engine.order({ clientOrderId: 'c8' }), { status: 'cancelled' });
  t.is(engine.openOrders().length, 8);
});

test('issue 5: forgetting an old order keeps a newer order of the same client order id', (t) => {
  const { venue } = setup({ history: { terminalOrders: 2, fills: 100, rejections: 100 } });
  const { engine } = venue;
  engine.submit(restingBuy('same'));
  engine.cancel({ clientOrderId: 'same' });
  // The id is free again once its order ended, as on Binance; this newer order now answers for it.
  const newer = engine.submit(restingBuy('same'));
  engine.cancel({ clientOrderId: 'same' });
  engine.submit(restingBuy('x'));
  engine.cancel({ clientOrderId: 'x' });
  t.is(engine.ledger().orders.length, 2);
  t.like(engine.find({ clientOrderId: 'same' }), { venueOrderId: newer.venueOrderId, status: 'cancelled' });
});

test('issue 5: fills and refused submits are kept up to their caps, newest last, with counts of all taken', (t) => {
  const { venue, btc } = setup({ history: { terminalOrders: 100, fills: 4, rejections: 3 } });
  const { engine } = venue;
  for (let i = 1; i <= 10; i++) {
    btc([[59_999, 1]], [[60_001, 1]]);
    engine.submit(marketBuy(`m${i}`));
  }
  for (let i = 1; i <= 7; i++)
    t.throws(() => engine.submit({ ...restingBuy(`big${i}`), qty: 100 }), { instanceOf: OrderRejectedError });
  const ledger = engine.ledger();
  t.deepEqual(
    ledger.fills.map((f) => f.clientOrderId),
    ['m7', 'm8', 'm9', 'm10'],
  );
  t.deepEqual(
    ledger.rejections.map((r) => r.clientOrderId),
    ['big5', 'big6', 'big7'],
  );
  t.deepEqual(
    engine.trades('BTCUSDT').map((f) => f.clientOrderId),
    ['m7', 'm8', 'm9', 'm10'],
  );
  t.deepEqual(engine.historyCounts().taken, { orders: 10, fills: 10, rejections: 7 });
});

test('issue 5: with the default caps, 25 000 ended orders leave at most 20 000 in the venue', (t) => {
  const { venue } = setup();
  const { engine } = venue;
  for (let i = 1; i <= 25_000; i++) {
    engine.submit(restingBuy(`o${i}`));
    engine.cancel({ clientOrderId: `o${i}` });
  }
  const { kept, taken } = engine.historyCounts();
  t.is(taken.orders, 25_000);
  t.is(kept.orders, 20_000);
  t.is(engine.ledger().orders[0]?.clientOrderId, 'o5001');
});

test('issue 5: a forgotten fill is freed at once, not when the log is next compacted', async (t) => {
  const { venue, btc } = setup({ history: { terminalOrders: 10, fills: 10, rejections: 10 } });
  const { engine } = venue;
  const buy = (i: number): void => {
    btc([[59_999, 1]], [[60_001, 1]]);
    engine.submit(marketBuy(`m${i}`));
  };
  for (let i = 1; i <= 10; i++) buy(i);
  // The fills the ledger hands out are the ones it keeps; no strong reference stays here.
  const refs = engine.ledger().fills.map((f) => new WeakRef(f));
  for (let i = 11; i <= 15; i++) buy(i);
  t.is(await releasedCount(refs.slice(0, 5)), 5, 'the five oldest fills are freed');
  t.is(await releasedCount(refs.slice(5)), 0, 'the five newest kept fills are not');
  t.is(engine.ledger().fills.length, 10);
  t.is(engine.historyCounts().kept.orders, 10);
});

test('history caps must be positive whole numbers', (t) => {
  t.deepEqual(parseSimVenueConfig({}).history, { terminalOrders: 20_000, fills: 20_000, rejections: 2_000 });
  t.throws(() => parseSimVenueConfig({ history: { terminalOrders: 0 } }), {
    message: /history\.terminalOrders/,
  });
  t.throws(() => parseSimVenueConfig({ history: { fills: 1.5 } }), { message: /history\.fills/ });
});
