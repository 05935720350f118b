import test from 'ava';
import type { TradingStateValue } from '../../machines/trading-state.machine';
import type { RiskContext, RiskDecision, RiskRule } from '../../actors/trading/risk-engine';
import { checkCancel, checkIntent, createRiskEngine, recordAdmitted } from '../../actors/trading/risk-engine';
import type { Instrument, Intent } from '../../actors/trading/types';
import { BTC } from './fixtures/instruments';

const ETH: Instrument = { ...BTC, symbol: 'ETHUSDT', base: 'ETH' };

function intent(overrides: Partial<Intent> = {}): Intent {
  return {
    intentId: 'i-1',
    engine: 'mm-1',
    strategy: 'quoter',
    symbol: 'BTCUSDT',
    side: 'buy',
    type: 'limit',
    qty: 0.1,
    price: 50_000,
    t: 10_000,
    ...overrides,
  };
}

function context(overrides: Partial<RiskContext> = {}): RiskContext {
  return {
    instruments: { BTCUSDT: BTC, ETHUSDT: ETH },
    tradingState: 'ACTIVE',
    positions: {},
    mids: { BTCUSDT: 50_000, ETHUSDT: 3_000 },
    recentOrders: [],
    ...overrides,
  };
}

function check(rules: RiskRule[], i: Intent, c: RiskContext = context()): RiskDecision {
  return checkIntent({ rules }, i, c);
}

const NOTIONAL: RiskRule = { kind: 'maxOrderNotional', name: 'notional-10k', max: 10_000 };
const POSITION: RiskRule = { kind: 'maxPosition', name: 'btc-1', max: 1 };
const BAND: RiskRule = { kind: 'priceBand', name: 'band-50', bps: 50 };
const RATE: RiskRule = { kind: 'orderRate', name: 'rate-3-per-s', max: 3, windowMs: 1_000, per: 'strategy' };

// --- maxOrderNotional ---------------------------------------------------------------------------

test('max order notional admits an order exactly at the limit and just under it', (t) => {
  t.true(check([NOTIONAL], intent({ qty: 0.2 })).admitted); // 10,000
  t.true(check([NOTIONAL], intent({ qty: 0.199 })).admitted);
});

test('max order notional denies an order just over the limit, naming the rule', (t) => {
  t.like(check([NOTIONAL], intent({ qty: 0.201 })), {
    admitted: false,
    reason: 'NOTIONAL_EXCEEDS_MAXIMUM',
    rule: 'notional-10k',
  });
});

test('max order notional values a market order at mid', (t) => {
  t.true(check([NOTIONAL], intent({ type: 'market', price: undefined, qty: 0.2 })).admitted);
  t.like(check([NOTIONAL], intent({ type: 'market', price: undefined, qty: 0.201 })), {
    reason: 'NOTIONAL_EXCEEDS_MAXIMUM',
  });
});

test('a market order cannot be valued without a mid and is denied', (t) => {
  t.like(check([NOTIONAL], intent({ type: 'market', price: undefined }), context({ mids: {} })), {
    admitted: false,
    reason: 'NO_REFERENCE_PRICE',
    rule: 'notional-10k',
  });
});

test('a rule limited to other symbols does not apply', (t) => {
  const ethOnly: RiskRule = { ...NOTIONAL, symbols: ['ETHUSDT'] } as RiskRule;
  t.true(check([ethOnly], intent({ qty: 5 })).admitted);
  t.like(check([ethOnly], intent({ symbol: 'ETHUSDT', price: 3_000, qty: 5 })), {
    reason: 'NOTIONAL_EXCEEDS_MAXIMUM',
  });
});

// --- instrument minimum notional --------------------------------------------------------------

test('an order worth exactly the instrument minimum is admitted and one just under is denied', (t) => {
  t.true(check([], intent({ qty: 0.001, price: 10_000 })).admitted); // 10
  t.like(check([], intent({ qty: 0.001, price: 9_999.99 })), {
    admitted: false,
    reason: 'NOTIONAL_BELOW_MINIMUM',
    rule: null,
  });
});

// --- maxPosition ------------------------------------------------------------------------------

test('max position admits a buy that reaches the limit exactly and denies one just over', (t) => {
  const c = context({ positions: { BTCUSDT: 0.9 } });
  t.true(check([POSITION], intent({ qty: 0.1 }), c).admitted);
  t.true(check([POSITION], intent({ qty: 0.099 }), c).admitted);
  t.like(check([POSITION], intent({ qty: 0.101 }), c), {
    admitted: false,
    reason: 'POSITION_EXCEEDS_MAXIMUM',
    rule: 'btc-1',
  });
});

test('max position is absolute: a short is limited like a long', (t) => {
  const c = context({ positions: { BTCUSDT: -0.9 } });
  t.true(check([POSITION], intent({ side: 'sell', qty: 0.1 }), c).admitted);
  t.like(check([POSITION], intent({ side: 'sell', qty: 0.101 }), c), { reason: 'POSITION_EXCEEDS_MAXIMUM' });
});

test('max position counts working orders on the same side as if they filled', (t) => {
  const c = context({ positions: { BTCUSDT: 0.9 }, openOrders: { BTCUSDT: { buy: 0.05, sell: 0.5 } } });
  t.true(check([POSITION], intent({ qty: 0.05 }), c).admitted);
  t.like(check([POSITION], intent({ qty: 0.051 }), c), { reason: 'POSITION_EXCEEDS_MAXIMUM' });
});

test('max position admits a flip through zero that stays within the limit on the other side', (t) => {
  const c = context({ positions: { BTCUSDT: 0.5 } });
  t.true(check([POSITION], intent({ side: 'sell', qty: 1.5 }), c).admitted); // → -1.0
  t.like(check([POSITION], intent({ side: 'sell', qty: 1.501 }), c), { reason: 'POSITION_EXCEEDS_MAXIMUM' });
});

test('a position already over its limit can still be reduced but not increased', (t) => {
  const c = context({ positions: { BTCUSDT: 1.5 } });
  t.true(check([POSITION], intent({ side: 'sell', qty: 0.1 }), c).admitted);
  t.like(check([POSITION], intent({ side: 'buy', qty: 0.001 }), c), { reason: 'POSITION_EXCEEDS_MAXIMUM' });
});

test('float residue in a position does not push an order at the limit over it', (t) => {
  const c = context({ positions: { BTCUSDT: 0.7 + 0.1 + 0.1 } }); // 0.8999999999999999
  t.true(check([POSITION], intent({ qty: 0.1 }), c).admitted);
});

test('a position that is not a finite number denies every new order', (t) => {
  t.like(check([], intent(), context({ positions: { BTCUSDT: Number.NaN } })), {
    admitted: false,
    reason: 'POSITION_UNKNOWN',
  });
});

// --- priceBand --------------------------------------------------------------------------------

test('price band admits limit prices exactly on the band edge on either side and denies just outside', (t) => {
  t.true(check([BAND], intent({ price: 50_250 })).admitted); // +50 bps
  t.true(check([BAND], intent({ price: 50_249.99 })).admitted);
  t.true(check([BAND], intent({ side: 'sell', price: 49_750 })).admitted); // -50 bps
  t.like(check([BAND], intent({ price: 50_250.01 })), {
    admitted: false,
    reason: 'PRICE_OUTSIDE_BAND',
    rule: 'band-50',
  });
  t.like(check([BAND], intent({ side: 'sell', price: 49_749.99 })), { reason: 'PRICE_OUTSIDE_BAND' });
});

test('price band does not apply to market orders', (t) => {
  t.true(check([BAND], intent({ type: 'market', price: undefined })).admitted);
});

test('price band denies a limit order when there is no mid to compare with', (t) => {
  t.like(check([BAND], intent(), context({ mids: {} })), { reason: 'NO_REFERENCE_PRICE', rule: 'band-50' });
});

// --- orderRate --------------------------------------------------------------------------------

test('order rate admits the last order under the limit and denies the one at it', (t) => {
  const two = [0, 100].map((at) => ({ t: at, engine: 'mm-1', strategy: 'quoter' }));
  const three = [...two, { t: 200, engine: 'mm-1', strategy: 'quoter' }];
  t.true(check([RATE], intent({ t: 500 }), context({ recentOrders: two })).admitted);
  t.like(check([RATE], intent({ t: 500 }), context({ recentOrders: three })), {
    admitted: false,
    reason: 'ORDER_RATE_EXCEEDED',
    rule: 'rate-3-per-s',
  });
});

test('the order-rate window slides with the intent time', (t) => {
  const risk = createRiskEngine({ rules: [RATE] });
  let recent = risk.record([], intent({ t: 0 }));
  recent = risk.record(recent, intent({ t: 100 }));
  recent = risk.record(recent, intent({ t: 200 }));
  const at = (time: number) => risk.check(intent({ t: time }), context({ recentOrders: recent }));
  t.like(at(300), { reason: 'ORDER_RATE_EXCEEDED' });
  t.like(at(999), { reason: 'ORDER_RATE_EXCEEDED' });
  // At 1000 the order of t=0 is exactly one window old: it has left the window.
  t.true(at(1_000).admitted);
  recent = risk.record(recent, intent({ t: 1_000 }));
  t.like(at(1_001), { reason: 'ORDER_RATE_EXCEEDED' }); // 100, 200, 1000
  t.true(at(1_100).admitted); // 200, 1000
});

test('an order-rate limit per strategy ignores sibling strategies, one per engine counts them', (t) => {
  const recent = [0, 1, 2].map((at) => ({ t: at, engine: 'mm-1', strategy: 'other' }));
  const c = context({ recentOrders: recent });
  t.true(check([RATE], intent({ t: 10 }), c).admitted);
  t.like(check([{ ...RATE, per: 'engine' } as RiskRule], intent({ t: 10 }), c), {
    reason: 'ORDER_RATE_EXCEEDED',
  });
  const otherEngine = context({ recentOrders: recent.map((r) => ({ ...r, engine: 'tf-1' })) });
  t.true(check([{ ...RATE, per: 'engine' } as RiskRule], intent({ t: 10 }), otherEngine).admitted);
});

test('recording an admitted order drops orders older than the longest rate window', (t) => {
  const config = { rules: [RATE, { ...RATE, name: 'rate-10-per-5s', max: 10, windowMs: 5_000 } as RiskRule] };
  const recent = [0, 4_000, 5_500].map((at) => ({ t: at, engine: 'mm-1', strategy: 'quoter' }));
  const kept = recordAdmitted(config, recent, intent({ t: 6_000 }));
  t.deepEqual(
    kept.map((r) => r.t),
    [4_000, 5_500, 6_000],
  );
  t.deepEqual(
    recordAdmitted({ rules: [NOTIONAL] }, recent, intent()),
    [],
    'nothing to remember without a rate rule',
  );
});

// --- trading state × {increasing, reducing, cancel} -----------------------------------------

const LONG = context({ positions: { BTCUSDT: 0.5 } });
const INCREASING = intent({ side: 'buy', qty: 0.1 });
const REDUCING = intent({ side: 'sell', qty: 0.1 });

const MATRIX: ReadonlyArray<readonly [TradingStateValue, string | true, string | true]> = [
  ['ACTIVE', true, true],
  ['REDUCING', 'REDUCING_INCREASES_EXPOSURE', true],
  ['HALTED', 'TRADING_HALTED', 'TRADING_HALTED'],
];

for (const [state, increasing, reducing] of MATRIX) {
  test(`trading state ${state}: an increasing order is ${increasing === true ? 'admitted' : increasing}`, (t) => {
    const decision = check([NOTIONAL, POSITION, BAND, RATE], INCREASING, { ...LONG, tradingState: state });
    if (increasing === true) t.deepEqual(decision, { admitted: true });
    else t.like(decision, { admitted: false, reason: increasing });
  });

  test(`trading state ${state}: a reducing order is ${reducing === true ? 'admitted' : reducing}`, (t) => {
    const decision = check([NOTIONAL, POSITION, BAND, RATE], REDUCING, { ...LONG, tradingState: state });
    if (reducing === true) t.deepEqual(decision, { admitted: true });
    else t.like(decision, { admitted: false, reason: reducing });
  });

  test(`trading state ${state}: a cancel is admitted, even past the order-rate limit`, (t) => {
    const full = [0, 1, 2].map((at) => ({ t: at, engine: 'mm-1', strategy: 'quoter' }));
    const c = { ...LONG, tradingState: state, recentOrders: full };
    const cancel = { clientOrderId: 'pd-x', engine: 'mm-1', strategy: 'quoter', symbol: 'BTCUSDT', t: 5 };
    t.deepEqual(checkCancel(cancel, c), { admitted: true });
    t.deepEqual(createRiskEngine({ rules: [RATE] }).checkCancel(cancel, c), { admitted: true });
  });
}

test('REDUCING admits closing the whole position exactly, on either side', (t) => {
  const reducing = { tradingState: 'REDUCING' as const };
  t.true(
    check([], intent({ side: 'sell', qty: 0.5 }), context({ ...reducing, positions: { BTCUSDT: 0.5 } }))
      .admitted,
  );
  t.true(
    check([], intent({ side: 'buy', qty: 0.5 }), context({ ...reducing, positions: { BTCUSDT: -0.5 } }))
      .admitted,
  );
});

test('REDUCING denies an order that would flip the position through zero', (t) => {
  const c = context({ tradingState: 'REDUCING', positions: { BTCUSDT: 0.5 } });
  const decision = check([], intent({ side: 'sell', qty: 0.501 }), c);
  t.like(decision, { admitted: false, reason: 'REDUCING_INCREASES_EXPOSURE' });
  t.regex((decision as { detail: string }).detail, /through zero/);
});

test('REDUCING counts working reducing orders: together they may not flip the position', (t) => {
  const c = context({
    tradingState: 'REDUCING',
    positions: { BTCUSDT: 0.5 },
    openOrders: { BTCUSDT: { buy: 0, sell: 0.3 } },
  });
  t.true(check([], intent({ side: 'sell', qty: 0.2 }), c).admitted);
  t.like(check([], intent({ side: 'sell', qty: 0.201 }), c), { reason: 'REDUCING_INCREASES_EXPOSURE' });
});

test('REDUCING denies every order when flat: there is nothing to reduce', (t) => {
  const c = context({ tradingState: 'REDUCING' });
  t.like(check([], intent({ side: 'buy' }), c), { reason: 'REDUCING_INCREASES_EXPOSURE' });
  t.like(check([], intent({ side: 'sell' }), c), { reason: 'REDUCING_INCREASES_EXPOSURE' });
});

test('a reducing order still answers to the other rules', (t) => {
  const c = context({ tradingState: 'REDUCING', positions: { BTCUSDT: 0.5 } });
  t.like(check([BAND], intent({ side: 'sell', qty: 0.1, price: 40_000 }), c), {
    reason: 'PRICE_OUTSIDE_BAND',
  });
});

// --- bad intents ------------------------------------------------------------------------------

const BAD: ReadonlyArray<readonly [string, Partial<Intent> | Record<string, unknown>, string]> = [
  ['an empty intent id', { intentId: '' }, 'intentId'],
  ['no engine', { engine: undefined }, 'engine'],
  ['an empty strategy', { strategy: '' }, 'strategy'],
  ['an unknown symbol', { symbol: 'DOGEUSDT' }, 'symbol'],
  ['an inherited property name as symbol', { symbol: 'toString' }, 'symbol'],
  ['an unknown side', { side: 'hold' }, 'side'],
  ['an unknown order type', { type: 'stop' }, 'type'],
  ['a NaN quantity', { qty: Number.NaN }, 'qty'],
  ['a negative quantity', { qty: -0.1 }, 'qty'],
  ['a zero quantity', { qty: 0 }, 'qty'],
  ['an infinite quantity', { qty: Number.POSITIVE_INFINITY }, 'qty'],
  ['a quantity as a string', { qty: '0.1' }, 'qty'],
  ['a quantity off the lot size', { qty: 0.0005 }, 'qty'],
  ['a limit order without a price', { price: undefined }, 'price'],
  ['a NaN price', { price: Number.NaN }, 'price'],
  ['a negative price', { price: -50_000 }, 'price'],
  ['a price off the tick size', { price: 50_000.005 }, 'price'],
  ['a market order with a NaN price', { type: 'market', price: Number.NaN }, 'price'],
  ['a NaN time', { t: Number.NaN }, 't'],
];

for (const [what, change, field] of BAD) {
  test(`an intent with ${what} is INVALID_INTENT naming ${field}`, (t) => {
    const decision = check([NOTIONAL, POSITION, BAND, RATE], { ...intent(), ...change } as Intent);
    t.like(decision, { admitted: false, reason: 'INVALID_INTENT', field });
    t.true((decision as { detail: string }).detail.length > 0);
  });
}

test('an invalid intent is reported as invalid even while trading is halted', (t) => {
  t.like(check([], intent({ qty: Number.NaN }), context({ tradingState: 'HALTED' })), {
    reason: 'INVALID_INTENT',
    field: 'qty',
  });
});

test('the first failing check wins, in a fixed order: state, band, notional, position, rate', (t) => {
  const everythingWrong = intent({ qty: 5, price: 60_000, t: 10 });
  const c = context({
    positions: { BTCUSDT: 0.9 },
    recentOrders: [0, 1, 2].map((at) => ({ t: at, engine: 'mm-1', strategy: 'quoter' })),
  });
  const rules = [RATE, POSITION, NOTIONAL, BAND];
  t.like(check(rules, everythingWrong, { ...c, tradingState: 'HALTED' }), { reason: 'TRADING_HALTED' });
  t.like(check(rules, everythingWrong, c), { reason: 'PRICE_OUTSIDE_BAND' });
  t.like(check(rules, { ...everythingWrong, price: 50_000 }, c), { reason: 'NOTIONAL_EXCEEDS_MAXIMUM' });
  t.like(check(rules, { ...everythingWrong, price: 50_000, qty: 0.2 }, c), {
    reason: 'POSITION_EXCEEDS_MAXIMUM',
  });
  t.like(check(rules, { ...everythingWrong, price: 50_000, qty: 0.1 }, c), { reason: 'ORDER_RATE_EXCEEDED' });
});

test('the same intent and context always give the same decision', (t) => {
  const c = context({ positions: { BTCUSDT: 0.95 } });
  const first = check([NOTIONAL, POSITION, BAND, RATE], intent(), c);
  for (let i = 0; i < 10; i++) t.deepEqual(check([NOTIONAL, POSITION, BAND, RATE], intent(), c), first);
});
