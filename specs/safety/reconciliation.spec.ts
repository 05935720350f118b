import test from 'ava';
import { clientOrderId } from '../../actors/trading/client-order-id';
import type { OrderRecord } from '../../actors/trading/execution-store';
import { defaultTradingConfig } from '../../actors/trading/trading-config';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { componentView } from '../helpers/runtime';
import { oneEngine, simulatedTrading } from '../helpers/trading';
import type { SimulatedTrading } from '../helpers/trading';

const MINUTE = 60_000;

function venue(sim: SimulatedTrading): SimVenue {
  return sim.trading.services.venue('sim') as SimVenue;
}

async function journalOf(sim: SimulatedTrading, machine: string): Promise<string[]> {
  const entries = await sim.runtime.journal({ limit: 1_000_000 });
  return entries.filter((e) => e.machine === machine).map((e) => `${e.from} ${e.event} ${e.to}`);
}

test('at start every engine trades REDUCING until its first reconciliation, then ACTIVE', async (t) => {
  const sim = await simulatedTrading(defaultTradingConfig('live'));
  t.teardown(() => sim.stop());
  await sim.clock.advance(500);
  for (const engine of ['maker', 'trend']) {
    const view = componentView(sim.runtime, engine);
    t.is(view.state, 'REDUCING', engine);
    t.is(view.summary.reason, 'not reconciled since start');
  }
  await sim.clock.advance(10_000);
  for (const engine of ['maker', 'trend']) {
    t.is(componentView(sim.runtime, engine).state, 'ACTIVE', engine);
    t.is(componentView(sim.runtime, `recon-${engine}`).state, 'reconciled');
  }
  await sim.clock.advance(10 * MINUTE);
  t.is(
    componentView(sim.runtime, 'recon-maker').state,
    'reconciled',
    'continuous passes agree while trading',
  );
  t.true(Number(componentView(sim.runtime, 'recon-maker').summary.passes) >= 10);
  t.deepEqual(sim.runtime.incidents(), []);
});

test('an operator REDUCING is not lifted by reconciliation', async (t) => {
  const sim = await simulatedTrading(oneEngine({ mode: 'live' }));
  t.teardown(() => sim.stop());
  sim.runtime.send('eng', { type: 'trading.halt', reason: 'operator', by: 'alice', t: sim.clock.now() });
  await sim.clock.advance(MINUTE);
  t.is(componentView(sim.runtime, 'eng').state, 'HALTED');
});

test('an orphan venue order of ours is cancelled only after two passes have seen it', async (t) => {
  const sim = await simulatedTrading(oneEngine({ mode: 'live' }));
  t.teardown(() => sim.stop());
  await sim.clock.advance(5_000);
  const cid = clientOrderId('predator', 'ghost-intent');
  const mid = sim.trading.services.mids.BTCUSDT as number;
  venue(sim).engine.submit({
    clientOrderId: cid,
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    qty: 0.01,
    price: Math.round(mid * 0.9),
  });
  // The next pass is young-order exempt or the first sighting; the one after confirms it.
  await sim.clock.advance(MINUTE + 1_000);
  t.is(
    venue(sim).engine.order({ clientOrderId: cid, symbol: 'BTCUSDT' }).status,
    'open',
    'one sighting is not enough',
  );
  await sim.clock.advance(2 * MINUTE);
  t.is(venue(sim).engine.order({ clientOrderId: cid, symbol: 'BTCUSDT' }).status, 'cancelled');
  t.true((await journalOf(sim, 'reconciliation-heal')).some((e) => e.includes(`orphan|${cid}`)));
});

test('a fill the venue has and the store lacks is healed into the store and the portfolio', async (t) => {
  const sim = await simulatedTrading(oneEngine({ mode: 'live' }));
  t.teardown(() => sim.stop());
  await sim.clock.advance(5_000);
  const { store, portfolio } = sim.trading.services;
  const cid = clientOrderId('predator', 'lost-fill-intent');
  // As if execution recorded and closed an order and the process died before its fill was stored.
  const record: OrderRecord = {
    clientOrderId: cid,
    intentId: 'lost-fill-intent',
    engine: 'eng',
    strategy: 'strat',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'market',
    qty: 0.01,
    price: null,
    filledQty: 0,
    avgPrice: null,
    state: 'cancelled',
    terminal: true,
    snapshot: null,
    t: sim.clock.now(),
  };
  await store.saveOrder(record);
  const before = portfolio.quantity('BTCUSDT', { engine: 'eng', strategy: 'strat' });
  venue(sim).engine.submit({ clientOrderId: cid, symbol: 'BTCUSDT', side: 'buy', type: 'market', qty: 0.01 });
  const fill = venue(sim)
    .engine.trades('BTCUSDT')
    .find((f) => f.clientOrderId === cid);
  t.truthy(fill);
  await sim.clock.advance(6 * MINUTE);
  const stored = await store.fills({ limit: 100_000 });
  t.true(
    stored.some((f) => f.fillId === fill?.fillId && f.engine === 'eng' && f.intentId === 'lost-fill-intent'),
  );
  const after = portfolio.quantity('BTCUSDT', { engine: 'eng', strategy: 'strat' });
  const fee = fill?.feeAsset === 'BTC' ? fill.fee : 0;
  t.is((after - before).toFixed(8), (0.01 - fee).toFixed(8));
  t.true((await journalOf(sim, 'reconciliation-heal')).some((e) => e.startsWith('fill-healed')));
  t.deepEqual(
    sim.runtime.incidents('UNEXPLAINED_BALANCE_CHANGE'),
    [],
    'the healed fill explains the balance change',
  );
});

test('a balance change no fill explains raises an incident and degrades the reconciliation until the next pass', async (t) => {
  const sim = await simulatedTrading(oneEngine({ mode: 'live' }));
  t.teardown(() => sim.stop());
  // Passes run 2 s after start, then every minute; fills and balances on every fifth: 2 s, 302 s, 602 s.
  await sim.clock.advance(2 * MINUTE);
  venue(sim).engine.externalCredit('USDT', 123.45);
  await sim.clock.advance(3 * MINUTE + 5_000);
  t.is(componentView(sim.runtime, 'recon-eng').lifecycle, 'degraded');
  t.is(componentView(sim.runtime, 'recon-eng').state, 'mismatch');
  t.is(sim.trading.services.mismatches.count('eng'), 1);
  await sim.clock.advance(MINUTE);
  t.is(componentView(sim.runtime, 'recon-eng').state, 'mismatch', 'orders-only passes do not clear it');
  await sim.clock.advance(5 * MINUTE);
  const incidents = sim.runtime.incidents('UNEXPLAINED_BALANCE_CHANGE');
  t.is(incidents.length, 1);
  t.regex(incidents[0]?.detail ?? '', /USDT changed by 123\.45/);
  t.is(
    componentView(sim.runtime, 'recon-eng').lifecycle,
    'running',
    'one pass later the change is the new baseline',
  );
  t.is(sim.trading.services.mismatches.count('eng'), 0);
  const heals = await journalOf(sim, 'incident');
  t.true(heals.some((e) => e.includes('UNEXPLAINED_BALANCE_CHANGE')));
});
