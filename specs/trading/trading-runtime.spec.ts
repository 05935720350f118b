import test from 'ava';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { defaultTradingConfig } from '../../actors/trading/trading-config';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { componentView } from '../helpers/runtime';
import { oneEngine, simulatedTrading } from '../helpers/trading';
import type { SimulatedTrading } from '../helpers/trading';

const MINUTE = 60_000;

function simVenue(sim: SimulatedTrading): SimVenue {
  return sim.trading.services.venue('sim') as SimVenue;
}

async function journal(sim: SimulatedTrading): Promise<JournalEntry[]> {
  return sim.runtime.journal({ limit: 1_000_000 });
}

/** Every client order id the venue ever saw, submitted or refused, with how often. */
function venueSubmits(venue: SimVenue): Map<string, number> {
  const ledger = venue.ledger();
  const counts = new Map<string, number>();
  for (const o of ledger.orders) counts.set(o.clientOrderId, (counts.get(o.clientOrderId) ?? 0) + 1);
  for (const r of ledger.rejections) {
    const cid = r.clientOrderId ?? '(none)';
    counts.set(cid, (counts.get(cid) ?? 0) + 1);
  }
  return counts;
}

test('the default system trades in shadow: every fill is explained by an order, positions by fills', async (t) => {
  const sim = await simulatedTrading(defaultTradingConfig());
  t.teardown(() => sim.stop());
  await sim.clock.advance(30 * MINUTE);
  for (const id of ['md-btcusdt', 'md-ethusdt', 'md-solusdt', 'maker', 'trend', 'mm-btc', 'trend-btc'])
    t.is(componentView(sim.runtime, id).lifecycle, 'running', id);
  const model = sim.trading.readModel;
  t.deepEqual(
    model.engines().map((e) => [e.engine, e.mode, e.tradingState]),
    [
      ['maker', 'shadow', 'ACTIVE'],
      ['trend', 'shadow', 'ACTIVE'],
    ],
  );
  const fills = await model.fills({ limit: 100_000 });
  t.true(fills.length > 0, 'both strategies traded');
  t.true(new Set(fills.map((f) => f.engine)).size === 2);
  const orders = new Map(
    (await sim.trading.services.store.orders({ limit: 100_000 })).map((o) => [o.clientOrderId, o]),
  );
  const net = new Map<string, number>();
  for (const fill of fills) {
    const order = orders.get(fill.clientOrderId);
    t.truthy(order, `fill ${fill.fillId} belongs to a stored order`);
    t.is(order?.intentId, fill.intentId);
    // A fee charged in the base asset (a buy, as on Binance spot) comes out of the position.
    const fee = fill.feeAsset === fill.symbol.replace(/USDT$/, '') ? fill.fee : 0;
    net.set(fill.symbol, (net.get(fill.symbol) ?? 0) + (fill.side === 'buy' ? fill.qty : -fill.qty) - fee);
  }
  for (const position of model.positions())
    t.is(position.qty.toFixed(8), (net.get(position.symbol) ?? 0).toFixed(8));
  // And every order's fills are all there: two engines' fill models must not issue colliding fill
  // ids, or one engine's fills are dropped as duplicates of the other's.
  const filledQty = new Map<string, number>();
  for (const fill of fills)
    filledQty.set(fill.clientOrderId, (filledQty.get(fill.clientOrderId) ?? 0) + fill.qty);
  const filled = [...orders.values()].filter((o) => o.state === 'filled');
  t.true(new Set(filled.map((o) => o.engine)).size === 2, 'both engines have filled orders');
  for (const order of filled)
    t.is((filledQty.get(order.clientOrderId) ?? 0).toFixed(8), order.qty.toFixed(8), order.clientOrderId);
  const pnl = model.pnl();
  t.true(pnl.curve.points.length > 0);
  t.is(
    pnl.instance.net.toFixed(6),
    (pnl.instance.realized - pnl.instance.fees + pnl.instance.unrealized).toFixed(6),
  );
  t.deepEqual(sim.runtime.incidents(), []);
  const entries = await journal(sim);
  t.true(
    entries.some((e) => e.machine === 'order' && e.to === 'filled'),
    'order transitions are journaled',
  );
});

test('live on the simulated venue: one venue order per intent, and the store agrees with the venue', async (t) => {
  const sim = await simulatedTrading(oneEngine({ mode: 'live' }));
  t.teardown(() => sim.stop());
  await sim.clock.advance(10 * MINUTE);
  const venue = simVenue(sim);
  const submits = venueSubmits(venue);
  t.true(submits.size > 10);
  for (const [cid, n] of submits) t.is(n, 1, `${cid} reached the venue once`);
  const stored = await sim.trading.services.store.orders({ limit: 100_000 });
  const venueOrders = new Map(venue.ledger().orders.map((o) => [o.clientOrderId, o]));
  for (const order of stored) {
    const seen = venueOrders.get(order.clientOrderId);
    if (order.state === 'open' || order.state === 'partially_filled') t.truthy(seen, order.clientOrderId);
    if (order.state === 'cancelled') t.is(seen?.status, 'cancelled');
  }
});

/** A maker whose quotes rest: no requote cancels, so only the in-flight checker can learn an outcome. */
const RESTING = oneEngine({
  mode: 'live',
  settings: { halfSpreadBps: 50, quoteSize: 0.01, maxInventory: 0.05, requoteThresholdTicks: 1_000_000 },
});

test('a submit whose answer is lost is never re-sent: the in-flight checker finds it by clientOrderId', async (t) => {
  const sim = await simulatedTrading(RESTING);
  t.teardown(() => sim.stop());
  const venue = simVenue(sim);
  // Before the first book: the maker's two opening quotes both lose their answer.
  venue.faults.set({ kind: 'timeoutAfterAccept', ops: ['submit'], count: 'unlimited' });
  await sim.clock.advance(2 * MINUTE);
  const entries = await journal(sim);
  const unknown = entries.filter(
    (e) => e.machine === 'order' && e.to.startsWith('unknown') && !e.from.startsWith('unknown'),
  );
  t.is(unknown.length, 2, 'both quotes lost their answer');
  for (const entry of unknown) {
    const later = entries.filter((e) => e.actor === entry.actor && e.seq > entry.seq);
    t.true(
      later.some((e) => e.from.startsWith('unknown') && !e.to.startsWith('unknown')),
      `${entry.actor} was resolved by a check`,
    );
  }
  for (const [cid, n] of venueSubmits(venue)) t.is(n, 1, `${cid} reached the venue once`);
  t.deepEqual(sim.runtime.incidents(), []);
  t.is(componentView(sim.runtime, 'eng').state, 'ACTIVE');
});

test('when every check says "not found", the order raises an incident and the engine goes REDUCING', async (t) => {
  const sim = await simulatedTrading(RESTING);
  t.teardown(() => sim.stop());
  const venue = simVenue(sim);
  venue.faults.set({ kind: 'timeoutAfterAccept', ops: ['submit'], count: 1 });
  venue.faults.set({ kind: 'notFound', ops: ['query'], count: 'unlimited' });
  await sim.clock.advance(MINUTE);
  const incidents = sim.runtime.incidents('ORDER_OUTCOME_UNKNOWN');
  t.is(incidents.length, 1);
  t.is(componentView(sim.runtime, 'eng').state, 'REDUCING');
  // REDUCING admits nothing that adds exposure: a buy from a flat book is denied, with the reason.
  const before = Number(componentView(sim.runtime, 'eng').summary.denied);
  const byReason = (): number =>
    Number(
      (componentView(sim.runtime, 'eng').summary.deniedBy as Record<string, number>)
        .REDUCING_INCREASES_EXPOSURE ?? 0,
    );
  const reducedBefore = byReason();
  const intent = {
    intentId: 'strat-manual-1',
    engine: 'eng',
    strategy: 'strat',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'market',
    qty: 0.01,
    t: sim.clock.now(),
  };
  await sim.runtime.ask('eng', { type: 'intent.proposed', intent });
  const summary = componentView(sim.runtime, 'eng').summary;
  t.is(Number(summary.denied), before + 1);
  t.regex(String(summary.lastDenial), /REDUCING_INCREASES_EXPOSURE/);
  t.is(byReason(), reducedBefore + 1, 'denials are counted by reason');
  for (const [cid, n] of venueSubmits(venue)) t.is(n, 1, `${cid} reached the venue once`);
});

test('a crashed engine resumes its orders from the store and never sends one twice', async (t) => {
  const sim = await simulatedTrading(RESTING);
  t.teardown(() => sim.stop());
  const venue = simVenue(sim);
  // Crash while the opening quotes' answers are lost, so they are in flight while the engine is down.
  venue.faults.set({ kind: 'timeoutAfterAccept', ops: ['submit'], count: 'unlimited' });
  await sim.clock.advance(3_000);
  sim.runtime.send('eng', { type: 'sys.fault.crash' });
  await sim.clock.advance(2 * MINUTE);
  t.is(componentView(sim.runtime, 'eng').restarts, 1);
  t.is(componentView(sim.runtime, 'eng').lifecycle, 'running');
  for (const [cid, n] of venueSubmits(venue)) t.is(n, 1, `${cid} reached the venue once`);
  const stored = await sim.trading.services.store.orders({ live: true });
  const open = new Set(
    venue
      .ledger()
      .orders.filter((o) => o.status === 'open' || o.status === 'partially_filled')
      .map((o) => o.clientOrderId),
  );
  for (const order of stored)
    t.true(open.has(order.clientOrderId), `${order.clientOrderId} live here is open there`);
});

test('shadow and live give the same intents on the same data', async (t) => {
  const intents = async (mode: 'shadow' | 'live'): Promise<string[]> => {
    // No latency and no faults: both modes see the same books; market orders fill in full in both.
    const sim = await simulatedTrading(
      oneEngine({ mode, kind: 'trend-follower', venue: { latency: { baseMs: 0, jitterMeanMs: 0 } } }),
    );
    t.teardown(() => sim.stop());
    await sim.clock.advance(60 * MINUTE);
    const orders = await sim.trading.services.store.orders({ limit: 100_000 });
    const out: string[] = [];
    for (const order of orders.sort((a, b) => a.intentId.localeCompare(b.intentId))) {
      const record = await sim.trading.services.store.intent(order.intentId);
      const i = record?.intent;
      out.push(`${i?.intentId} ${i?.side} ${i?.type} ${i?.qty}`);
    }
    await sim.stop();
    return out;
  };
  const shadow = await intents('shadow');
  const live = await intents('live');
  t.true(shadow.length >= 3, `the trend follower traded (${shadow.length} intents)`);
  t.deepEqual(live, shadow);
});

test('a stale book degrades its market data and strategy; quoting stops until books come back', async (t) => {
  const sim = await simulatedTrading(oneEngine({ mode: 'live' }));
  t.teardown(() => sim.stop());
  await sim.clock.advance(10_000);
  t.is(componentView(sim.runtime, 'md-btcusdt').lifecycle, 'running');
  const venue = simVenue(sim);
  const fault = venue.faults.set({ kind: 'unavailable', ops: ['book'], count: 'unlimited' });
  await sim.clock.advance(10_000);
  t.is(componentView(sim.runtime, 'md-btcusdt').lifecycle, 'degraded');
  t.is(componentView(sim.runtime, 'md-btcusdt').reason, 'market-data stale');
  t.is(componentView(sim.runtime, 'strat').lifecycle, 'degraded');
  const admitted = Number(componentView(sim.runtime, 'eng').summary.admitted);
  await sim.clock.advance(60_000);
  t.is(Number(componentView(sim.runtime, 'eng').summary.admitted), admitted, 'no intent on a stale book');
  t.is(Number(componentView(sim.runtime, 'strat').summary.working), 0, 'its quotes were cancelled');
  venue.faults.remove(fault);
  await sim.clock.advance(5_000);
  t.is(componentView(sim.runtime, 'md-btcusdt').lifecycle, 'running');
  t.is(componentView(sim.runtime, 'strat').lifecycle, 'running');
  await sim.clock.advance(5_000);
  t.true(Number(componentView(sim.runtime, 'eng').summary.admitted) > admitted, 'quoting resumed');
});

test('trading state at three levels: a global halt stops every engine, a strategy REDUCING only that strategy', async (t) => {
  const sim = await simulatedTrading(defaultTradingConfig());
  t.teardown(() => sim.stop());
  await sim.clock.advance(MINUTE);
  const admitted = (engine: string): number => Number(componentView(sim.runtime, engine).summary.admitted);
  const propose = async (engine: string, strategy: string, n: number): Promise<string> => {
    const intent = {
      intentId: `${strategy}-manual-${n}`,
      engine,
      strategy,
      symbol: 'BTCUSDT',
      side: 'buy',
      type: 'market',
      qty: 0.01,
      t: sim.clock.now(),
    };
    await sim.runtime.ask(engine, { type: 'intent.proposed', intent });
    return String(componentView(sim.runtime, engine).summary.lastDenial);
  };
  // A strategy's own REDUCING: its exposure-increasing orders are denied, its siblings trade on.
  await sim.runtime.ask('mm-btc-state', {
    type: 'trading.reduce',
    reason: 'spec',
    by: 'operator',
    t: sim.clock.now(),
  });
  t.is(componentView(sim.runtime, 'mm-btc-state').state, 'REDUCING');
  t.regex(await propose('maker', 'mm-btc', 1), /mm-btc-manual-1: REDUCING_INCREASES_EXPOSURE/);
  const trendBefore = admitted('trend');
  await propose('trend', 'trend-btc', 1);
  t.is(admitted('trend'), trendBefore + 1, 'another strategy is not affected');
  // The global halt: nothing new anywhere, until an operator resumes.
  await sim.runtime.ask('trading', {
    type: 'trading.halt',
    reason: 'spec',
    by: 'operator',
    t: sim.clock.now(),
  });
  t.regex(await propose('trend', 'trend-btc', 2), /trend-btc-manual-2: TRADING_HALTED/);
  const before = { maker: admitted('maker'), trend: admitted('trend') };
  await sim.clock.advance(MINUTE);
  t.deepEqual(
    { maker: admitted('maker'), trend: admitted('trend') },
    before,
    'no order admitted while halted',
  );
  t.like(sim.trading.readModel.engines()[0], { globalTradingState: 'HALTED', tradingState: 'ACTIVE' });
  await sim.runtime.ask('trading', { type: 'trading.resume', operator: 'alice', t: sim.clock.now() });
  await sim.clock.advance(MINUTE);
  t.true(admitted('maker') > before.maker, 'trading resumed');
  t.is(
    sim.trading.readModel.engines()[0]?.strategies.find((s) => s.strategy === 'mm-btc')?.tradingState,
    'REDUCING',
  );
});
