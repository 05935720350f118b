import test from 'ava';
import { Portfolio } from '../../actors/trading/portfolio';
import type { Fill } from '../../actors/trading/types';
import { BTC } from './fixtures/instruments';

// Every balance change is explained by a fill, a fee or a recorded transfer, and a venue balance the
// ledger does not explain is detected.

const OWNER = { engine: 'mm', strategy: 'a' };

function buy(fillId: string, qty: number, price: number, fee: number, t: number): Fill {
  return {
    fillId,
    venueOrderId: `v-${fillId}`,
    clientOrderId: `c-${fillId}`,
    symbol: 'BTCUSDT',
    side: 'buy',
    qty,
    price,
    fee,
    feeAsset: 'USDT',
    liquidity: 'taker',
    t,
  };
}

function funded(options: { ledgerCapacity?: number } = {}): Portfolio {
  const p = Portfolio.create({ valuationAsset: 'USDT', instruments: [BTC], ...options });
  p.recordTransfer({ transferId: 'fund-1', asset: 'USDT', amount: 1000, reason: 'initial funding', t: 0 });
  p.recordFill(buy('f1', 2, 100, 0.2, 10), OWNER);
  return p;
}

test('a balance is explained movement by movement, each with its cause', (t) => {
  const p = funded();
  const usdt = p.explain('USDT');
  // 1000 − 2 × 100 − 0.2 = 799.8
  t.is(usdt.balance, 799.8);
  t.deepEqual(
    usdt.entries.map((e) => [e.amount, e.cause]),
    [
      [1000, { kind: 'transfer', transferId: 'fund-1', reason: 'initial funding' }],
      [-200, { kind: 'fill', fillId: 'f1', symbol: 'BTCUSDT' }],
      [-0.2, { kind: 'fee', fillId: 'f1', symbol: 'BTCUSDT' }],
    ],
  );
  t.deepEqual(usdt.totals, { fills: -200, fees: -0.2, transfers: 1000 });
  t.true(usdt.reconciled);
  t.like(p.explain('BTC'), { balance: 2, totals: { fills: 2, fees: 0, transfers: 0 }, reconciled: true });
});

test('an asset that never moved is explained as zero', (t) => {
  t.like(funded().explain('ETH'), { balance: 0, entries: [], reconciled: true });
});

test('old movements fold into a carried total and the explanation still adds up exactly', (t) => {
  const p = funded({ ledgerCapacity: 2 });
  p.recordFill(buy('f2', 1, 100.01, 0.1, 20), OWNER);
  const usdt = p.explain('USDT');
  // kept: the last two USDT movements (f2's trade and fee); carried: funding, f1's trade and fee
  t.deepEqual(
    usdt.entries.map((e) => e.amount),
    [-100.01, -0.1],
  );
  t.like(usdt.carried, { entries: 3, fills: -200, fees: -0.2, transfers: 1000 });
  // 1000 − 200 − 0.2 − 100.01 − 0.1 = 699.69
  t.like(usdt, {
    balance: 699.69,
    totals: { fills: -300.01, fees: -0.3, transfers: 1000 },
    reconciled: true,
  });
});

test('venue balances the ledger explains give no discrepancy, free and locked together', (t) => {
  const p = funded();
  t.deepEqual(
    p.unexplainedChanges({ USDT: { free: 699.8, locked: 100 }, BTC: { free: 1.5, locked: 0.5 } }),
    [],
  );
});

test('float noise in a venue figure below its reporting precision is not a change', (t) => {
  const p = funded();
  t.deepEqual(
    p.unexplainedChanges({ USDT: { free: 799.8000000000001, locked: 0 }, BTC: { free: 2, locked: 0 } }),
    [],
  );
});

test('a change no fill, fee or transfer explains is reported with its size', (t) => {
  const p = funded();
  const found = p.unexplainedChanges({
    USDT: { free: 799.8, locked: 0 },
    BTC: { free: 2.1, locked: 0 },
    BNB: { free: 0.5, locked: 0 },
  });
  t.deepEqual(found, [
    { asset: 'BNB', expected: 0, actual: 0.5, difference: 0.5, kind: 'unexplained' },
    { asset: 'BTC', expected: 2, actual: 2.1, difference: 0.1, kind: 'unexplained' },
  ]);
});

test('an asset the ledger holds but the venue omits is a discrepancy down to zero', (t) => {
  const p = funded();
  t.deepEqual(p.unexplainedChanges({ USDT: { free: 799.8, locked: 0 } }), [
    { asset: 'BTC', expected: 2, actual: 0, difference: -2, kind: 'unexplained' },
  ]);
});

test('a malformed venue figure is reported, not trusted', (t) => {
  const p = funded();
  const found = p.unexplainedChanges({ USDT: { free: Number.NaN, locked: 0 }, BTC: { free: 2, locked: 0 } });
  t.is(found.length, 1);
  t.like(found[0], { asset: 'USDT', expected: 799.8, kind: 'malformed' });
  t.true(Number.isNaN(found[0]?.actual));
});

test('once the unexplained change is recorded as a transfer with its reason, the ledger matches again', (t) => {
  const p = funded();
  const venue = { USDT: { free: 799.8, locked: 0 }, BTC: { free: 2.1, locked: 0 } };
  t.is(p.unexplainedChanges(venue).length, 1);
  p.recordTransfer({ transferId: 'airdrop-7', asset: 'BTC', amount: 0.1, reason: 'venue airdrop', t: 30 });
  t.deepEqual(p.unexplainedChanges(venue), []);
  t.like(p.explain('BTC'), { balance: 2.1, totals: { fills: 2, fees: 0, transfers: 0.1 }, reconciled: true });
});
