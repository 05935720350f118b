import test from 'ava';
import { Portfolio } from '../../actors/trading/portfolio';
import type { FillOwner } from '../../actors/trading/portfolio-input';
import type { Fill, Side } from '../../actors/trading/types';
import { BTC, ETH } from './fixtures/instruments';

// Positions and PnL against hand-computed cases. Every case writes its arithmetic out so a reader
// can check it; fees are in USDT unless a case says otherwise.

const MM_A: FillOwner = { engine: 'mm', strategy: 'a' };

function portfolio(): Portfolio {
  return Portfolio.create({ valuationAsset: 'USDT', instruments: [BTC, ETH] });
}

let next = 0;
function fill(side: Side, qty: number, price: number, fee = 0, more: Partial<Fill> = {}): Fill {
  next += 1;
  return {
    fillId: `f${next}`,
    venueOrderId: `v${next}`,
    clientOrderId: `c${next}`,
    symbol: 'BTCUSDT',
    side,
    qty,
    price,
    fee,
    feeAsset: 'USDT',
    liquidity: 'taker',
    t: next,
    ...more,
  };
}

function record(p: Portfolio, ...fills: Fill[]): void {
  for (const f of fills)
    if (p.recordFill(f, MM_A).status !== 'recorded') throw new Error(`not recorded: ${f.fillId}`);
}

test('a round trip realizes (exit − entry) × qty and keeps fees apart, net of them', (t) => {
  const p = portfolio();
  record(p, fill('buy', 2, 100, 0.2), fill('sell', 2, 110, 0.22));
  const btc = p.position('BTCUSDT');
  // realized = (110 − 100) × 2 = 20; fees = 0.20 + 0.22 = 0.42; net = 20 − 0.42 = 19.58
  t.is(btc.qty, 0);
  t.is(btc.avgPrice, null);
  t.is(btc.realized, 20);
  t.is(btc.fees, 0.42);
  t.is(btc.net, 19.58);
  t.is(btc.fills, 2);
  t.deepEqual(p.pnl(), { realized: 20, fees: 0.42, unrealized: 0, net: 19.58, unmarked: [] });
});

test('scaling in averages the entry price by quantity', (t) => {
  const p = portfolio();
  record(p, fill('buy', 1, 100), fill('buy', 3, 104));
  // avg = (1 × 100 + 3 × 104) / 4 = 412 / 4 = 103
  t.like(p.position('BTCUSDT'), { qty: 4, avgPrice: 103, realized: 0 });
});

test('a partial reduction realizes against the average and leaves the average unchanged', (t) => {
  const p = portfolio();
  record(p, fill('buy', 1, 100), fill('buy', 3, 104), fill('sell', 1, 107));
  // long 4 @ 103; sell 1 @ 107 → realized = (107 − 103) × 1 = 4; 3 left @ 103
  t.like(p.position('BTCUSDT'), { qty: 3, avgPrice: 103, realized: 4 });
});

test('an average that does not divide evenly loses nothing once the position closes', (t) => {
  const p = portfolio();
  record(p, fill('buy', 1, 100), fill('buy', 2, 101), fill('sell', 1, 102));
  // long 3 at cost 302 (avg 100.6666…); selling 1 removes 302 / 3 = 100.666666666667 (rounded at
  // 12 decimals), realized = 102 − 100.666666666667 = 1.333333333333
  t.like(p.position('BTCUSDT'), { qty: 2, realized: 1.333333333333, avgPrice: 100.666666666667 });
  record(p, fill('sell', 2, 102));
  // the rounding residue stayed in the cost, so the total is exact: 3 × 102 − 302 = 4
  t.like(p.position('BTCUSDT'), { qty: 0, realized: 4 });
});

test('a flip from long to short in one fill realizes the closed part and opens the rest at the fill price', (t) => {
  const p = portfolio();
  record(p, fill('buy', 1, 100), fill('sell', 3, 110, 0.33));
  // closes 1: realized = (110 − 100) × 1 = 10; opens −2 @ 110; fees 0.33
  t.like(p.position('BTCUSDT'), { qty: -2, avgPrice: 110, realized: 10, fees: 0.33 });
  p.mark(10, { BTCUSDT: 105 });
  // short 2 @ 110 marked at 105: unrealized = (110 − 105) × 2 = 10; net = 10 − 0.33 + 10 = 19.67
  t.like(p.position('BTCUSDT'), { unrealized: 10, net: 19.67, mark: 105 });
});

test('a flip from short to long opens the rest at the fill price too', (t) => {
  const p = portfolio();
  record(p, fill('sell', 2, 100), fill('buy', 5, 90));
  // covers 2: realized = (100 − 90) × 2 = 20; opens +3 @ 90
  t.like(p.position('BTCUSDT'), { qty: 3, avgPrice: 90, realized: 20 });
});

test('a short then a cover realizes (entry − exit) × qty', (t) => {
  const p = portfolio();
  record(p, fill('sell', 2, 50, 0.1, { symbol: 'ETHUSDT' }), fill('buy', 2, 45, 0.09, { symbol: 'ETHUSDT' }));
  // realized = (50 − 45) × 2 = 10; fees = 0.10 + 0.09 = 0.19; net = 9.81
  t.like(p.position('ETHUSDT'), { qty: 0, realized: 10, fees: 0.19, net: 9.81 });
  // quote moved +100 − 90 − 0.19 = 9.81: the balance agrees with the net PnL
  t.deepEqual(p.balances(), { ETH: 0, USDT: 9.81 });
});

test('a fee in the base asset shrinks the position and counts at the fill price', (t) => {
  const p = portfolio();
  p.recordTransfer({ transferId: 'fund', asset: 'USDT', amount: 1000, reason: 'initial funding', t: 0 });
  record(p, fill('buy', 1, 100, 0.001, { feeAsset: 'BTC' }));
  // received 1 − 0.001 = 0.999 BTC for 100 USDT; the fee is worth 0.001 × 100 = 0.1 USDT
  t.like(p.position('BTCUSDT'), { qty: 0.999, avgPrice: 100, realized: 0, fees: 0.1 });
  t.deepEqual(p.balances(), { USDT: 900, BTC: 0.999 });
  p.mark(10, { BTCUSDT: 110 });
  // unrealized = 0.999 × (110 − 100) = 9.99; net = 9.99 − 0.1 = 9.89
  // equity = 900 + 0.999 × 110 = 1009.89 = funding 1000 + net 9.89
  t.like(p.position('BTCUSDT'), { unrealized: 9.99, net: 9.89 });
  t.is(p.equity().equity, 1009.89);
  record(p, fill('sell', 0.999, 110, 0.10989));
  // realized = 0.999 × (110 − 100) = 9.99; fees = 0.1 + 0.10989 = 0.20989; net = 9.78011
  t.like(p.position('BTCUSDT'), { qty: 0, realized: 9.99, fees: 0.20989, net: 9.78011 });
  // USDT = 900 + 0.999 × 110 − 0.10989 = 1009.78011 = funding + net
  t.deepEqual(p.balances(), { USDT: 1009.78011, BTC: 0 });
});

test('unrealized PnL is marked against the given mid and is unknown before a mark', (t) => {
  const p = portfolio();
  record(p, fill('buy', 2, 100));
  t.like(p.position('BTCUSDT'), { unrealized: null, mark: null });
  t.deepEqual(p.pnl(), { realized: 0, fees: 0, unrealized: 0, net: 0, unmarked: ['BTCUSDT'] });
  // a mid between two ticks is a valid mark: 2 × (100.005 − 100) = 0.01
  p.mark(5, { BTCUSDT: 100.005 });
  t.like(p.position('BTCUSDT'), { unrealized: 0.01, mark: 100.005 });
  p.mark(6, { BTCUSDT: 97.5 });
  // 2 × (97.5 − 100) = −5
  t.deepEqual(p.pnl(), { realized: 0, fees: 0, unrealized: -5, net: -5, unmarked: [] });
});

test('equity is cash plus every holding at its mark, and moves with PnL exactly', (t) => {
  const p = portfolio();
  p.recordTransfer({ transferId: 'fund', asset: 'USDT', amount: 10_000, reason: 'initial funding', t: 0 });
  record(p, fill('buy', 0.5, 30_000.5, 0.75), fill('sell', 3, 50, 0.05, { symbol: 'ETHUSDT' }));
  const marked = p.mark(10, { BTCUSDT: 31_000, ETHUSDT: 48 });
  // cash = 10000 − 15000.25 − 0.75 + 150 − 0.05 = −4851.05
  // holdings = 0.5 × 31000 + (−3) × 48 = 15500 − 144 = 15356; equity = 10504.95
  t.deepEqual(marked, { status: 'marked', equity: 10_504.95, unpriced: [] });
  // net PnL = −0.8 fees + 0.5 × (31000 − 30000.5) + 3 × (50 − 48) = −0.8 + 499.75 + 6 = 504.95
  t.is(p.pnl().net, 504.95);
});

test('an asset with a balance but no mark is listed as unpriced and left out of equity', (t) => {
  const p = portfolio();
  p.recordTransfer({ transferId: 'bnb', asset: 'BNB', amount: 2, reason: 'fee discount deposit', t: 0 });
  p.recordTransfer({ transferId: 'usdt', asset: 'USDT', amount: 100, reason: 'initial funding', t: 0 });
  t.deepEqual(p.mark(1, {}), { status: 'marked', equity: 100, unpriced: ['BNB'] });
});

test('over a long mixed run, equity minus funding always equals net PnL and every balance reconciles', (t) => {
  const p = portfolio();
  p.recordTransfer({ transferId: 'fund', asset: 'USDT', amount: 100_000, reason: 'initial funding', t: 0 });
  const owners: FillOwner[] = [MM_A, { engine: 'mm', strategy: 'b' }, { engine: 'tf', strategy: 'c' }];
  // a fixed linear congruential sequence: the same run every time, no ambient randomness
  let seed = 42;
  const draw = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 300; i += 1) {
    const symbol = draw(2) === 0 ? 'BTCUSDT' : 'ETHUSDT';
    const base = symbol === 'BTCUSDT' ? 'BTC' : 'ETH';
    const price = ((symbol === 'BTCUSDT' ? 2_990_000 : 190_000) + draw(20_001)) / 100;
    const qty = symbol === 'BTCUSDT' ? (1 + draw(500)) / 1000 : (1 + draw(300)) / 100;
    const inBase = draw(4) === 0;
    const fee = inBase ? qty / 1000 : Math.round(qty * price) / 1000;
    const f = fill(draw(2) === 0 ? 'buy' : 'sell', qty, price, fee, {
      symbol,
      feeAsset: inBase ? base : 'USDT',
    });
    t.is(p.recordFill(f, owners[draw(3)] ?? MM_A).status, 'recorded');
    const marked = p.mark(i, { BTCUSDT: 30_000 + draw(10_001) / 1000, ETHUSDT: 2_000 + draw(10_001) / 1000 });
    t.is(marked.status, 'marked');
    t.true(Math.abs(p.equity().equity - 100_000 - p.pnl().net) < 1e-6);
  }
  for (const asset of ['USDT', 'BTC', 'ETH']) t.true(p.explain(asset).reconciled);
  // Exactly, from the persisted scaled integers (12 decimals; marked values have 24):
  // Σ balance × mark − funding = Σ (realized − fees) + Σ (qty × mark − cost)
  const json = p.toJSON();
  const u = 10n ** 12n;
  const mark = new Map(json.marks.map((m) => [m.symbol, BigInt(m.price)]));
  const markOf = (asset: string): bigint => (asset === 'USDT' ? u : (mark.get(`${asset}USDT`) ?? 0n));
  const equity = json.ledger.accounts.reduce((sum, a) => sum + BigInt(a.balance) * markOf(a.asset), 0n);
  const net = json.positions.reduce(
    (sum, b) =>
      sum +
      (BigInt(b.realized) - BigInt(b.fees)) * u +
      BigInt(b.qty) * (mark.get(b.symbol) ?? 0n) -
      BigInt(b.cost) * u,
    0n,
  );
  t.is(equity - 100_000n * u * u, net);
  const strategies = owners.map((o) => p.pnl(o).net).reduce((a, b) => a + b, 0);
  t.true(Math.abs(strategies - p.pnl().net) < 1e-6);
});
