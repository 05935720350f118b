import test from 'ava';
import { diffPositions, explainBalanceChange } from '../../actors/safety/reconciliation-positions';
import type { Balances, Fill, Instrument } from '../../actors/trading/types';
import { BTC, ETH } from '../trading/fixtures/instruments';

const INSTRUMENTS: ReadonlyMap<string, Instrument> = new Map([
  [BTC.symbol, BTC],
  [ETH.symbol, ETH],
]);
const EXACT = (): number => 0;

function trade(
  fillId: string,
  side: Fill['side'],
  qty: number,
  price: number,
  fee = 0,
  feeAsset = 'USDT',
): Fill {
  return {
    fillId,
    venueOrderId: `v-${fillId}`,
    clientOrderId: `c-${fillId}`,
    symbol: 'BTCUSDT',
    side,
    price,
    qty,
    fee,
    feeAsset,
    liquidity: 'taker',
    t: 1,
  };
}

const BEFORE: Balances = { USDT: { free: 1000, locked: 0 }, BTC: { free: 0.5, locked: 0 } };

test('a change fully explained by fills, fees and transfers reports nothing', (t) => {
  // buy 2 BTC at 100 (fee 0.2 USDT), sell 0.1 BTC at 110 (fee 0.011 USDT), deposit 50 USDT:
  // USDT 1000 − 200 − 0.2 + 11 − 0.011 + 50 = 860.789; BTC 0.5 + 2 − 0.1 = 2.4
  const after: Balances = { USDT: { free: 800.789, locked: 60 }, BTC: { free: 2, locked: 0.4 } };
  const report = explainBalanceChange(
    BEFORE,
    after,
    {
      fills: [trade('f1', 'buy', 2, 100, 0.2), trade('f2', 'sell', 0.1, 110, 0.011)],
      instruments: INSTRUMENTS,
      transfers: [{ asset: 'USDT', amount: 50 }],
    },
    EXACT,
  );
  t.deepEqual(report, { unexplained: [], unusableFills: [] });
});

test('an unexplained balance change is reported with its asset and amount', (t) => {
  const after: Balances = { USDT: { free: 1000, locked: 0 }, BTC: { free: 0.4, locked: 0 } };
  const report = explainBalanceChange(
    BEFORE,
    after,
    { fills: [], instruments: INSTRUMENTS, transfers: [] },
    EXACT,
  );
  t.deepEqual(report.unexplained, [
    { asset: 'BTC', observed: -0.1, explained: 0, unexplained: -0.1, kind: 'unexplained' },
  ]);
});

test('fees are explained from their own asset, and an unbooked fee shows up there', (t) => {
  const fills = [trade('f1', 'buy', 1, 100, 0.001, 'BNB')];
  const before: Balances = { ...BEFORE, BNB: { free: 1, locked: 0 } };
  const after: Balances = {
    USDT: { free: 900, locked: 0 },
    BTC: { free: 1.5, locked: 0 },
    BNB: { free: 0.999, locked: 0 },
  };
  t.deepEqual(
    explainBalanceChange(before, after, { fills, instruments: INSTRUMENTS, transfers: [] }, EXACT),
    {
      unexplained: [],
      unusableFills: [],
    },
  );
  const noFee = [trade('f1', 'buy', 1, 100, 0, 'BNB')];
  const report = explainBalanceChange(
    before,
    after,
    { fills: noFee, instruments: INSTRUMENTS, transfers: [] },
    EXACT,
  );
  t.deepEqual(report.unexplained, [
    { asset: 'BNB', observed: -0.001, explained: 0, unexplained: -0.001, kind: 'unexplained' },
  ]);
});

test('transfers are explained, deposits and withdrawals alike; an unrecorded one is not', (t) => {
  const after: Balances = { USDT: { free: 1250, locked: 0 }, BTC: { free: 0.3, locked: 0 } };
  const transfers = [
    { asset: 'USDT', amount: 250 },
    { asset: 'BTC', amount: -0.2 },
  ];
  t.deepEqual(
    explainBalanceChange(BEFORE, after, { fills: [], instruments: INSTRUMENTS, transfers }, EXACT),
    {
      unexplained: [],
      unusableFills: [],
    },
  );
  const partial = explainBalanceChange(
    BEFORE,
    after,
    { fills: [], instruments: INSTRUMENTS, transfers: transfers.slice(0, 1) },
    EXACT,
  );
  t.deepEqual(
    partial.unexplained.map((d) => [d.asset, d.unexplained]),
    [['BTC', -0.2]],
  );
});

test('many small fills sum exactly: no float drift is mistaken for a loss', (t) => {
  // 1000 fills of 0.1 BTC at 0.1 USDT: float sums drift; exact ones do not.
  const fills = Array.from({ length: 1000 }, (_, i) => trade(`f${i}`, 'sell', 0.1, 0.1));
  const before: Balances = { BTC: { free: 100, locked: 0 }, USDT: { free: 0, locked: 0 } };
  const after: Balances = { BTC: { free: 0, locked: 0 }, USDT: { free: 10, locked: 0 } };
  t.deepEqual(
    explainBalanceChange(before, after, { fills, instruments: INSTRUMENTS, transfers: [] }, EXACT),
    {
      unexplained: [],
      unusableFills: [],
    },
  );
});

test('a difference within the asset tolerance is not reported, one beyond it is', (t) => {
  const after: Balances = { USDT: { free: 999.99, locked: 0 }, BTC: { free: 0.5, locked: 0 } };
  const explained = { fills: [], instruments: INSTRUMENTS, transfers: [] };
  const cent = (asset: string): number => (asset === 'USDT' ? 0.01 : 0);
  t.deepEqual(explainBalanceChange(BEFORE, after, explained, cent).unexplained, []);
  t.is(explainBalanceChange(BEFORE, after, explained, () => 0.001).unexplained.length, 1);
  // A tolerance that is not a number hides nothing.
  t.is(explainBalanceChange(BEFORE, after, explained, () => Number.NaN).unexplained.length, 1);
});

test('a fill of an unknown instrument is unusable and its movement stays unexplained', (t) => {
  const stray = { ...trade('f1', 'buy', 1, 100), symbol: 'DOGEUSDT' };
  const after: Balances = {
    USDT: { free: 900, locked: 0 },
    BTC: { free: 0.5, locked: 0 },
    DOGE: { free: 1, locked: 0 },
  };
  const report = explainBalanceChange(
    BEFORE,
    after,
    { fills: [stray], instruments: INSTRUMENTS, transfers: [] },
    EXACT,
  );
  t.deepEqual(
    report.unusableFills.map((u) => u.fill.fillId),
    ['f1'],
  );
  t.deepEqual(
    report.unexplained.map((d) => [d.asset, d.unexplained]),
    [
      ['DOGE', 1],
      ['USDT', -100],
    ],
  );
});

test('positions match when the venue total (free + locked) equals ours', (t) => {
  const venue: Balances = { BTC: { free: 0.4, locked: 0.6 }, USDT: { free: 0.1, locked: 0.2 } };
  t.deepEqual(diffPositions({ BTC: 1, USDT: 0.3 }, venue, { tolerance: EXACT }), []);
});

test('a position difference beyond tolerance is reported per asset, a missing asset counts as 0', (t) => {
  const venue: Balances = {
    BTC: { free: 1.5, locked: 0 },
    ETH: { free: 2, locked: 0 },
    USDT: { free: 10.005, locked: 0 },
  };
  const diffs = diffPositions({ BTC: 1, USDT: 10, SOL: 3 }, venue, {
    tolerance: (asset) => (asset === 'USDT' ? 0.01 : 0),
  });
  t.deepEqual(diffs, [
    { asset: 'BTC', local: 1, venue: 1.5, difference: 0.5, kind: 'unexplained' },
    { asset: 'ETH', local: 0, venue: 2, difference: 2, kind: 'unexplained' },
    { asset: 'SOL', local: 3, venue: 0, difference: -3, kind: 'unexplained' },
  ]);
});

test('a malformed venue balance is always reported', (t) => {
  const venue: Balances = { BTC: { free: Number.NaN, locked: 0 } };
  t.like(diffPositions({ BTC: 1 }, venue, { tolerance: () => 1e9 })[0], { asset: 'BTC', kind: 'malformed' });
});
