import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import { Portfolio } from '../../actors/trading/portfolio';
import { PortfolioSnapshotError } from '../../actors/trading/portfolio-snapshot';
import type { Fill } from '../../actors/trading/types';
import { BTC, ETH } from './fixtures/instruments';

// A portfolio persists as plain JSON and comes back exactly; a snapshot that does not add up is
// refused. Bad configs are refused with every problem named.

function fill(
  fillId: string,
  symbol: string,
  side: Fill['side'],
  qty: number,
  price: number,
  t: number,
): Fill {
  return {
    fillId,
    venueOrderId: `v-${fillId}`,
    clientOrderId: `c-${fillId}`,
    symbol,
    side,
    qty,
    price,
    fee: 0.001,
    feeAsset: symbol === 'BTCUSDT' ? 'BTC' : 'USDT',
    liquidity: 'maker',
    t,
  };
}

function busy(): Portfolio {
  const p = Portfolio.create({
    valuationAsset: 'USDT',
    instruments: [BTC, ETH],
    equityCurveCapacity: 4,
    ledgerCapacity: 3,
  });
  p.recordTransfer({ transferId: 'fund', asset: 'USDT', amount: 5000, reason: 'initial funding', t: 0 });
  p.recordFill(fill('a', 'BTCUSDT', 'buy', 0.1, 100, 1), { engine: 'mm', strategy: 'a' });
  p.recordFill(fill('b', 'BTCUSDT', 'buy', 0.2, 101, 2), { engine: 'mm', strategy: 'a' });
  p.recordFill(fill('c', 'BTCUSDT', 'sell', 0.1, 102, 3), { engine: 'mm', strategy: 'a' });
  p.recordFill(fill('d', 'ETHUSDT', 'sell', 1, 50, 4), { engine: 'tf', strategy: 'c' });
  for (let i = 0; i < 7; i += 1) p.mark(10 + i, { BTCUSDT: 100.005 + i, ETHUSDT: 49 });
  return p;
}

test('a JSON round trip restores every figure exactly', (t) => {
  const p = busy();
  const restored = Portfolio.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
  t.deepEqual(restored.toJSON(), p.toJSON());
  t.deepEqual(restored.pnl(), p.pnl());
  t.deepEqual(restored.positions(), p.positions());
  t.deepEqual(restored.equity(), p.equity());
  t.deepEqual(restored.equityCurve(), p.equityCurve());
  t.deepEqual(restored.explain('USDT'), p.explain('USDT'));
});

test('a restored portfolio carries on exactly as the original would', (t) => {
  const p = busy();
  const restored = Portfolio.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
  for (const q of [p, restored]) {
    q.recordFill(fill('e', 'BTCUSDT', 'sell', 0.5, 103, 20), { engine: 'mm', strategy: 'a' });
    q.mark(30, { BTCUSDT: 99 });
  }
  t.deepEqual(restored.toJSON(), p.toJSON());
  // idempotency survives the restore too
  t.deepEqual(
    restored.recordFill(fill('a', 'BTCUSDT', 'buy', 0.1, 100, 1), { engine: 'mm', strategy: 'a' }),
    {
      status: 'duplicate',
    },
  );
});

test('a snapshot whose ledger does not add up is refused', (t) => {
  const json = busy().toJSON();
  const tampered = {
    ...json,
    ledger: {
      ...json.ledger,
      accounts: json.ledger.accounts.map((a) => ({ ...a, balance: `${a.balance}1` })),
    },
  };
  const error = t.throws(() => Portfolio.fromJSON(tampered), { instanceOf: PortfolioSnapshotError });
  t.regex(error?.message ?? '', /do not sum to the balance/);
});

test('a snapshot of the wrong shape is refused with each field named', (t) => {
  const json = busy().toJSON();
  const error = t.throws(
    () => Portfolio.fromJSON({ ...json, v: 2, marks: [{ symbol: 'BTCUSDT', price: 1.5 }] }),
    {
      instanceOf: PortfolioSnapshotError,
    },
  );
  t.true(error?.issues.some((i) => i.startsWith('v:')));
  t.true(error?.issues.some((i) => i.startsWith('marks[0].price:')));
});

test('a snapshot naming a symbol the config lacks is refused', (t) => {
  const json = busy().toJSON();
  t.throws(() => Portfolio.fromJSON({ ...json, marks: [{ symbol: 'DOGEUSDT', price: '1' }] }), {
    instanceOf: PortfolioSnapshotError,
    message: /DOGEUSDT/,
  });
});

test('a config whose instruments are not quoted in the valuation asset is refused', (t) => {
  const error = t.throws(
    () => Portfolio.create({ valuationAsset: 'USDC', instruments: [BTC, { ...ETH, symbol: 'BTCUSDT' }] }),
    { instanceOf: ConfigError },
  );
  t.deepEqual(error?.issues, [
    'instruments[0].quote: expected the valuation asset "USDC"',
    'instruments[1].symbol: duplicate symbol "BTCUSDT"',
    'instruments[1].quote: expected the valuation asset "USDC"',
  ]);
});

test('a config too coarse for exact notionals is refused', (t) => {
  // 0.001 × 0.01 needs 5 decimals
  const error = t.throws(
    () => Portfolio.create({ valuationAsset: 'USDT', instruments: [BTC], amountDecimals: 4 }),
    {
      instanceOf: ConfigError,
    },
  );
  t.true(error?.issues.some((i) => i.includes('lotSize × tickSize')));
});
