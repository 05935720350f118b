/**
 * Bad input at the trading boundary: malformed venue data (missing fields, NaN or negative prices
 * and quantities, unknown order states, fills that do not belong to an order) is rejected where it
 * enters, with an incident in the journal; the runtime never crashes and positions are never
 * corrupted. Bad data is injected through the real paths: the simulated venue's answers are
 * tampered with (fault injection on a real component); the trading runtime runs on a virtual clock.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import type { JournalEntry } from '../../actors/kernel/journal-entry';
import { parseTradingConfig } from '../../actors/trading/trading-config';
import type { TradingConfigInput } from '../../actors/trading/trading-config';
import type { Fill, OrderBook, VenueOrder } from '../../actors/trading/types';
import type { SimVenue } from '../../actors/venues/sim-venue';
import { componentView } from '../helpers/runtime';
import { oneEngine, simulatedTrading } from '../helpers/trading';
import type { SimulatedTrading } from '../helpers/trading';

const SECOND = 1_000;
const MINUTE = 60_000;

/**
 * One live engine on the simulated venue whose strategy places no order of its own within the
 * specs' horizon (a trend follower still warming up: 100 samples, one a minute). Every order is
 * the spec's, so every fill and position is accounted for.
 */
const QUIET = oneEngine({
  mode: 'live',
  kind: 'trend-follower',
  settings: { fastPeriod: 50, slowPeriod: 100, size: 0.01, sampleEveryMs: MINUTE },
});

/** The market maker, live: it quotes, so a stale book has something to stop. */
const MAKER = oneEngine({ mode: 'live' });

type Tamperable = 'book' | 'order' | 'openOrders' | 'myTrades' | 'submit';

/**
 * Replaces what the venue answers on `method` with `corrupt(real answer)`; returns the undo.
 * The venue still does the real work (an order is still placed): only its answer is bad.
 */
function tamper<M extends Tamperable>(
  venue: SimVenue,
  method: M,
  corrupt: (answer: Awaited<ReturnType<SimVenue[M]>>) => unknown,
): () => void {
  const real = (venue[method] as (...args: unknown[]) => Promise<Awaited<ReturnType<SimVenue[M]>>>).bind(
    venue,
  );
  Object.defineProperty(venue, method, {
    configurable: true,
    value: async (...args: unknown[]) => corrupt(await real(...args)),
  });
  return () => void Reflect.deleteProperty(venue, method);
}

async function start(t: ExecutionContext, config: TradingConfigInput = QUIET): Promise<SimulatedTrading> {
  const sim = await simulatedTrading(config);
  t.teardown(() => sim.stop());
  // Books for every symbol, so the engine has mids and risk can price orders.
  await sim.clock.advance(5 * SECOND);
  return sim;
}

function simVenue(sim: SimulatedTrading): SimVenue {
  return sim.trading.services.venue('sim') as SimVenue;
}

let intents = 0;

/** Proposes an order to the engine as its strategy would; resolves once the engine handled it. */
async function propose(
  sim: SimulatedTrading,
  order: { side?: 'buy' | 'sell'; type?: 'market' | 'limit'; price?: number; qty?: number } = {},
): Promise<string> {
  const intentId = `spec-${++intents}`;
  const intent = {
    intentId,
    engine: 'eng',
    strategy: 'strat',
    symbol: 'BTCUSDT',
    side: order.side ?? 'buy',
    type: order.type ?? 'market',
    qty: order.qty ?? 0.01,
    ...(order.price === undefined ? {} : { price: order.price }),
    t: sim.clock.now(),
  };
  const reply = await sim.runtime.ask('eng', { type: 'intent.proposed', intent });
  if (reply.deadLetter) throw new Error('the engine did not take the intent');
  return intentId;
}

/** The stored order of an intent. */
async function orderOf(sim: SimulatedTrading, intentId: string) {
  const orders = await sim.trading.services.store.orders({ limit: 10_000 });
  const order = orders.find((o) => o.intentId === intentId);
  if (!order) throw new Error(`no order for ${intentId}`);
  return order;
}

async function journal(sim: SimulatedTrading): Promise<JournalEntry[]> {
  return sim.runtime.journal({ limit: 1_000_000 });
}

/** The runtime is up, nothing crashed or restarted, nothing halted. */
function unhurt(t: ExecutionContext, sim: SimulatedTrading): void {
  t.is(sim.runtime.state, 'running');
  t.is(sim.runtime.restarts(), 0, 'no component crashed');
  t.is(sim.runtime.haltCount, 0);
  for (const id of ['md-btcusdt', 'eng', 'strat']) {
    t.true(
      ['running', 'degraded'].includes(componentView(sim.runtime, id).lifecycle),
      `${id} is ${componentView(sim.runtime, id).lifecycle}`,
    );
  }
}

/** Positions are exactly what the stored fills add up to (a fee in the base asset comes out). */
async function positionsMatchFills(t: ExecutionContext, sim: SimulatedTrading): Promise<void> {
  const net = new Map<string, number>();
  for (const f of await sim.trading.readModel.fills({ limit: 100_000 })) {
    const fee = f.feeAsset === f.symbol.replace(/USDT$/, '') ? f.fee : 0;
    net.set(f.symbol, (net.get(f.symbol) ?? 0) + (f.side === 'buy' ? f.qty : -f.qty) - fee);
  }
  for (const p of sim.trading.readModel.positions())
    t.is(p.qty.toFixed(8), (net.get(p.symbol) ?? 0).toFixed(8), `${p.symbol} is explained by its fills`);
}

// ---------------------------------------------------------------------------------------------
// Books

const BAD_BOOKS: readonly {
  readonly title: string;
  readonly corrupt: (book: OrderBook) => unknown;
  readonly detail: string | RegExp;
}[] = [
  {
    title: 'a NaN bid price',
    corrupt: (b) => ({ ...b, bids: [{ price: Number.NaN, qty: 1 }, ...b.bids.slice(1)] }),
    detail: 'bids[0].price must be > 0, got NaN',
  },
  {
    title: 'a negative bid price',
    corrupt: (b) => ({ ...b, bids: [{ price: -60_000, qty: 1 }] }),
    detail: 'bids[0].price must be > 0, got -60000',
  },
  {
    title: 'a negative ask quantity',
    corrupt: (b) => ({ ...b, asks: [{ price: b.asks[0]?.price, qty: -2 }, ...b.asks.slice(1)] }),
    detail: 'asks[0].qty must be > 0, got -2',
  },
  {
    title: 'a crossed book',
    corrupt: (b) => ({ ...b, bids: [{ price: (b.asks[0]?.price ?? 0) + 10, qty: 1 }] }),
    detail: /^crossed book: best bid [\d.]+ >= best ask [\d.]+$/,
  },
  {
    title: 'a missing side',
    corrupt: ({ asks: _asks, ...rest }) => rest,
    detail: 'asks must be an array',
  },
  {
    title: 'a level without a quantity',
    corrupt: (b) => ({ ...b, bids: [{ price: b.bids[0]?.price }] }),
    detail: 'bids[0].qty must be > 0, got undefined',
  },
  {
    title: 'a missing time',
    corrupt: ({ t: _t, ...rest }) => rest,
    detail: 't must be a finite number, got undefined',
  },
  {
    title: 'another symbol',
    corrupt: (b) => ({ ...b, symbol: 'ETHUSDT' }),
    detail: 'symbol "ETHUSDT" is not BTCUSDT',
  },
  { title: 'no book at all', corrupt: () => null, detail: 'not a book' },
];

for (const c of BAD_BOOKS) {
  test(`a book with ${c.title} is rejected at the boundary with an incident; the last good book stays`, async (t) => {
    const sim = await start(t);
    const venue = simVenue(sim);
    const before = componentView(sim.runtime, 'md-btcusdt').summary;
    const mid = sim.trading.services.mids.BTCUSDT;
    t.true(typeof mid === 'number' && mid > 0);
    tamper(venue, 'book', (book) => (book.symbol === 'BTCUSDT' ? c.corrupt(book) : book));
    // Less than staleAfterMs (5 s): the last good book is still current.
    await sim.clock.advance(3 * SECOND);
    const raised = sim.runtime.incidents('BAD_MARKET_DATA');
    t.is(raised.length, 1, 'one incident, however many bad books (rate-limited)');
    t.is(raised[0]?.actor, 'md-btcusdt');
    if (typeof c.detail === 'string') t.is(raised[0]?.detail, c.detail);
    else t.regex(raised[0]?.detail ?? '', c.detail);
    t.like(raised[0]?.data, { venue: 'sim', symbol: 'BTCUSDT', rejected: 1 });
    t.deepEqual(
      (await journal(sim))
        .filter((e) => e.machine === 'incident')
        .map((e) => `${e.actor} ${e.event} ${e.to}`),
      ['md-btcusdt BAD_MARKET_DATA open'],
    );
    const view = componentView(sim.runtime, 'md-btcusdt');
    t.is(view.state, 'live');
    t.is(view.lifecycle, 'running');
    t.true(
      Number(view.summary.rejected) >= 5,
      `every bad book was counted (${String(view.summary.rejected)})`,
    );
    t.is(view.summary.accepted, before.accepted, 'no bad book was accepted');
    t.is(view.summary.bid, before.bid);
    t.is(view.summary.ask, before.ask);
    t.is(sim.trading.services.mids.BTCUSDT, mid, 'the engine never saw the bad book');
    t.deepEqual(sim.trading.readModel.positions(), []);
    // Other symbols are not affected.
    t.is(componentView(sim.runtime, 'md-ethusdt').summary.rejected, 0);
    unhurt(t, sim);
  });
}

test('a venue that keeps sending bad books degrades market data and strategy, quotes come down; good books restore them', async (t) => {
  const sim = await start(t, MAKER);
  const venue = simVenue(sim);
  await sim.clock.advance(5 * SECOND);
  t.true(Number(componentView(sim.runtime, 'strat').summary.working) > 0, 'the maker quotes');
  const undo = tamper(venue, 'book', (book) =>
    book.symbol === 'BTCUSDT' ? { ...book, bids: [{ price: Number.NaN, qty: 1 }] } : book,
  );
  await sim.clock.advance(10 * SECOND);
  const md = componentView(sim.runtime, 'md-btcusdt');
  t.is(md.state, 'stale');
  t.is(md.lifecycle, 'degraded');
  t.is(md.reason, 'market-data stale');
  t.is(componentView(sim.runtime, 'strat').lifecycle, 'degraded');
  t.is(Number(componentView(sim.runtime, 'strat').summary.working), 0, 'its quotes were pulled');
  const admitted = Number(componentView(sim.runtime, 'eng').summary.admitted);
  // Incidents are rate-limited to one a minute; the next one counts what was rejected in between.
  await sim.clock.advance(MINUTE);
  const raised = sim.runtime.incidents('BAD_MARKET_DATA');
  t.is(raised.length, 2);
  t.true(Number(raised[1]?.data.rejected) > 100, `counted: ${String(raised[1]?.data.rejected)}`);
  t.is(Number(componentView(sim.runtime, 'eng').summary.admitted), admitted, 'no intent on a bad book');
  // Quotes resting before the books went bad may have filled: real fills; nothing else moved positions.
  await positionsMatchFills(t, sim);
  undo();
  await sim.clock.advance(5 * SECOND);
  t.is(componentView(sim.runtime, 'md-btcusdt').lifecycle, 'running');
  t.is(componentView(sim.runtime, 'strat').lifecycle, 'running');
  await sim.clock.advance(5 * SECOND);
  t.true(Number(componentView(sim.runtime, 'eng').summary.admitted) > admitted, 'quoting resumed');
  t.is(sim.runtime.incidents('BAD_MARKET_DATA').length, 2);
  t.is(sim.runtime.restarts(), 0);
  t.is(sim.runtime.state, 'running');
});

// ---------------------------------------------------------------------------------------------
// Order states: the in-flight check of an order whose outcome is unknown

const BAD_ORDERS: readonly {
  readonly title: string;
  readonly corrupt: (order: VenueOrder) => unknown;
  readonly detail: string;
}[] = [
  {
    title: 'an unknown order status',
    corrupt: (o) => ({ ...o, status: 'exploded' }),
    detail: 'check found an unknown order status "exploded"',
  },
  {
    title: 'a negative filled quantity',
    corrupt: (o) => ({ ...o, filledQty: -0.01 }),
    detail: 'check found filledQty -0.01: expected a finite number ≥ 0',
  },
  {
    title: 'a NaN filled quantity',
    corrupt: (o) => ({ ...o, filledQty: Number.NaN }),
    detail: 'check found filledQty NaN: expected a finite number ≥ 0',
  },
  {
    title: 'a missing venue order id',
    corrupt: ({ venueOrderId: _id, ...rest }) => rest,
    detail: 'check found an order without a venueOrderId',
  },
];

for (const c of BAD_ORDERS) {
  test(`an in-flight check answered with ${c.title} resolves nothing: incidents, then REDUCING`, async (t) => {
    const sim = await start(t);
    const venue = simVenue(sim);
    // The order is placed but its answer is lost: only an in-flight check can learn its outcome.
    venue.faults.set({ kind: 'timeoutAfterAccept', ops: ['submit'], count: 1 });
    tamper(venue, 'order', c.corrupt);
    const intentId = await propose(sim, { type: 'limit', price: 50_000 });
    await sim.clock.advance(MINUTE);
    const bad = sim.runtime.incidents('BAD_VENUE_DATA');
    t.true(bad.length >= 1);
    for (const incident of bad) {
      t.is(incident.actor, 'eng');
      t.is(incident.detail, c.detail);
    }
    const order = await orderOf(sim, intentId);
    t.like(bad[0]?.data, { clientOrderId: order.clientOrderId, symbol: 'BTCUSDT', strategy: 'strat' });
    t.is(order.state, 'unknown.exhausted', 'a bad answer is no outcome');
    t.is(order.filledQty, 0);
    t.is(sim.runtime.incidents('ORDER_OUTCOME_UNKNOWN').length, 1);
    t.is(componentView(sim.runtime, 'eng').state, 'REDUCING');
    t.deepEqual(sim.trading.readModel.positions(), []);
    unhurt(t, sim);
  });
}

// ---------------------------------------------------------------------------------------------
// Order states: answers to the polling of working orders (open orders, order queries) and to a submit

const POLLED: readonly {
  readonly title: string;
  readonly corrupt: (order: VenueOrder) => VenueOrder;
  readonly detail: RegExp;
}[] = [
  {
    title: 'an unknown order status',
    corrupt: (o) => ({ ...o, status: 'exploded' as VenueOrder['status'] }),
    detail: /status "exploded"/,
  },
  {
    title: 'a negative filled quantity',
    corrupt: (o) => ({ ...o, filledQty: -0.01 }),
    detail: /filledQty -0\.01/,
  },
];

/** A resting buy far below the market, with every venue answer about it passed through `corrupt`. */
async function restingOrderSeenAs(t: ExecutionContext, corrupt: (order: VenueOrder) => VenueOrder) {
  const sim = await start(t);
  const venue = simVenue(sim);
  tamper(venue, 'openOrders', (orders) => orders.map(corrupt));
  tamper(venue, 'order', corrupt);
  const intentId = await propose(sim, { type: 'limit', price: 50_000 });
  await sim.clock.advance(10 * SECOND);
  return { sim, intentId };
}

for (const c of POLLED) {
  test(`a polled order with ${c.title} changes nothing: the order stays open, positions untouched`, async (t) => {
    const { sim, intentId } = await restingOrderSeenAs(t, c.corrupt);
    const order = await orderOf(sim, intentId);
    t.is(order.state, 'open');
    t.is(order.filledQty, 0);
    t.deepEqual(sim.trading.readModel.positions(), []);
    unhurt(t, sim);
  });

  // Reported: `Execution.learn` takes any VenueOrder from `openOrders`/`order`/`cancel` on trust.
  test(`a polled order with ${c.title} is reported as an incident`, async (t) => {
    const { sim } = await restingOrderSeenAs(t, c.corrupt);
    const bad = sim.runtime.incidents('BAD_VENUE_DATA');
    t.true(bad.length >= 1, 'an incident names the bad answer');
    t.regex(bad[0]?.detail ?? '', c.detail);
  });
}

// Reported: `submitOrder` treats any status other than `rejected` as accepted.
test('a submit answered with an unknown order status is reported as an incident', async (t) => {
  const sim = await start(t);
  tamper(simVenue(sim), 'submit', (order) => ({ ...order, status: 'exploded' }));
  await propose(sim, { type: 'limit', price: 50_000 });
  await sim.clock.advance(2 * SECOND);
  const bad = sim.runtime.incidents('BAD_VENUE_DATA');
  t.true(bad.length >= 1);
  t.regex(bad[0]?.detail ?? '', /status "exploded"/);
});

// ---------------------------------------------------------------------------------------------
// Fills

const BAD_FILLS: readonly {
  readonly title: string;
  readonly corrupt: (fill: Fill) => unknown;
  readonly detail: (fill: Fill) => string;
}[] = [
  {
    title: 'a NaN quantity',
    corrupt: (f) => ({ ...f, qty: Number.NaN }),
    detail: (f) => `fill ${f.fillId}: qty must be a finite number > 0, got NaN`,
  },
  {
    title: 'a negative quantity',
    corrupt: (f) => ({ ...f, qty: -f.qty }),
    detail: (f) => `fill ${f.fillId}: qty must be a finite number > 0, got -${f.qty}`,
  },
  {
    title: 'a negative price',
    corrupt: (f) => ({ ...f, price: -1 }),
    detail: (f) => `fill ${f.fillId}: price must be a finite number > 0, got -1`,
  },
  {
    title: 'a quantity beyond the order',
    corrupt: (f) => ({ ...f, qty: 0.03 }),
    detail: (f) => `fill ${f.fillId} of 0.03 would take the order to 0.03, more than its 0.01`,
  },
  {
    title: 'no fill id',
    corrupt: ({ fillId: _id, ...rest }) => rest,
    detail: () => 'fill without a fillId (undefined)',
  },
];

/** A market buy of 0.01 that fills at once, with the venue's fills passed through `corrupt`. */
async function marketBuyWithFills(t: ExecutionContext, corrupt: (fills: Fill[]) => unknown) {
  const sim = await start(t);
  const venue = simVenue(sim);
  const undo = tamper(venue, 'myTrades', corrupt);
  const intentId = await propose(sim);
  await sim.clock.advance(5 * SECOND);
  return { sim, venue, intentId, undo };
}

for (const c of BAD_FILLS) {
  test(`a fill with ${c.title} is rejected with an incident; positions are untouched until the true fill comes`, async (t) => {
    const { sim, venue, intentId, undo } = await marketBuyWithFills(t, (fills) => fills.map(c.corrupt));
    const [real] = await venue.engine.trades('BTCUSDT');
    if (!real) throw new Error('the market order did not fill');
    const order = await orderOf(sim, intentId);
    const bad = sim.runtime.incidents('BAD_VENUE_DATA');
    t.true(bad.length >= 1);
    t.is(bad[0]?.actor, 'eng');
    t.is(bad[0]?.detail, c.detail(real));
    t.like(bad[0]?.data, { clientOrderId: order.clientOrderId, engine: 'eng', strategy: 'strat' });
    t.is(order.state, 'open', 'the bad fill did not count');
    t.is(order.filledQty, 0);
    t.deepEqual(sim.trading.readModel.positions(), []);
    t.deepEqual(await sim.trading.readModel.fills({ limit: 100 }), []);
    t.is(componentView(sim.runtime, 'strat').summary.position, 0);
    unhurt(t, sim);
    // The venue corrects itself: the true fill is counted, once.
    undo();
    await sim.clock.advance(5 * SECOND);
    t.is((await orderOf(sim, intentId)).state, 'filled');
    const fee = real.feeAsset === 'BTC' ? real.fee : 0;
    const positions = sim.trading.readModel.positions();
    t.is(positions.length, 1);
    t.is(positions[0]?.qty.toFixed(8), (real.qty - fee).toFixed(8));
    t.is((await sim.trading.readModel.fills({ limit: 100 })).length, 1);
    t.is(componentView(sim.runtime, 'strat').summary.position, 0.01);
    unhurt(t, sim);
  });
}

const NOT_FILLS: readonly { readonly title: string; readonly corrupt: (fills: Fill[]) => unknown }[] = [
  { title: 'not a list', corrupt: () => ({ code: -1003, msg: 'Too many requests' }) },
  { title: 'a list with a null in it', corrupt: (fills) => [...fills, null] },
];

for (const c of NOT_FILLS) {
  // Reported: `fetchFills` hands on whatever myTrades answered; `onFills` then throws inside the
  // engine's handler, the engine crashes on every fetch, and within minutes the runtime halts.
  test(`a fills answer that is ${c.title} is reported; the engine does not crash`, async (t) => {
    const { sim } = await marketBuyWithFills(t, c.corrupt);
    t.is(sim.runtime.restarts(), 0, 'the engine did not crash');
    t.true(sim.runtime.incidents('BAD_VENUE_DATA').length >= 1);
  });
}

/** A fill of someone else's order on the same account: a client order id we never sent. */
function foreignFill(like: Fill): Fill {
  return {
    ...like,
    fillId: `foreign-${like.fillId}`,
    clientOrderId: 'manual-order-1',
    venueOrderId: '999999',
  };
}

test('a fill for a client order id we never sent does not touch positions', async (t) => {
  const { sim, venue } = await marketBuyWithFills(t, (fills) => [...fills, ...fills.map(foreignFill)]);
  const ours = await venue.engine.trades('BTCUSDT');
  t.is(ours.length, 1);
  const positions = sim.trading.readModel.positions();
  t.is(positions.length, 1);
  t.is(positions[0]?.fills, 1, 'only our own fill is in the position');
  t.deepEqual(
    (await sim.trading.readModel.fills({ limit: 100 })).map((f) => f.fillId),
    ours.map((f) => f.fillId),
  );
  unhurt(t, sim);
});

// Reported: `Execution.onFills` skips a fill without an order slot silently (`if (!slot) continue`).
test('a fill for a client order id we never sent is reported as an incident', async (t) => {
  const { sim } = await marketBuyWithFills(t, (fills) => [...fills, ...fills.map(foreignFill)]);
  const bad = sim.runtime.incidents('BAD_VENUE_DATA');
  t.true(bad.length >= 1);
  t.regex(bad[0]?.detail ?? '', /manual-order-1/);
});

// Reported: neither the order machine nor execution compares a fill's side (or symbol) with the
// order's; the portfolio books the fill's side, so a buy is booked as a sell.
test('a fill whose side contradicts its order is rejected with an incident; positions are untouched', async (t) => {
  const { sim } = await marketBuyWithFills(t, (fills) =>
    fills.map((f) => ({ ...f, side: f.side === 'buy' ? 'sell' : 'buy' })),
  );
  t.deepEqual(sim.trading.readModel.positions(), [], 'a buy is never booked as a sell');
  t.true(sim.runtime.incidents('BAD_VENUE_DATA').length >= 1);
});

// Reported: the order machine checks qty and price only; the portfolio refuses a NaN fee, and
// execution ignores the portfolio's refusal — the order and the strategy count a fill the
// positions never see, silently.
test('a fill the portfolio refuses (NaN fee) is not counted by the order either, and is reported', async (t) => {
  const { sim, intentId } = await marketBuyWithFills(t, (fills) =>
    fills.map((f) => ({ ...f, fee: Number.NaN })),
  );
  t.true(sim.runtime.incidents('BAD_VENUE_DATA').length >= 1, 'an incident');
  t.is((await orderOf(sim, intentId)).filledQty, 0, 'the order did not count it');
  t.is(componentView(sim.runtime, 'strat').summary.position, 0, 'nor did the strategy');
});

// Reported: the same bad fill comes back on every poll and raises a new incident each time (market
// data rate-limits its incidents; orders do not).
test('a bad fill the venue repeats on every poll is reported once', async (t) => {
  const { sim } = await marketBuyWithFills(t, (fills) => fills.map((f) => ({ ...f, qty: Number.NaN })));
  await sim.clock.advance(MINUTE);
  t.is(sim.runtime.incidents('BAD_VENUE_DATA').length, 1);
});

// Reported: the issue asks that the engine degrade or go REDUCING on bad venue data; a fill it
// cannot count leaves its position in doubt, yet the engine stays ACTIVE.
test('a fill the engine cannot count puts the engine in REDUCING', async (t) => {
  const { sim } = await marketBuyWithFills(t, (fills) => fills.map((f) => ({ ...f, qty: Number.NaN })));
  t.is(componentView(sim.runtime, 'eng').state, 'REDUCING');
});

// ---------------------------------------------------------------------------------------------
// Config

/** A strategy block with valid settings. */
const strategy = (id: string, symbol = 'BTCUSDT', kind = 'market-maker') => ({
  id,
  kind,
  symbol,
  settings: { halfSpreadBps: 5, quoteSize: 0.01, maxInventory: 0.05 },
});

const BAD_CONFIGS: readonly { readonly title: string; readonly raw: unknown; readonly issues: string[] }[] = [
  {
    title: 'a duplicate strategy id',
    raw: { engines: [{ id: 'a', strategies: [strategy('s'), strategy('s')] }] },
    issues: ['engines[0].strategies[1].id: duplicate or reserved id "s"'],
  },
  {
    title: 'a strategy id that is an engine id, and reserved ids',
    raw: {
      engines: [
        { id: 'a', strategies: [strategy('s')] },
        { id: 'market', strategies: [strategy('a')] },
      ],
    },
    issues: [
      'engines[1].id: duplicate or reserved id "market"',
      'engines[1].strategies[0].id: duplicate or reserved id "a"',
    ],
  },
  {
    title: 'ids of the safety components: the safety supervisor, a reconciliation, a breaker',
    raw: {
      engines: [
        { id: 'safety', strategies: [strategy('recon-b')] },
        { id: 'b', strategies: [strategy('breaker-dd-global')] },
      ],
    },
    issues: [
      'engines[0].id: duplicate or reserved id "safety"',
      'engines[0].strategies[0].id: duplicate or reserved id "recon-b"',
      'engines[1].strategies[0].id: duplicate or reserved id "breaker-dd-global"',
    ],
  },
  {
    title: 'a symbol not among symbols',
    raw: { engines: [{ id: 'a', strategies: [strategy('s', 'DOGEUSDT')] }] },
    issues: ['engines[0].strategies[0].symbol: "DOGEUSDT" is not one of symbols (BTCUSDT, ETHUSDT, SOLUSDT)'],
  },
  {
    title: 'a malformed symbol',
    raw: { engines: [{ id: 'a', strategies: [strategy('s', 'btc/usdt')] }] },
    issues: ['engines[0].strategies[0].symbol: expected an upper-case symbol like BTCUSDT'],
  },
  {
    title: 'a live engine on ccxt without keys',
    raw: {
      venue: { kind: 'ccxt', name: 'binance' },
      engines: [
        { id: 'a', mode: 'shadow', strategies: [strategy('s')] },
        { id: 'b', mode: 'live', strategies: [strategy('t')] },
      ],
    },
    issues: [
      'engines[1].mode: live needs venue.apiKey and venue.secret (or PREDATOR_API_KEY / PREDATOR_API_SECRET)',
    ],
  },
  {
    title: 'a live engine on ccxt with a key but no secret',
    raw: {
      venue: { kind: 'ccxt', name: 'binance', apiKey: 'k' },
      engines: [{ id: 'a', mode: 'live', strategies: [strategy('s')] }],
    },
    issues: [
      'engines[0].mode: live needs venue.apiKey and venue.secret (or PREDATOR_API_KEY / PREDATOR_API_SECRET)',
    ],
  },
  {
    title: 'an unknown mode',
    raw: { engines: [{ id: 'a', mode: 'paper', strategies: [strategy('s')] }] },
    issues: ['engines[0].mode: Invalid option: expected one of "shadow"|"live"'],
  },
  {
    title: 'an unknown strategy kind',
    raw: { engines: [{ id: 'a', strategies: [strategy('s', 'BTCUSDT', 'arbitrage')] }] },
    issues: [
      'engines[0].strategies[0].kind: Invalid option: expected one of "market-maker"|"trend-follower"',
    ],
  },
  {
    title: 'negative and NaN balances',
    raw: { balances: { USDT: -5, BTC: Number.NaN }, engines: [{ id: 'a', strategies: [strategy('s')] }] },
    issues: [
      'balances.USDT: Too small: expected number to be >=0',
      'balances.BTC: Invalid input: expected number, received NaN',
    ],
  },
  {
    title: 'no engine',
    raw: { engines: [] },
    issues: ['engines: Too small: expected array to have >=1 items'],
  },
];

for (const c of BAD_CONFIGS) {
  test(`a trading config with ${c.title} is a ConfigError naming the field`, (t) => {
    const error = t.throws(() => parseTradingConfig(c.raw), { instanceOf: ConfigError });
    t.deepEqual(error?.issues, c.issues);
    for (const issue of c.issues) t.true(error?.message.includes(issue), issue);
  });
}

test('a trading config with several problems names every one of them', (t) => {
  const error = t.throws(
    () =>
      parseTradingConfig({
        venue: { kind: 'ccxt', name: 'binance' },
        engines: [{ id: 'a', mode: 'live', strategies: [strategy('a', 'DOGEUSDT')] }],
      }),
    { instanceOf: ConfigError },
  );
  t.deepEqual(error?.issues, [
    'engines[0].strategies[0].id: duplicate or reserved id "a"',
    'engines[0].strategies[0].symbol: "DOGEUSDT" is not one of symbols (BTCUSDT, ETHUSDT, SOLUSDT)',
    'engines[0].mode: live needs venue.apiKey and venue.secret (or PREDATOR_API_KEY / PREDATOR_API_SECRET)',
  ]);
});

test('a live engine on ccxt with both keys is a valid config', (t) => {
  const config = parseTradingConfig({
    venue: { kind: 'ccxt', name: 'binance', apiKey: 'k', secret: 's' },
    engines: [{ id: 'a', mode: 'live', strategies: [strategy('s')] }],
  });
  t.is(config.engines[0]?.mode, 'live');
});

// Reported: strategy settings are only checked when the strategy machine starts; a bad one passes
// `parseTradingConfig`, then crash-loops the strategy until the runtime halts.
test("a strategy's bad settings are a ConfigError naming the field", (t) => {
  const error = t.throws(
    () =>
      parseTradingConfig({
        engines: [
          {
            id: 'a',
            strategies: [
              { ...strategy('s'), settings: { halfSpreadBps: -5, quoteSize: 0.01, maxInventory: 0.05 } },
            ],
          },
        ],
      }),
    { instanceOf: ConfigError },
  );
  t.true(error?.issues.some((i) => i.startsWith('engines[0].strategies[0].settings.halfSpreadBps: ')));
});
