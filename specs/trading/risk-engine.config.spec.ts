import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import { parseRiskEngineConfig } from '../../actors/trading/risk-engine.config';

test('a risk config with one rule of each kind parses', (t) => {
  const config = parseRiskEngineConfig({
    rules: [
      { kind: 'maxOrderNotional', name: 'notional', max: 50_000 },
      { kind: 'maxPosition', name: 'btc-position', max: 2, symbols: ['BTCUSDT'] },
      { kind: 'priceBand', name: 'band', bps: 50 },
      { kind: 'orderRate', name: 'rate', max: 10, windowMs: 1_000, per: 'strategy' },
    ],
  });
  t.deepEqual(
    config.rules.map((r) => r.name),
    ['notional', 'btc-position', 'band', 'rate'],
  );
});

test('an empty rule list is a valid risk config (state checks and intent validation still apply)', (t) => {
  t.deepEqual(parseRiskEngineConfig({ rules: [] }), { rules: [] });
});

test('a bad risk config is refused with every problem named by its path', (t) => {
  const error = t.throws(
    () =>
      parseRiskEngineConfig({
        rules: [
          { kind: 'maxOrderNotional', name: 'notional', max: -1 },
          { kind: 'orderRate', name: 'rate', max: 1.5, windowMs: 1_000, per: 'desk' },
          { kind: 'maxLeverage', name: 'lev', max: 3 },
        ],
      }),
    { instanceOf: ConfigError },
  );
  const issues = error?.issues.join('\n') ?? '';
  t.regex(issues, /rules\[0\]\.max/);
  t.regex(issues, /rules\[1\]\.max/);
  t.regex(issues, /rules\[1\]\.per/);
  t.regex(issues, /rules\[2\]/);
});

test('two risk rules with one name are refused, since a denial names its rule', (t) => {
  const error = t.throws(
    () =>
      parseRiskEngineConfig({
        rules: [
          { kind: 'maxOrderNotional', name: 'limit', max: 1 },
          { kind: 'maxPosition', name: 'limit', max: 1 },
        ],
      }),
    { instanceOf: ConfigError },
  );
  t.deepEqual(error?.issues, ['rules[1].name: duplicate rule name "limit"']);
});

test('an unknown field in a risk rule is refused rather than ignored', (t) => {
  t.throws(() => parseRiskEngineConfig({ rules: [{ kind: 'priceBand', name: 'band', bps: 50, bsp: 5 }] }), {
    instanceOf: ConfigError,
  });
});
