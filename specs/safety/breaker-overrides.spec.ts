import test from 'ava';
import { ConfigError } from '../../actors/kernel/errors';
import { breakerComponentId } from '../../actors/safety/breaker-defaults';
import { tradingBreakers } from '../../actors/trading/build-trading';
import { defaultTradingConfig, parseTradingConfig } from '../../actors/trading/trading-config';
import type { TradingConfigInput } from '../../actors/trading/trading-config';
import { simulatedTrading } from '../helpers/trading';

function withOverrides(
  breakerOverrides: unknown,
  breakers: 'default' | 'none' = 'default',
): TradingConfigInput {
  const base = defaultTradingConfig();
  return { ...base, safety: { ...base.safety, breakers, breakerOverrides } } as TradingConfigInput;
}

function problems(input: TradingConfigInput): string[] {
  try {
    parseTradingConfig(input);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  return [];
}

test('an override changes only the settings it names; a disabled breaker leaves the tree', async (t) => {
  const config = parseTradingConfig(
    withOverrides({
      'dd-maker': { yellowAt: 50, redAt: 150, onRed: 'reduce' },
      'latency-trend': { confirm: 6, cooldownMs: 60_000 },
      'stale-data': { enabled: false },
    }),
  );
  const byName = new Map(tradingBreakers(config).map((b) => [b.breaker.name, b]));
  t.is(byName.size, 15);
  t.false(byName.has('stale-data'));
  const maker = byName.get('dd-maker');
  t.like(maker?.breaker, { yellowAt: 50, redAt: 150, confirm: 3, cooldownMs: 600_000, metric: 'drawdown' });
  t.is(maker?.onRed, 'reduce');
  t.like(byName.get('latency-trend')?.breaker, {
    yellowAt: 2_000,
    redAt: 5_000,
    confirm: 6,
    cooldownMs: 60_000,
  });
  t.is(byName.get('latency-trend')?.onRed, 'reduce');
  t.like(byName.get('dd-trend')?.breaker, { yellowAt: 500, redAt: 1_500 });

  const sim = await simulatedTrading(config);
  t.teardown(() => sim.stop());
  t.truthy(sim.runtime.component(breakerComponentId('dd-maker')));
  t.is(sim.runtime.component(breakerComponentId('stale-data')), undefined);
});

test('a bad override is refused naming the breaker and the problem, and nothing is built from it', (t) => {
  t.deepEqual(problems(withOverrides({ 'dd-makr': { redAt: 10 } })), [
    'safety.breakerOverrides.dd-makr: no breaker of that name; breakers: dd-global, stale-data, dd-maker, errors-maker, rejects-maker, latency-maker, recon-maker, dd-mm-btc, dd-mm-eth, dd-mm-sol, dd-trend, errors-trend, rejects-trend, latency-trend, recon-trend, dd-trend-btc',
  ]);
  t.deepEqual(problems(withOverrides({ 'dd-global': { yellowAt: 3_000 } })), [
    "safety.breakerOverrides.dd-global.yellowAt: yellowAt (3000) must be below redAt (2500) when direction is 'above'",
  ]);
  // What the breaker machine itself would refuse is refused here, before anything starts.
  t.deepEqual(
    problems(withOverrides({ 'dd-global': { confirm: 500 } })).map((p) => p.split(':')[0]),
    ['safety.breakerOverrides.dd-global.confirm'],
  );
  t.deepEqual(problems(withOverrides({ 'dd-global': { redAt: 10 } }, 'none')), [
    'safety.breakerOverrides: set, but safety.breakers is "none"',
  ]);
  const shape = problems(withOverrides({ 'dd-global': { confirm: 0, onRed: 'explode', colour: 'red' } }));
  t.true(
    shape.some((p) => p.startsWith('safety.breakerOverrides.dd-global.confirm')),
    shape.join('\n'),
  );
  t.true(
    shape.some((p) => p.startsWith('safety.breakerOverrides.dd-global.onRed')),
    shape.join('\n'),
  );
  t.true(
    shape.some((p) => p.includes('colour')),
    shape.join('\n'),
  );
});
