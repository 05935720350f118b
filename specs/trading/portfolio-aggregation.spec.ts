import test from 'ava';
import { Portfolio } from '../../actors/trading/portfolio';
import type { FillOwner } from '../../actors/trading/portfolio-input';
import type { Fill, Side } from '../../actors/trading/types';
import { BTC, ETH } from './fixtures/instruments';

// PnL per strategy, per engine and per instance: each level is the exact sum of the books below it.

let next = 0;
function fill(symbol: string, side: Side, qty: number, price: number, fee: number): Fill {
  next += 1;
  const id = `agg-${next}`;
  return {
    fillId: id,
    venueOrderId: `v-${id}`,
    clientOrderId: `c-${id}`,
    symbol,
    side,
    qty,
    price,
    fee,
    feeAsset: 'USDT',
    liquidity: 'maker',
    t: next,
  };
}

const A: FillOwner = { engine: 'mm', strategy: 'a' };
const B: FillOwner = { engine: 'mm', strategy: 'b' };
const C: FillOwner = { engine: 'tf', strategy: 'c' };

function threeStrategies(): Portfolio {
  const p = Portfolio.create({ valuationAsset: 'USDT', instruments: [BTC, ETH] });
  p.recordFill(fill('BTCUSDT', 'buy', 1, 100, 0.1), A);
  p.recordFill(fill('BTCUSDT', 'sell', 1, 104, 0.1), A);
  p.recordFill(fill('BTCUSDT', 'sell', 1, 103, 0.1), B);
  p.recordFill(fill('ETHUSDT', 'buy', 2, 50, 0.1), C);
  p.mark(1_000, { BTCUSDT: 101, ETHUSDT: 55 });
  return p;
}

test('a strategy sees only its own fills', (t) => {
  const p = threeStrategies();
  // a: realized (104 − 100) × 1 = 4, fees 0.2, flat → net 3.8
  t.deepEqual(p.pnl(A), { realized: 4, fees: 0.2, unrealized: 0, net: 3.8, unmarked: [] });
  // b: short 1 @ 103 marked at 101 → unrealized 2, fees 0.1 → net 1.9
  t.deepEqual(p.pnl(B), { realized: 0, fees: 0.1, unrealized: 2, net: 1.9, unmarked: [] });
  // c: long 2 @ 50 marked at 55 → unrealized 10, fees 0.1 → net 9.9
  t.deepEqual(p.pnl(C), { realized: 0, fees: 0.1, unrealized: 10, net: 9.9, unmarked: [] });
});

test('an engine is the sum of its strategies', (t) => {
  const p = threeStrategies();
  // mm = a + b: realized 4, fees 0.3, unrealized 2, net 5.7
  t.deepEqual(p.pnl({ engine: 'mm' }), { realized: 4, fees: 0.3, unrealized: 2, net: 5.7, unmarked: [] });
  t.deepEqual(p.pnl({ engine: 'tf' }), p.pnl(C));
  // a is flat and b short 1 @ 103: the engine is short 1 @ 103
  t.like(p.position('BTCUSDT', { engine: 'mm' }), { qty: -1, avgPrice: 103, fills: 3 });
});

test('the instance is the sum of its engines', (t) => {
  const p = threeStrategies();
  // mm 5.7 + tf 9.9 = 15.6; realized 4, fees 0.4, unrealized 2 + 10 = 12
  t.deepEqual(p.pnl(), { realized: 4, fees: 0.4, unrealized: 12, net: 15.6, unmarked: [] });
  t.deepEqual(
    p.positions().map((x) => [x.symbol, x.qty]),
    [
      ['BTCUSDT', -1],
      ['ETHUSDT', 2],
    ],
  );
  t.deepEqual(p.owners(), [A, B, C]);
});

test('a scope may name a strategy alone and then matches it in every engine', (t) => {
  const p = threeStrategies();
  t.deepEqual(p.pnl({ strategy: 'b' }), p.pnl(B));
  t.deepEqual(p.positions({ engine: 'nobody' }), []);
});

test('books netted together report the break-even price of the net position', (t) => {
  const p = Portfolio.create({ valuationAsset: 'USDT', instruments: [BTC] });
  p.recordFill(fill('BTCUSDT', 'buy', 1, 100, 0), A);
  p.recordFill(fill('BTCUSDT', 'sell', 0.5, 110, 0), B);
  // a long 1 @ 100 (cost 100), b short 0.5 @ 110 (cost −55): net 0.5 at cost 45 → 90 breaks even.
  // Marked at 90: a −10, b +10 → 0, and 0.5 × (90 − 90) = 0 agrees.
  t.like(p.position('BTCUSDT'), { qty: 0.5, avgPrice: 90, realized: 0 });
  p.mark(1, { BTCUSDT: 90 });
  t.like(p.position('BTCUSDT'), { unrealized: 0 });
  t.is(p.pnl(A).unrealized + p.pnl(B).unrealized, 0);
});
