import test from 'ava';
import { ConfigError } from '../../../actors/kernel/errors';
import { parseMarketMakerConfig } from '../../../actors/trading/strategies/market-maker.config';
import { createStrategy } from '../../../actors/trading/strategies/registry';
import { parseTrendFollowerConfig } from '../../../actors/trading/strategies/trend-follower.config';

function issuesOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.join('\n');
    throw error;
  }
  throw new Error('expected a ConfigError');
}

test('a market-maker config fills in its defaults', (t) => {
  t.deepEqual(parseMarketMakerConfig({ halfSpreadBps: 10, quoteSize: 0.01, maxInventory: 0.1 }), {
    halfSpreadBps: 10,
    quoteSize: 0.01,
    maxInventory: 0.1,
    skewBps: 0,
    requoteThresholdTicks: 0,
  });
});

test('a bad market-maker config names every bad field', (t) => {
  const issues = issuesOf(() =>
    parseMarketMakerConfig({
      halfSpreadBps: -1,
      quoteSize: '0.1',
      maxInventory: 1,
      requoteThresholdTicks: 1.5,
    }),
  );
  t.regex(issues, /^halfSpreadBps: /m);
  t.regex(issues, /^quoteSize: /m);
  t.regex(issues, /^requoteThresholdTicks: /m);
  t.notRegex(issues, /^maxInventory/m);
});

test('a market maker whose quote exceeds its max inventory is refused on quoteSize', (t) => {
  t.regex(
    issuesOf(() => parseMarketMakerConfig({ halfSpreadBps: 10, quoteSize: 2, maxInventory: 1 })),
    /^quoteSize: quoteSize must not exceed maxInventory/m,
  );
});

test('an unknown market-maker field is refused by name', (t) => {
  t.regex(
    issuesOf(() => parseMarketMakerConfig({ halfSpreadBps: 10, quoteSize: 0.1, maxInventory: 1, spread: 3 })),
    /spread/,
  );
});

test('a trend-follower config fills in its defaults', (t) => {
  t.deepEqual(parseTrendFollowerConfig({ fastPeriod: 12, slowPeriod: 26, size: 0.05 }), {
    fastPeriod: 12,
    slowPeriod: 26,
    size: 0.05,
    flatBandBps: 0,
    sampleEveryMs: 0,
    orderType: 'market',
    slippageBps: 10,
  });
});

test('a bad trend-follower config names every bad field', (t) => {
  const issues = issuesOf(() =>
    parseTrendFollowerConfig({ fastPeriod: 0, slowPeriod: 26, size: -1, orderType: 'stop' }),
  );
  t.regex(issues, /^fastPeriod: /m);
  t.regex(issues, /^size: /m);
  t.regex(issues, /^orderType: /m);
});

test('a trend follower whose slow period is not longer than the fast one is refused on slowPeriod', (t) => {
  t.regex(
    issuesOf(() => parseTrendFollowerConfig({ fastPeriod: 26, slowPeriod: 12, size: 1 })),
    /^slowPeriod: slowPeriod must be greater than fastPeriod/m,
  );
});

test('a warm-up shorter than the slow period is refused on warmupSamples', (t) => {
  t.regex(
    issuesOf(() => parseTrendFollowerConfig({ fastPeriod: 2, slowPeriod: 10, size: 1, warmupSamples: 5 })),
    /^warmupSamples: /m,
  );
});

test('the config error message names the strategy and the field', (t) => {
  const error = t.throws(() => createStrategy('trend-follower', { fastPeriod: 2, slowPeriod: 10 }), {
    instanceOf: ConfigError,
  });
  t.regex(error?.message ?? '', /invalid trend follower config/);
  t.regex(error?.message ?? '', /size: /);
});

test('createStrategy builds each shipped kind from its raw config', (t) => {
  t.is(
    createStrategy('market-maker', { halfSpreadBps: 10, quoteSize: 0.1, maxInventory: 1 }).kind,
    'market-maker',
  );
  t.is(createStrategy('trend-follower', { fastPeriod: 2, slowPeriod: 10, size: 1 }).kind, 'trend-follower');
});
