import test from 'ava';
import { breakerComponentId, defaultBreakers } from '../../actors/safety/breaker-defaults';
import { readMetric } from '../../actors/safety/safety-metrics';
import { defaultTradingConfig } from '../../actors/trading/trading-config';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { componentView } from '../helpers/runtime';
import { oneEngine, simulatedTrading } from '../helpers/trading';

const MINUTE = 60_000;

test('the default system runs one breaker per metric and scope, all GREEN in calm trading', async (t) => {
  const config = defaultTradingConfig();
  const sim = await simulatedTrading(config);
  t.teardown(() => sim.stop());
  await sim.clock.advance(20 * MINUTE);
  const names = defaultBreakers([
    { id: 'maker', strategies: [{ id: 'mm-btc' }, { id: 'mm-eth' }, { id: 'mm-sol' }] },
    { id: 'trend', strategies: [{ id: 'trend-btc' }] },
  ]).map((b) => b.breaker.name);
  t.is(names.length, 16);
  for (const name of names) {
    const view = componentView(sim.runtime, breakerComponentId(name));
    t.is(view.lifecycle, 'running', name);
    t.is(view.state, 'GREEN', name);
  }
  t.deepEqual(sim.trading.services.kills.list(), []);
});

test('a venue failing half its submissions turns errors-<engine> RED after three readings, which puts the engine REDUCING', async (t) => {
  const sim = await simulatedTrading(defaultTradingConfig('live'));
  t.teardown(() => sim.stop());
  await sim.clock.advance(2 * MINUTE);
  const venue = sim.trading.services.venue('sim') as SimVenue;
  venue.faults.set({ kind: 'unavailable', ops: ['submit'], count: 'unlimited', probability: 0.8 });
  const id = breakerComponentId('errors-maker');
  const seen = new Set<string>();
  for (let i = 0; i < 60 && componentView(sim.runtime, id).state !== 'RED'; i++) {
    await sim.clock.advance(10_000);
    seen.add(componentView(sim.runtime, id).state);
  }
  t.is(componentView(sim.runtime, id).state, 'RED');
  t.true(seen.has('YELLOW') || seen.has('RED'));
  const kill = sim.trading.services.kills.get({ level: 'engine', id: 'maker' });
  t.is(kill?.step, 'reduce');
  t.is(kill?.by, 'breaker:errors-maker');
  t.is(sim.trading.services.kills.restriction('maker', 'mm-btc'), 'REDUCING');

  venue.faults.clear();
  await sim.clock.advance(30 * MINUTE);
  t.is(componentView(sim.runtime, id).state, 'RED', 'RED latches when the venue recovers');
  t.is(sim.trading.services.kills.restriction('maker', 'mm-btc'), 'REDUCING', 'and so does its kill');
});

test('a drawdown breaker measures from the peak and engages its step; a reset needs an operator', async (t) => {
  const config = oneEngine({ mode: 'live' });
  const sim = await simulatedTrading(config);
  t.teardown(() => sim.stop());
  const id = breakerComponentId('dd-global');
  // Readings straight into the breaker: the metric path (peak minus now) is the portfolio's, specced there.
  for (let i = 0; i < 2; i++)
    sim.runtime.send(id, { type: 'breaker.reading', value: 3_000, t: sim.clock.now() });
  await sim.clock.advance(1);
  t.is(componentView(sim.runtime, id).state, 'GREEN', 'two readings are not three');
  sim.runtime.send(id, { type: 'breaker.reading', value: 3_000, t: sim.clock.now() });
  await sim.clock.advance(10_000);
  t.is(componentView(sim.runtime, id).state, 'RED');
  t.is(sim.trading.services.kills.restriction('eng', 'strat'), 'HALTED', 'dd-global RED halts everything');
  sim.runtime.send(id, { type: 'breaker.reset', operator: '', t: sim.clock.now() });
  await sim.clock.advance(1);
  t.is(componentView(sim.runtime, id).state, 'RED', 'a reset without an operator is refused');
  sim.runtime.send(id, { type: 'breaker.reset', operator: 'alice', t: sim.clock.now() });
  await sim.clock.advance(1);
  t.is(componentView(sim.runtime, id).state, 'GREEN');
  t.is(sim.trading.services.kills.restriction('eng', 'strat'), 'HALTED', 'the kill stays until a resume');
});

test("the global drawdown is the instance's trading PnL below its peak, not the account's equity below its peak", async (t) => {
  const sim = await simulatedTrading(defaultTradingConfig());
  t.teardown(() => sim.stop());
  const { portfolio } = sim.trading.services;
  const rates = { windowMs: 5 * MINUTE, minSubmits: 5 };
  const global = { level: 'global' } as const;
  // Nothing may trade: the account's coins move with the market, and no trading PnL exists.
  await sim.trading.services.kills.engage({ level: 'global', id: 'global' }, 'cancel', 'spec', 'spec');
  let equityDrawdown = 0;
  for (let i = 0; i < 3; i++) {
    await sim.clock.advance(20 * MINUTE);
    equityDrawdown = Math.max(equityDrawdown, portfolio.equity().drawdown);
    t.is(readMetric('drawdown', global, sim.trading.services, sim.clock.now(), rates), 0);
  }
  t.true(equityDrawdown > 0, 'the held coins did move');
  t.is(portfolio.pnlCurve().peak, null);

  await sim.trading.services.kills.release({ level: 'global', id: 'global' }, 'spec');
  await sim.clock.advance(30 * MINUTE);
  const curve = portfolio.pnlCurve();
  t.not(curve.peak, null, 'the strategies traded');
  const expected = Math.max(0, (curve.peak as number) - portfolio.pnl().net);
  t.is(readMetric('drawdown', global, sim.trading.services, sim.clock.now(), rates), expected);
});
