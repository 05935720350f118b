import test from 'ava';
import { Portfolio } from '../../actors/trading/portfolio';
import type { Fill, Side } from '../../actors/trading/types';
import { Rng } from '../../actors/kernel/rng';
import { BTC, ETH } from './fixtures/instruments';

// Net PnL curves per engine and strategy against hand-computed marks; fees in USDT.

function fill(id: string, side: Side, qty: number, price: number, fee: number, t: number): Fill {
  return {
    fillId: id,
    venueOrderId: `v-${id}`,
    clientOrderId: `c-${id}`,
    symbol: 'BTCUSDT',
    side,
    qty,
    price,
    fee,
    feeAsset: 'USDT',
    liquidity: 'taker',
    t,
  };
}

test('each engine and strategy gets a net PnL curve, one point per mark, with its peak and drawdown', (t) => {
  const p = Portfolio.create({ valuationAsset: 'USDT', instruments: [BTC, ETH] });
  p.recordTransfer({ transferId: 'fund', asset: 'USDT', amount: 100_000, reason: 'starting balance', t: 0 });
  // mm/a buys 1 BTC at 100 (fee 1); trend/x sells 0.5 BTC at 100 (fee 0.5).
  t.is(p.recordFill(fill('a1', 'buy', 1, 100, 1, 1), { engine: 'mm', strategy: 'a' }).status, 'recorded');
  t.is(
    p.recordFill(fill('x1', 'sell', 0.5, 100, 0.5, 2), { engine: 'trend', strategy: 'x' }).status,
    'recorded',
  );
  p.mark(10, { BTCUSDT: 110 }); // a: +10 − 1 = 9; x: −5 − 0.5 = −5.5
  p.mark(20, { BTCUSDT: 90 }); //  a: −10 − 1 = −11; x: +5 − 0.5 = 4.5
  p.mark(30, { BTCUSDT: 105 }); // a: +5 − 1 = 4; x: −2.5 − 0.5 = −3
  const a = p.pnlCurve({ engine: 'mm', strategy: 'a' });
  t.deepEqual(
    a.points.map((q) => [q.t, q.equity]),
    [
      [10, 9],
      [20, -11],
      [30, 4],
    ],
  );
  t.is(a.peak, 9);
  t.is(a.maxDrawdown, 20, 'from the peak of 9 down to −11');
  t.deepEqual(
    p.pnlCurve({ engine: 'trend' }).points.map((q) => q.equity),
    [-5.5, 4.5, -3],
  );
  t.deepEqual(
    p.pnlCurve({ engine: 'mm' }).points.map((q) => q.equity),
    [9, -11, 4],
    'the engine of one strategy',
  );
  t.deepEqual(p.pnlCurve({ engine: 'nobody' }).points, [], 'a scope that never traded has no curve');
});

test('over a long mixed run, every curve point is the scope’s exact net PnL at that mark', (t) => {
  const rng = new Rng(7);
  const p = Portfolio.create({ valuationAsset: 'USDT', instruments: [BTC, ETH] });
  p.recordTransfer({
    transferId: 'fund',
    asset: 'USDT',
    amount: 10_000_000,
    reason: 'starting balance',
    t: 0,
  });
  p.recordTransfer({ transferId: 'fund-btc', asset: 'BTC', amount: 1_000, reason: 'starting balance', t: 0 });
  p.recordTransfer({
    transferId: 'fund-eth',
    asset: 'ETH',
    amount: 10_000,
    reason: 'starting balance',
    t: 0,
  });
  const owners = [
    { engine: 'mm', strategy: 'a' },
    { engine: 'mm', strategy: 'b' },
    { engine: 'trend', strategy: 'x' },
  ];
  const scopes = [...owners, { engine: 'mm' }, { engine: 'trend' }, {}];
  let now = 1;
  for (let i = 0; i < 300; i++) {
    const symbol = rng.next() < 0.5 ? 'BTCUSDT' : 'ETHUSDT';
    const price = symbol === 'BTCUSDT' ? 100 + rng.int(-20, 20) : 10 + rng.int(-5, 5) / 10;
    const owner = owners[rng.int(0, owners.length - 1)] as (typeof owners)[number];
    const side: Side = rng.next() < 0.5 ? 'buy' : 'sell';
    const f = { ...fill(`r${i}`, side, rng.int(1, 40) / 10, price, rng.int(0, 9) / 100, now++), symbol };
    t.is(p.recordFill(f, owner).status, 'recorded');
    // ETH stays unmarked for the first part of the run: an unmarked symbol adds no unrealized PnL.
    if (i % 7 === 0)
      p.mark(now++, i < 100 ? { BTCUSDT: price } : { BTCUSDT: 100 + rng.int(-20, 20), ETHUSDT: 10 });
    for (const scope of scopes) {
      const points = p.pnlCurve(scope).points;
      const last = points[points.length - 1];
      if (i % 7 === 0 && last)
        t.is(last.equity, p.pnl(scope).net, `scope ${JSON.stringify(scope)} at fill ${i}`);
    }
  }
});
