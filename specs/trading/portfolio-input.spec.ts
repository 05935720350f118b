import test from 'ava';
import { Portfolio } from '../../actors/trading/portfolio';
import type { FillOwner, PortfolioRejectionReason, Transfer } from '../../actors/trading/portfolio-input';
import { PORTFOLIO_REJECTION_REASONS } from '../../actors/trading/portfolio-input';
import type { Fill } from '../../actors/trading/types';
import { BTC } from './fixtures/instruments';

// Bad input is refused with a machine-readable reason and changes nothing; the same fill or
// transfer twice is a duplicate and changes nothing either.

const OWNER: FillOwner = { engine: 'mm', strategy: 'a' };

const GOOD: Fill = {
  fillId: 'f1',
  venueOrderId: 'v1',
  clientOrderId: 'c1',
  symbol: 'BTCUSDT',
  side: 'buy',
  qty: 0.5,
  price: 30_000.5,
  fee: 0.015,
  feeAsset: 'USDT',
  liquidity: 'taker',
  t: 100,
};

const FUNDING: Transfer = {
  transferId: 'fund',
  asset: 'USDT',
  amount: 1000,
  reason: 'initial funding',
  t: 0,
};

function started(dedupCapacity?: number): Portfolio {
  const p = Portfolio.create({
    valuationAsset: 'USDT',
    instruments: [BTC],
    ...(dedupCapacity ? { dedupCapacity } : {}),
  });
  p.recordTransfer(FUNDING);
  p.recordFill({ ...GOOD, fillId: 'f0', t: 50 }, OWNER);
  p.mark(60, { BTCUSDT: 30_000 });
  return p;
}

/** Bad fills: each changes one field of a good fill (or the owner). */
const BAD_FILLS: [string, Partial<Fill>, PortfolioRejectionReason, FillOwner?][] = [
  ['an empty fill id', { fillId: '' }, 'INVALID_FILL_ID'],
  ['an owner without a strategy', {}, 'INVALID_OWNER', { engine: 'mm', strategy: '' }],
  ['an unknown instrument', { symbol: 'DOGEUSDT' }, 'UNKNOWN_INSTRUMENT'],
  ['a side that is neither buy nor sell', { side: 'hold' as Fill['side'] }, 'INVALID_SIDE'],
  ['a NaN quantity', { qty: Number.NaN }, 'INVALID_QUANTITY'],
  ['a negative quantity', { qty: -0.5 }, 'INVALID_QUANTITY'],
  ['a zero quantity', { qty: 0 }, 'INVALID_QUANTITY'],
  ['a quantity off the lot size', { qty: 0.0005 }, 'QUANTITY_NOT_ON_LOT'],
  ['a NaN price', { price: Number.NaN }, 'INVALID_PRICE'],
  ['a negative price', { price: -1 }, 'INVALID_PRICE'],
  ['an infinite price', { price: Number.POSITIVE_INFINITY }, 'INVALID_PRICE'],
  ['a price off the tick size', { price: 30_000.505 }, 'PRICE_NOT_ON_TICK'],
  ['a NaN fee', { fee: Number.NaN }, 'INVALID_FEE'],
  ['a negative fee', { fee: -0.01 }, 'INVALID_FEE'],
  [
    'a fee in an asset that is neither base nor quote',
    { fee: 0.001, feeAsset: 'BNB' },
    'FEE_ASSET_NOT_IN_INSTRUMENT',
  ],
  ['a NaN time', { t: Number.NaN }, 'INVALID_TIME'],
];

for (const [what, change, reason, owner] of BAD_FILLS) {
  test(`a fill with ${what} is rejected as ${reason} and changes nothing`, (t) => {
    const p = started();
    const before = p.toJSON();
    const outcome = p.recordFill({ ...GOOD, ...change }, owner ?? OWNER);
    t.like(outcome, { status: 'rejected', reason });
    t.true(outcome.status === 'rejected' && outcome.message.length > 0);
    t.deepEqual(p.toJSON(), before);
  });
}

const BAD_TRANSFERS: [string, Partial<Transfer>, PortfolioRejectionReason][] = [
  ['an empty transfer id', { transferId: '' }, 'INVALID_TRANSFER_ID'],
  ['no asset', { asset: '' }, 'INVALID_ASSET'],
  ['a zero amount', { amount: 0 }, 'INVALID_AMOUNT'],
  ['a NaN amount', { amount: Number.NaN }, 'INVALID_AMOUNT'],
  ['a blank reason', { reason: '   ' }, 'MISSING_REASON'],
  ['an infinite time', { t: Number.POSITIVE_INFINITY }, 'INVALID_TIME'],
];

for (const [what, change, reason] of BAD_TRANSFERS) {
  test(`a transfer with ${what} is rejected as ${reason} and changes nothing`, (t) => {
    const p = started();
    const before = p.toJSON();
    t.like(p.recordTransfer({ ...FUNDING, transferId: 'deposit-2', ...change }), {
      status: 'rejected',
      reason,
    });
    t.deepEqual(p.toJSON(), before);
  });
}

const BAD_MARKS: [string, number, Record<string, number>, PortfolioRejectionReason][] = [
  ['an unknown symbol', 70, { DOGEUSDT: 0.1 }, 'UNKNOWN_INSTRUMENT'],
  ['a zero mid', 70, { BTCUSDT: 0 }, 'INVALID_PRICE'],
  ['a NaN mid', 70, { BTCUSDT: Number.NaN }, 'INVALID_PRICE'],
  ['a NaN time', Number.NaN, { BTCUSDT: 30_000 }, 'INVALID_TIME'],
  ['a time before the previous mark', 59, { BTCUSDT: 30_000 }, 'TIME_WENT_BACKWARDS'],
];

for (const [what, time, mids, reason] of BAD_MARKS) {
  test(`a mark with ${what} is rejected as ${reason} and changes nothing`, (t) => {
    const p = started();
    const before = p.toJSON();
    t.like(p.mark(time, mids), { status: 'rejected', reason });
    t.deepEqual(p.toJSON(), before);
  });
}

test('a fill with a zero fee may name any fee asset, since nothing moves', (t) => {
  t.deepEqual(started().recordFill({ ...GOOD, fee: 0, feeAsset: 'BNB' }, OWNER), { status: 'recorded' });
});

test('recording the same fill twice is a duplicate and changes nothing', (t) => {
  const p = started();
  t.deepEqual(p.recordFill(GOOD, OWNER), { status: 'recorded' });
  const before = p.toJSON();
  t.deepEqual(p.recordFill(GOOD, OWNER), { status: 'duplicate' });
  // the fill id is the identity: a replay under another owner is the same fill
  t.deepEqual(p.recordFill(GOOD, { engine: 'tf', strategy: 'b' }), { status: 'duplicate' });
  t.deepEqual(p.toJSON(), before);
});

test('recording the same transfer twice is a duplicate and changes nothing', (t) => {
  const p = started();
  const before = p.toJSON();
  t.deepEqual(p.recordTransfer(FUNDING), { status: 'duplicate' });
  t.deepEqual(p.toJSON(), before);
  // 1000 − 0.5 × 30000.5 − 0.015 = −14000.265: funded once, one fill
  t.is(p.balance('USDT'), -14_000.265);
});

test('an unknown id older than the forgotten ones is refused rather than risk a double count', (t) => {
  // remembers 2 ids: funding (t 0) and f0 (t 50); f1 (t 100) pushes the funding id out → horizon 0
  const p = started(2);
  t.deepEqual(p.recordFill(GOOD, OWNER), { status: 'recorded' });
  const before = p.toJSON();
  t.like(p.recordTransfer(FUNDING), { status: 'rejected', reason: 'BEFORE_DEDUP_HORIZON' });
  t.deepEqual(p.toJSON(), before);
  // still remembered, so still a plain duplicate
  t.deepEqual(p.recordFill(GOOD, OWNER), { status: 'duplicate' });
  t.deepEqual(p.recordFill({ ...GOOD, fillId: 'f2', t: 101 }, OWNER), { status: 'recorded' });
});

test('every rejection reason is exercised by a spec above', (t) => {
  const covered = new Set<string>([
    ...BAD_FILLS.map(([, , reason]) => reason),
    ...BAD_TRANSFERS.map(([, , reason]) => reason),
    ...BAD_MARKS.map(([, , , reason]) => reason),
    'BEFORE_DEDUP_HORIZON',
  ]);
  t.deepEqual([...covered].sort(), [...PORTFOLIO_REJECTION_REASONS].sort());
});
