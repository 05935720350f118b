import test from 'ava';
import { Portfolio } from '../../actors/trading/portfolio';
import { BTC } from './fixtures/instruments';

// The equity curve: one point per mark until it is full, then thinned so it always spans the whole
// run in at most `equityCurveCapacity` points; peak and drawdown are exact at every mark.

/** Holds exactly 1 BTC and nothing else, so equity equals the BTC mid. */
function oneBitcoin(capacity: number): Portfolio {
  const p = Portfolio.create({ valuationAsset: 'USDT', instruments: [BTC], equityCurveCapacity: capacity });
  p.recordTransfer({ transferId: 'btc', asset: 'BTC', amount: 1, reason: 'initial funding', t: 0 });
  return p;
}

test('each mark appends its time and equity to the curve', (t) => {
  const p = oneBitcoin(8);
  p.mark(1_000, { BTCUSDT: 101 });
  p.mark(2_000, { BTCUSDT: 99.5 });
  t.like(p.equityCurve(), {
    points: [
      { t: 1_000, equity: 101 },
      { t: 2_000, equity: 99.5 },
    ],
    stride: 1,
    marks: 2,
  });
});

test('a full curve drops every other point and doubles its stride, keeping the whole span', (t) => {
  const p = oneBitcoin(4);
  const mids = [101, 102, 103, 120, 100, 106, 107, 108, 109, 110];
  mids.forEach((mid, i) => p.mark((i + 1) * 1_000, { BTCUSDT: mid }));
  // marks 1–4 fill it; mark 5 overflows → keep marks 2, 4 (stride 2); marks 6 and 8 are added;
  // mark 10 overflows → keep marks 4, 8 (stride 4). At most 4 points, however long the run.
  t.deepEqual(p.equityCurve(), {
    points: [
      { t: 4_000, equity: 120 },
      { t: 8_000, equity: 108 },
    ],
    stride: 4,
    marks: 10,
    peak: 120,
    // the fall from 120 to 100 at mark 5 counts although mark 5 was thinned away
    maxDrawdown: 20,
  });
  // now 110, 10 below the peak
  t.deepEqual(p.equity(), { t: 10_000, equity: 110, drawdown: 10, unpriced: [] });
});

test('the curve never holds more than its capacity', (t) => {
  const p = oneBitcoin(16);
  for (let i = 1; i <= 1_000; i += 1) p.mark(i, { BTCUSDT: 100 + (i % 7) });
  const curve = p.equityCurve();
  t.true(curve.points.length <= 16);
  t.is(curve.stride, 64);
  // points[i] is the equity after mark (i + 1) × stride
  t.deepEqual(
    curve.points.map((x) => x.t),
    [64, 128, 192, 256, 320, 384, 448, 512, 576, 640, 704, 768, 832, 896, 960],
  );
});

test('a mark earlier than the previous one is refused and the curve is unchanged', (t) => {
  const p = oneBitcoin(8);
  p.mark(2_000, { BTCUSDT: 100 });
  const before = p.toJSON();
  t.like(p.mark(1_999, { BTCUSDT: 101 }), { status: 'rejected', reason: 'TIME_WENT_BACKWARDS', field: 't' });
  t.deepEqual(p.toJSON(), before);
  t.like(p.mark(2_000, { BTCUSDT: 101 }), { status: 'marked', equity: 101 });
});
