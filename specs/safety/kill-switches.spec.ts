import test from 'ava';
import { VirtualClock } from '../../actors/kernel/clock-virtual';
import { MemoryStore } from '../../actors/kernel/store-memory';
import { KILL_SWITCHES_KEY, KillSwitches } from '../../actors/safety/kill-switches';
import { OutageStore, StoreOutage } from '../../actors/sim/store-outage';
import { defaultTradingConfig } from '../../actors/trading/trading-config';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { simulatedTrading } from '../helpers/trading';
import type { SimulatedTrading } from '../helpers/trading';

const MINUTE = 60_000;

function venue(sim: SimulatedTrading): SimVenue {
  return sim.trading.services.venue('sim') as SimVenue;
}

/** Client order ids of an engine's orders, as stored. */
async function engineOrders(sim: SimulatedTrading, engine: string): Promise<Set<string>> {
  const orders = await sim.trading.services.store.orders({ engine, limit: 1_000_000 });
  return new Set(orders.map((o) => o.clientOrderId));
}

/** Orders the venue holds open for an engine. */
async function openAtVenue(sim: SimulatedTrading, engine: string): Promise<number> {
  const ours = await engineOrders(sim, engine);
  const open = venue(sim).engine.openOrders();
  return open.filter((o) => ours.has(o.clientOrderId)).length;
}

/** Orders of an engine the venue received after `t`. */
async function placedAfter(sim: SimVenue, ours: Set<string>, t: number): Promise<number> {
  return sim.ledger().orders.filter((o) => ours.has(o.clientOrderId) && o.createdAt > t).length;
}

test('the ladder only climbs, and a release is the only way down', async (t) => {
  const clock = new VirtualClock();
  const store = new MemoryStore({ instance: 'k' });
  const kills = await KillSwitches.load(store, clock);
  t.is(kills.restriction('maker', 'mm-btc'), 'ACTIVE');
  await kills.engage({ level: 'strategy', id: 'mm-btc' }, 'reduce', 'test', 'alice');
  t.is(kills.restriction('maker', 'mm-btc'), 'REDUCING');
  t.is(kills.restriction('maker', 'mm-eth'), 'ACTIVE', 'another strategy is not touched');
  await kills.engage({ level: 'strategy', id: 'mm-btc' }, 'cancel', 'test', 'alice');
  t.is(kills.restriction('maker', 'mm-btc'), 'HALTED');
  const lower = await kills.engage({ level: 'strategy', id: 'mm-btc' }, 'reduce', 'test', 'bob');
  t.is(lower.step, 'cancel', 'a lower step leaves the higher one');
  await kills.engage({ level: 'engine', id: 'maker' }, 'reduce', 'test', 'alice');
  t.is(kills.restriction('maker', 'mm-eth'), 'REDUCING');
  t.is(kills.restriction('trend', 'trend-btc'), 'ACTIVE');
  await kills.engage({ level: 'global', id: 'global' }, 'flatten', 'test', 'alice');
  t.is(kills.restriction('trend', 'trend-btc'), 'HALTED');
  await kills.release({ level: 'global', id: 'global' }, 'alice');
  t.is(kills.restriction('trend', 'trend-btc'), 'ACTIVE');
  t.is(kills.restriction('maker', 'mm-btc'), 'HALTED');
});

test('engaged kills are stored as one value and loaded again by a new process', async (t) => {
  const clock = new VirtualClock();
  const store = new MemoryStore({ instance: 'k' });
  const kills = await KillSwitches.load(store, clock);
  const changes: string[] = [];
  kills.onChange((c) => changes.push(`${c.type} ${c.record.scope.id} ${c.record.step}`));
  await kills.engage({ level: 'engine', id: 'maker' }, 'cancel', 'drawdown', 'breaker:dd');
  await kills.engage({ level: 'strategy', id: 'trend-btc' }, 'reduce', 'manual', 'alice');
  const stored = await store.getValue<{ kills: unknown[] }>(KILL_SWITCHES_KEY);
  t.is(stored?.kills.length, 2);
  const again = await KillSwitches.load(store, clock);
  t.deepEqual(again.list(), kills.list());
  t.is(again.restriction('maker', 'mm-btc'), 'HALTED');
  t.deepEqual(changes, ['engaged maker cancel', 'engaged trend-btc reduce']);
});

test('a kill engaged while the store is down holds at once and is stored when the store returns', async (t) => {
  const clock = new VirtualClock();
  const inner = new MemoryStore({ instance: 'k' });
  const outage = new StoreOutage();
  const kills = await KillSwitches.load(new OutageStore(inner, outage), clock);
  outage.begin();
  await t.throwsAsync(kills.engage({ level: 'global', id: 'global' }, 'cancel', 'operator halt', 'alice'));
  t.is(kills.restriction('maker'), 'HALTED');
  t.true(kills.pendingWrite);
  t.is(await inner.getValue(KILL_SWITCHES_KEY), undefined);

  outage.end();
  await kills.idle();
  t.false(kills.pendingWrite);
  const restarted = await KillSwitches.load(inner, clock);
  t.is(restarted.restriction('maker'), 'HALTED');
  t.is(restarted.get({ level: 'global', id: 'global' })?.by, 'alice');
  kills.close();
});

test('a refused write is retried on a backoff timer when the store says nothing of coming back', async (t) => {
  const clock = new VirtualClock();
  const inner = new MemoryStore({ instance: 'k' });
  let refuse = true;
  const flaky = {
    getValue: <T>(k: string) => inner.getValue<T>(k),
    setValue: (k: string, v: unknown) =>
      refuse ? Promise.reject(new Error('store refused')) : inner.setValue(k, v),
  };
  const kills = await KillSwitches.load(flaky, clock);
  await t.throwsAsync(kills.engage({ level: 'engine', id: 'maker' }, 'reduce', 'drawdown', 'breaker:dd'));
  await t.throwsAsync(kills.release({ level: 'engine', id: 'maker' }, 'alice'));
  refuse = false;
  await clock.advance(1_000);
  await kills.idle();
  await clock.advance(2_000);
  await kills.idle();
  t.false(kills.pendingWrite);
  // The newest state is what is stored: the release, not the engagement before it.
  t.deepEqual((await inner.getValue<{ kills: unknown[] }>(KILL_SWITCHES_KEY))?.kills, []);
  kills.close();
});

test('kill at engine scope: its open orders are cancelled at the venue, it places none after, the other engine trades on', async (t) => {
  const sim = await simulatedTrading(defaultTradingConfig('live'));
  t.teardown(() => sim.stop());
  await sim.clock.advance(5 * MINUTE);
  t.true((await openAtVenue(sim, 'maker')) > 0, 'the maker quotes');
  const killedAt = sim.clock.now();
  await sim.trading.services.kills.engage({ level: 'engine', id: 'maker' }, 'cancel', 'test', 'alice');
  await sim.clock.advance(5_000);
  t.is(await openAtVenue(sim, 'maker'), 0, 'every open order was cancelled');
  await sim.clock.advance(10 * MINUTE);
  t.is(await placedAfter(venue(sim), await engineOrders(sim, 'maker'), killedAt + 1_000), 0);
  t.is(await openAtVenue(sim, 'maker'), 0);
  t.is(sim.trading.readModel.engines().find((e) => e.engine === 'maker')?.mode, 'live');
});

test('kill at strategy scope with reduce: that strategy stops adding exposure, its siblings quote on', async (t) => {
  const sim = await simulatedTrading(defaultTradingConfig('live'));
  t.teardown(() => sim.stop());
  await sim.clock.advance(5 * MINUTE);
  const store = sim.trading.services.store;
  await sim.trading.services.kills.engage({ level: 'strategy', id: 'mm-sol' }, 'reduce', 'test', 'alice');
  const after = sim.clock.now();
  const portfolio = sim.trading.services.portfolio;
  // REDUCING never lets a position flip, so its sign now says which side may still be quoted.
  const solPosition = portfolio.quantity('SOLUSDT', { engine: 'maker', strategy: 'mm-sol' });
  await sim.clock.advance(20 * MINUTE);
  const orders = await store.orders({ engine: 'maker', limit: 1_000_000 });
  const strategyOf = new Map(orders.map((o) => [o.clientOrderId, o.strategy]));
  const placed = venue(sim)
    .ledger()
    .orders.filter((o) => o.createdAt > after);
  const sol = placed.filter((o) => strategyOf.get(o.clientOrderId) === 'mm-sol');
  for (const order of sol) {
    // Under REDUCING only the side that brings the position back to flat may be quoted.
    t.is(order.side, solPosition > 0 ? 'sell' : 'buy', `${order.clientOrderId} reduces`);
  }
  const eth = placed.filter((o) => strategyOf.get(o.clientOrderId) === 'mm-eth');
  t.true(eth.length > 0, 'a sibling keeps quoting');
});

test('kill at global scope with flatten: every open order cancelled and every position closed', async (t) => {
  const sim = await simulatedTrading(defaultTradingConfig('live'));
  t.teardown(() => sim.stop());
  await sim.clock.advance(30 * MINUTE);
  const portfolio = sim.trading.services.portfolio;
  const instruments = sim.trading.services.instruments();
  const held = portfolio.positions().filter((p) => p.qty !== 0);
  t.true(held.length > 0, 'the makers hold inventory');
  await sim.trading.services.kills.engage({ level: 'global', id: 'global' }, 'flatten', 'test', 'alice');
  await sim.clock.advance(MINUTE);
  for (const engine of ['maker', 'trend']) t.is(await openAtVenue(sim, engine), 0, engine);
  for (const owner of portfolio.owners()) {
    for (const position of portfolio.positions(owner)) {
      const instrument = instruments.get(position.symbol);
      const mid = sim.trading.services.mids[position.symbol] ?? 0;
      // What is left is dust the venue would refuse to trade (below a lot or the minimum notional).
      const dust =
        Math.abs(position.qty) < (instrument?.lotSize ?? 0) ||
        Math.abs(position.qty) * mid < (instrument?.minNotional ?? 0);
      t.true(position.qty === 0 || dust, `${owner.strategy} ${position.symbol} ${position.qty}`);
    }
  }
});

test('a kill survives a restart: the new process trades under it and places nothing for the killed engine', async (t) => {
  const clock = new VirtualClock();
  const store = new MemoryStore({ instance: 'predator' });
  const first = await simulatedTrading(defaultTradingConfig('live'), { clock, store });
  await clock.advance(2 * MINUTE);
  await first.trading.services.kills.engage({ level: 'engine', id: 'maker' }, 'cancel', 'test', 'alice');
  await first.stop();
  const second = await simulatedTrading(defaultTradingConfig('live'), { clock, store });
  t.teardown(() => second.stop());
  t.is(second.trading.services.kills.restriction('maker', 'mm-btc'), 'HALTED');
  const restartedAt = clock.now();
  await clock.advance(10 * MINUTE);
  t.is(await placedAfter(venue(second), await engineOrders(second, 'maker'), restartedAt), 0);
  const trend = second.trading.services.kills.restriction('trend', 'trend-btc');
  t.is(trend, 'ACTIVE');
});
